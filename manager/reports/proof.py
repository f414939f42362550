"""Proof of play as an export: one row per playlist, item and board, under the reports' title block.

The page (manager/templates/proof_of_play.html) and these files show the same
figures (`manager.domain.proof_of_play`); here plays and seconds stay numbers
(hours beside them, rounded to two decimals) so a spreadsheet can add them up.
"""
from manager import i18n
from manager.domain.proof_of_play import ProofOfPlay
from manager.reports import workbook
from manager.reports.tables import Table


def table(proof: ProofOfPlay, lang: str) -> Table:
    t = lambda key: i18n.text(lang, f"pop.{key}")  # noqa: E731
    rows = []
    for group in proof.groups:
        playlist = f"{t('alert')}: {group.name}" if group.is_alert else group.name
        if group.retired:
            playlist += " " + i18n.text(lang, "playlists.retired")
        for item in group.items:
            kind = i18n.text(lang, f"kind.{item.kind}") if i18n.has(f"kind.{item.kind}") else item.kind
            for line in item.lines:
                rows.append({"playlist": playlist, "item": item.name, "kind": kind, "board": line.board, "unit": line.unit,
                             "plays": line.plays, "seconds": round(line.seconds, 1), "hours": round(line.seconds / 3600, 2)})
    columns = [("playlist", t("playlist")), ("item", t("item")), ("kind", t("kind")), ("board", t("board")), ("unit", t("unit")),
               ("plays", t("plays")), ("seconds", t("on_screen_s")), ("hours", t("on_screen_h"))]
    return Table("plays", t("sheet"), columns, rows, lang)


def title(proof: ProofOfPlay, lang: str, generated: float, scope: str) -> list[tuple[str, str]]:
    return workbook.title_block(lang, i18n.text(lang, "pop.title"), proof.period, generated, None,
                                [i18n.text(lang, "pop.scope", name=scope), i18n.text(lang, "pop.definition")])
