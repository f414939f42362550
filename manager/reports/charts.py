"""Charts drawn by the manager itself as inline SVG: no script, no internet, prints as it shows.

A chart is percentages (0-100) over labelled periods; a None value is a gap
in the line ("no data"), never a drop to zero.
"""
from html import escape

from manager import i18n

PALETTE = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490")


def line_chart(labels: list[str], series: list[tuple[str, list[float | None]]], title: str,
               targets: list[tuple[str, float]] = (), width: int = 720, height: int = 260, lang: str = "vi") -> str:
    left, right, top, bottom = 44, 12, 28, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels))

    def x(k: int) -> float:
        return left + (plot_w * (k + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, v)) / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" class="chart">',
             f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for tick in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">{tick}%</text>')
    step = max(1, n // 12)
    for k, label in enumerate(labels):
        if k % step == 0:
            parts.append(f'<text x="{x(k):.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">{escape(label)}</text>')
    for name, value in targets:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#999" stroke-dasharray="4 3"><title>{escape(name)}: {value:g}%</title></line>')
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        dash = "" if s == 0 else f' stroke-dasharray="{2 + 2 * s} 3"'  # equal lines stay distinguishable
        run: list[str] = []
        for k, v in enumerate(values):
            if v is None:
                if len(run) > 1:
                    parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="{" ".join(run)}"/>')
                run = []
                continue
            run.append(f"{x(k):.1f},{y(v):.1f}")
            parts.append(f'<circle cx="{x(k):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}">'
                         f'<title>{escape(name)} {escape(labels[k])}: {v:.2f}%</title></circle>')
        if len(run) > 1:
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="{" ".join(run)}"/>')
        lx = left + 150 * s
        parts.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{lx + 14}" y="{height - 7}" font-size="11">{escape(name)}</text>')
    if all(v is None for _, values in series for v in values):
        parts.append(f'<text x="{width / 2}" y="{top + plot_h / 2}" font-size="14" text-anchor="middle" fill="#666">'
                     f'{escape(i18n.text(lang, "reports.no_data_title"))}</text>')
    parts.append("</svg>")
    return "".join(parts)
