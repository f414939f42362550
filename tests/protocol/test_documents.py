"""The legibility floor and how a document's page is cut for a zone (pure rules)."""
from protocol.documents import cut, part_bounds, reading_time_s
from protocol.legibility import min_line_height_px

A4 = (595, 842)
BODY_LINE_PT = 13 * 1.2  # Decree 30/2020 body text, single-spaced


def test_floor_is_a_thirtieth_of_the_screen_height_or_the_board_own():
    assert [min_line_height_px(h) for h in (1080, 720, 384, 1920)] == [36, 24, 13, 64]
    assert min_line_height_px(720, board_min_px=30) == 30 and min_line_height_px(1080, board_min_px=20) == 36


def test_a4_full_screen_at_1080p_is_shown_in_halves():
    whole = cut(*A4, BODY_LINE_PT, 1920, 1080, 36)
    assert whole.parts == 2 and whole.readable and whole.line_px >= 36


def test_a4_in_a_narrow_zone_is_cut_only_as_far_as_it_helps():
    # The media zone of a 720p board (64% x 80%): width limits every cut; halves beat the whole page,
    # thirds would only show the same text in more steps.
    c = cut(*A4, BODY_LINE_PT, 819, 576, 24)
    assert c.parts == 2 and not c.readable
    assert c.line_px > cut(*A4, BODY_LINE_PT, 819, 576, 10_000).line_px * 0.99


def test_portrait_board_and_large_type_show_whole_pages():
    assert cut(*A4, BODY_LINE_PT, 1080, 1920, 64).parts == 1  # 1080x1920: A4 fills the screen
    assert cut(*A4, 40, 1920, 1080, 36).parts == 1  # a poster-like page in large type


def test_led_board_halves_and_small_print_thirds():
    assert cut(*A4, BODY_LINE_PT, 768, 384, 13).parts == 2
    small_print = cut(*A4, 10 * 1.2, 1920, 1080, 36)
    assert small_print.parts == 3 and small_print.readable


def test_landscape_page_in_a_landscape_zone_is_not_split_for_nothing():
    assert cut(842, 595, 8, 1229, 864, 36).parts == 1


def test_parts_cover_the_page_top_to_bottom_and_reading_time():
    bands = [part_bounds(842, 3, n) for n in (1, 2, 3)]
    assert bands[0][0] == 0 and bands[-1][1] == 842 and all(a[1] == b[0] for a, b in zip(bands, bands[1:]))
    assert reading_time_s(0, minimum_s=10) == 10 and reading_time_s(1200, minimum_s=10) == 100
