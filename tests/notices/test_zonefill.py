"""Layouts follow their content: no zone stays an empty panel for a whole item."""
from datetime import timedelta

import pytest

from layouts import builtin_layouts
from player import programme
from protocol.layout import ZoneKind
from protocol.manifest import Item, ItemKind
from protocol.notice import parse
from protocol.timebase import utcnow
from protocol.zonefill import fill_empty
from tests.notices.samples import ALL
from tests.player.media import jpeg_bytes, manifest


def area(layout, kinds) -> float:
    return sum(z.w * z.h for z in layout.zones if z.kind in kinds)


@pytest.mark.parametrize("layout_id", sorted(builtin_layouts()))
def test_a_text_only_bulletin_takes_the_media_and_ticker_space(layout_id):
    layout = builtin_layouts()[layout_id]
    shown = fill_empty(layout, {"header", "clock", "bulletin"})
    assert [z.kind for z in shown.zones] == [ZoneKind.header, ZoneKind.clock, ZoneKind.bulletin]
    assert area(shown, (ZoneKind.bulletin,)) == pytest.approx(area(layout, (ZoneKind.bulletin, ZoneKind.media, ZoneKind.ticker)))


@pytest.mark.parametrize("layout_id", sorted(builtin_layouts()))
def test_an_image_only_playlist_takes_the_bulletin_space(layout_id):
    layout = builtin_layouts()[layout_id]
    shown = fill_empty(layout, {"header", "clock", "main", "ticker"})
    assert {z.kind for z in shown.zones} == {ZoneKind.header, ZoneKind.clock, ZoneKind.media, ZoneKind.ticker}
    assert area(shown, (ZoneKind.media,)) == pytest.approx(area(layout, (ZoneKind.media, ZoneKind.bulletin)))


def test_zones_in_use_keep_their_place():
    layout = builtin_layouts()["landscape-16x9"]
    assert fill_empty(layout, {z.id for z in layout.zones}) == layout


def test_the_board_programme_uses_the_filled_layout():
    m = manifest([], ticker="")
    item = Item(id="n1", zone="bulletin", kind=ItemKind.bulletin, notice=parse(ALL["1500"]), duration_s=30)
    m = m.model_copy(update={"playlists": {"p": m.playlists["p"].model_copy(update={"items": [item]})}})
    prog = programme.build(m, utcnow() + timedelta(seconds=1), builtin_layouts(), (1280, 720))
    assert [z.id for z in prog.layout.zones] == ["header", "clock", "bulletin"]
    assert prog.zones["bulletin"] == [item]
    images = manifest([jpeg_bytes((200, 0, 0))])
    prog = programme.build(images, utcnow(), builtin_layouts(), (1280, 720))
    assert prog.layout.zone("main").w == 1 and prog.layout.zone("bulletin") is None
