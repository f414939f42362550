"""Text on a board, split into pages that can be read from the street: one pure function.

`paginate` is used by the player to draw a bulletin and by the console to
preview it, so the editor sees the pages the board will show. It decides
every line break with the board's own typeface metrics (`protocol.typeface`);
the board only draws the lines it is given.

The rules:
- Legibility floor: no line is set with a line pitch below the board's floor
  (`protocol.legibility`: by default 1/30 of the screen height, 36 px at 1080p,
  24 px at 720p; a board may set a larger floor for its viewing distance).
- Text that does not fit at that size goes onto more pages, broken at
  paragraph and line boundaries, never inside a word (a word wider than the
  whole line, such as a long web address, is the only exception), with no
  single line of a paragraph left alone at the foot or the head of a page.
- Every page is numbered on screen ("Trang 2/4") and shown long enough to
  read it (`reading_seconds`); nothing is ever dropped: the pages joined give
  back the whole text.
"""
import dataclasses
import math
import re
from dataclasses import dataclass

from protocol.documents import reading_time_s
from protocol.text import nfc
from protocol.typeface import text_width

LINE_RATIO = 1.45  # line pitch / font size: Be Vietnam Pro is 1.265 em tall, plus room between lines
WRAP_MARGIN = 0.97  # lines are broken 3% short of the box, for rounding between text engines
MAX_LINES_PER_BOX = 9  # short texts grow, but never beyond 9 lines to a box
MIN_PAGE_S = 8.0  # even a short page stays long enough to be found and read
TITLE_SCALE = 1.25


def page_label(number: int, count: int) -> str:
    return f"Trang {number}/{count}"


@dataclass(frozen=True)
class Style:
    weight: str = "regular"  # regular | bold | italic (see protocol.typeface.FILES)
    scale: float = 1.0  # relative to the body size; never below 1 (the body is at or above the floor)
    align: str = "left"  # left | center | right


BODY = Style()


@dataclass(frozen=True)
class Block:
    """One paragraph (no newline inside) of the source text, with how to set it."""

    text: str
    style: Style = BODY
    column: str = "full"  # full | left | right: left and right blocks of one `row` sit side by side
    row: int | None = None  # blocks of one row stay together on one page (a header, a signer block)
    keep_with_next: bool = False  # a heading stays with what follows it
    space_before: float = 0.0  # in body lines


@dataclass(frozen=True)
class Line:
    """A line placed on a page, in pixels from the top-left of the text box."""

    text: str
    x: float  # the column the line is aligned in: x, width
    y: float  # top of the line
    width: float
    height: float  # the line pitch
    size: int  # font size, px
    weight: str
    align: str
    role: str = "body"  # body | title | footer
    start: int = -1  # span in the source text (body lines only)
    end: int = -1
    broken: bool = False  # the line ends inside a word too wide for a whole line


@dataclass(frozen=True)
class Page:
    number: int
    lines: tuple[Line, ...]
    start: int  # this page's part of the source text: source[start:end]
    end: int
    text: str
    reading_s: float


@dataclass(frozen=True)
class Pagination:
    source: str
    pages: tuple[Page, ...]
    body_size: int
    line_px: int  # the body's line pitch
    floor_px: int
    box: tuple[float, float]

    @property
    def total_s(self) -> float:
        return sum(p.reading_s for p in self.pages)

    def durations(self, slot_s: float) -> list[float]:
        """Seconds per page: each page its reading time, stretched evenly to fill a longer slot."""
        total = self.total_s or 1.0
        stretch = max(1.0, slot_s / total)
        return [round(p.reading_s * stretch, 2) for p in self.pages]


def reading_seconds(text: str) -> float:
    """Seconds to read a page from the street: the reading speed of `protocol.documents` (the one rule for
    every kind of text on a board), never under MIN_PAGE_S."""
    return reading_time_s(len(" ".join(text.split())), MIN_PAGE_S)


def text_blocks(text: str) -> list[Block]:
    """A plain text's paragraphs (one per line; empty lines give space between them)."""
    return [Block(p, space_before=0.3 if n else 0.0) for n, p in enumerate(clean(text).split("\n"))]


def clean(text: str) -> str:
    return nfc(text or "").replace("\r\n", "\n").replace("\r", "\n")


# Laying paragraphs out into lines.

@dataclass
class _Row:
    """Something one line pitch (or one atomic block) tall that goes on a page as a whole."""

    height: float
    lines: list[Line]  # y relative to the row's top
    start: int
    end: int
    para: object  # rows of one paragraph share it
    index: int = 0  # line number within its paragraph
    count: int = 1  # lines in its paragraph
    keep_with_next: bool = False
    space_before: float = 0.0


def _pitch(size: int) -> int:
    return math.ceil(size * LINE_RATIO)


def _wrap(text: str, weight: str, size: int, width: float) -> list[tuple[int, int]]:
    """Spans of `text`, one per line; each span keeps the spaces it ended on, so spans join back."""
    if not text:
        return [(0, 0)]
    limit = width * WRAP_MARGIN
    space = text_width(" ", weight, size)
    spans: list[tuple[int, int]] = []
    start = 0
    line_w = 0.0
    for match in re.finditer(r"\S+\s*|\s+", text):
        word = match.group().rstrip()
        w = text_width(word, weight, size) if word else 0.0
        if match.start() > start and line_w + w > limit:
            spans.append((start, match.start()))
            start, line_w = match.start(), 0.0
        if w > limit:
            # A word wider than a whole line (a long web address): the one place a word is broken.
            end = match.start() + len(word)
            while text_width(text[start:end], weight, size) > limit:
                n = 1
                while start + n < end and text_width(text[start:start + n + 1], weight, size) <= limit:
                    n += 1
                spans.append((start, start + n))
                start += n
            w = text_width(text[start:end], weight, size)
        line_w += w + space * (len(match.group()) - len(word))
    spans.append((start, len(text)))
    return spans


def _place(block: Block, offset: int, body: int, x: float, width: float, para: int, role: str = "body") -> list[_Row]:
    size = max(body, round(body * block.style.scale))
    pitch = _pitch(size)
    spans = _wrap(block.text, block.style.weight, size, width)
    rows = []
    for n, (a, b) in enumerate(spans):
        shown = block.text[a:b].strip()
        broken = b < len(block.text) and not block.text[b - 1].isspace()
        line = Line(shown, x, 0.0, width, pitch, size, block.style.weight, block.style.align, role, offset + a, offset + b, broken)
        rows.append(_Row(pitch, [line] if shown else [], offset + a, offset + b, para, n, len(spans),
                         keep_with_next=block.keep_with_next and n == len(spans) - 1,
                         space_before=block.space_before if n == 0 else 0.0))
    if not block.text:
        rows[0].height = 0.0  # an empty paragraph is only the space around it
    return rows


def _stack(rows: list[_Row], para: int, keep_with_next: bool, space_before: float) -> _Row:
    """Rows glued into one atomic row (a header column pair, a signer block)."""
    y, lines = 0.0, []
    for n, r in enumerate(rows):
        y += r.space_before * rows[0].height if n else 0.0
        lines.extend(_moved(line, y) for line in r.lines)
        y += r.height
    return _Row(y, lines, rows[0].start, rows[-1].end, para, keep_with_next=keep_with_next, space_before=space_before)


def _moved(line: Line, dy: float) -> Line:
    return dataclasses.replace(line, y=line.y + dy)


def _rows(blocks: list[Block], body: int, width: float, page_h: float) -> list[_Row]:
    gap = width * 0.04
    columns = {"full": (0.0, width), "left": (0.0, width * 0.42 - gap / 2), "right": (width * 0.42 + gap / 2, width * 0.58 - gap / 2)}
    rows: list[_Row] = []
    offset = 0
    n = 0
    while n < len(blocks):
        block = blocks[n]
        if block.row is None:
            rows.extend(_place(block, offset, body, *columns["full"], para=n))
            offset += len(block.text) + 1
            n += 1
            continue
        members = []
        while n < len(blocks) and blocks[n].row == block.row:
            members.append((blocks[n], offset))
            offset += len(blocks[n].text) + 1
            n += 1
        rows.extend(_atomic(members, body, columns, n, page_h))
    return rows


def _atomic(members: list[tuple[Block, int]], body: int, columns: dict, para: int, page_h: float) -> list[_Row]:
    """A row's blocks kept together, its columns side by side; loose again if taller than a page."""
    first = members[0][0]
    stacks: dict[str, list[_Row]] = {}
    for block, offset in members:
        stacks.setdefault(block.column, []).extend(_place(block, offset, body, *columns[block.column], para=para))
    parts = [_stack(rows, para, first.keep_with_next, first.space_before) for rows in stacks.values()]
    height = max(p.height for p in parts)
    if height > page_h:
        # Too tall for one page (a long header on a small LED board): set it as ordinary paragraphs.
        loose = []
        for n, (block, offset) in enumerate(members):
            loose.extend(_place(block, offset, body, *columns["full"], para=(para, n)))
        return loose
    lines = [line for p in parts for line in p.lines]
    start = min(p.start for p in parts)
    end = max(p.end for p in parts)
    return [_Row(height, lines, start, end, para, keep_with_next=first.keep_with_next, space_before=first.space_before)]


# Breaking rows into pages.

def _breaks(rows: list[_Row], page_h: float, line_px: int) -> list[int]:
    """Indices where each page starts."""
    starts = [0]
    i = 0
    while True:
        used, j = 0.0, i
        while j < len(rows):
            h = rows[j].height + (rows[j].space_before * line_px if j > i else 0.0)
            if used + h > page_h + 0.01 and j > i:
                break
            used += h
            j += 1
        if j >= len(rows):
            return starts
        b = _adjust(rows, i, j)
        i = b if b > i else j
        starts.append(i)


def _adjust(rows: list[_Row], first: int, b: int) -> int:
    """Move a break up so that no paragraph leaves one line alone at a page's foot or head,
    a heading stays with what follows, and the last page is not a single line."""
    if len(rows) - b == 1 and rows[b].height > 0 and b - first > 2:
        b -= 1
    for _ in range(8):
        moved = b
        if moved < len(rows) and rows[moved].index == rows[moved].count - 1 and rows[moved].count > 2 \
                and rows[moved - 1].para == rows[moved].para:
            moved -= 1  # a widow: take one more line of its paragraph over
        if moved <= first:
            break
        prev = rows[moved - 1]
        if prev.count > 1 and prev.index == 0:
            moved -= 1  # an orphan: the paragraph's first line goes over with the rest
        elif prev.keep_with_next or prev.height == 0:
            moved -= 1
        if moved == b:
            break
        b = moved
    return b  # at or before `first` when the rules cannot all be kept: the caller breaks where the page fills


def _pages_at(blocks: list[Block], body: int, box: tuple[float, float], title: str,
              numbered: bool) -> tuple[list[_Row], list[int], list[Line], float]:
    width, height = box
    title_lines: list[Line] = []
    head_h = 0.0
    if title:
        rows = _place(Block(title, Style("bold", TITLE_SCALE)), 0, body, 0.0, width, para=-1, role="title")
        title_lines = [_moved(line, r_y) for r_y, r in zip(_ys(rows), rows) for line in r.lines]
        head_h = sum(r.height for r in rows) + _pitch(body) * 0.4
    footer_h = _pitch(body) if numbered else 0.0
    page_h = max(1.0, height - head_h - footer_h)
    rows = _rows(blocks, body, width, page_h)
    return rows, _breaks(rows, page_h, _pitch(body)), title_lines, head_h


def _ys(rows: list[_Row]) -> list[float]:
    ys, y = [], 0.0
    for r in rows:
        ys.append(y)
        y += r.height
    return ys


def paginate(blocks: list[Block], box: tuple[float, float], floor_px: int, title: str = "") -> Pagination:
    """Pages of `blocks` in a text box of `box` pixels, every line pitch at least `floor_px`."""
    blocks = [dataclasses.replace(b, text=clean(b.text).replace("\n", " ")) for b in blocks]
    title = " ".join(clean(title).split())
    width, height = max(1.0, box[0]), max(1.0, box[1])
    smallest = max(1, math.ceil(floor_px / LINE_RATIO))
    if title and _pages_at([], smallest, (width, height), title, False)[3] > height * 0.35:
        # A title too long to repeat on every page opens the text instead.
        blocks = [Block(title, Style("bold", TITLE_SCALE), keep_with_next=True), *blocks]
        title = ""
    source = "\n".join(b.text for b in blocks)
    largest = max(smallest, int(height / MAX_LINES_PER_BOX / LINE_RATIO))

    def count(size: int) -> int:
        rows, starts, _, _ = _pages_at(blocks, size, (width, height), title, numbered=False)
        if len(starts) == 1:
            return 1
        return len(_pages_at(blocks, size, (width, height), title, numbered=True)[1])

    # The largest size that needs no more pages than the floor size does.
    target = count(smallest)
    lo, hi = smallest, largest
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(mid) <= target:
            lo = mid
        else:
            hi = mid - 1
    body = lo
    numbered = count(body) > 1
    rows, starts, title_lines, head_h = _pages_at(blocks, body, (width, height), title, numbered)
    return Pagination(source, tuple(_assemble(rows, starts, source, title_lines, head_h, body, (width, height), numbered)),
                      body, _pitch(body), floor_px, (width, height))


def _assemble(rows: list[_Row], starts: list[int], source: str, title_lines: list[Line], head_h: float, body: int,
              box: tuple[float, float], numbered: bool) -> list[Page]:
    pages = []
    bounds = starts + [len(rows)]
    count = len(starts)
    pitch = _pitch(body)
    for n in range(count):
        a, b = bounds[n], bounds[n + 1]
        y = head_h
        lines = list(title_lines)
        for k in range(a, b):
            if k > a:
                y += rows[k].space_before * pitch
            lines.extend(_moved(line, y) for line in rows[k].lines)
            y += rows[k].height
        if numbered:
            lines.append(Line(page_label(n + 1, count), 0.0, box[1] - pitch, box[0], pitch, body, "bold", "right", "footer"))
        start = 0 if n == 0 else rows[a].start
        end = len(source) if n == count - 1 else rows[b].start
        text = source[start:end]
        seconds = reading_seconds(text + (" " + " ".join(line.text for line in title_lines) if n == 0 else ""))
        pages.append(Page(n + 1, tuple(lines), start, end, text, seconds))
    return pages


def paginate_text(text: str, box: tuple[float, float], floor_px: int, title: str = "") -> Pagination:
    return paginate(text_blocks(text), box, floor_px, title)
