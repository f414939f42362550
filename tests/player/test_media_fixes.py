"""Pictures from the field on a real screen: an animated GIF from its first frame, 16-bit transparency."""
from PIL import Image

from player.state import StateStore
from tests.player.conftest import close, grab, wait_for
from tests.player.media import animated_gif, jpeg_bytes, manifest, seed_cache

WHITE, RED, GREEN, BLUE = (235, 235, 235), (220, 30, 30), (30, 200, 30), (30, 30, 220)
# The media zone has the screen below the header (nothing else plays): the 640x360 logo fits 576x324 at x 32.
INK, GROUND = (100, 180), (470, 180)  # the logo's left half is ink; its right half, transparent


def _logo16(path) -> bytes:
    """A 16-bit grey logo: mid-grey ink on a light ground made transparent by a tRNS chunk."""
    img = Image.new("I;16", (640, 360), 40000)
    img.paste(Image.new("I;16", (320, 360), 0x8000), (0, 0))
    img.save(path, transparency=40000)
    return path.read_bytes()


def _name(px) -> str:
    return next((n for n, c in (("white", WHITE), ("red", RED), ("green", GREEN), ("blue", BLUE)) if close(px, c, 30)), "other")


def test_gif_starts_at_its_first_frame_and_16_bit_transparency_shows_the_zone(run_player, xdisplay, tmp_path):
    data = tmp_path / "board"
    blobs = [jpeg_bytes(WHITE), animated_gif([RED, GREEN, BLUE], frame_ms=400), _logo16(tmp_path / "logo16.png")]
    seed_cache(data, blobs)
    StateStore(data).save_manifest(manifest(blobs, image_s=2.5))
    player = run_player(data, "--crossfade-s", "0")

    # The GIF waits, preloaded, behind the picture; when its turn comes it must open on red, its first
    # frame (it used to come on at whatever frame it had reached, often the last).
    firsts = []
    for _ in range(2):
        wait_for(lambda: _name(grab(xdisplay).getpixel(INK)) == "white", 20, interval=0.05, message="the picture")
        first = wait_for(lambda: (n := _name(grab(xdisplay).getpixel(INK))) != "white" and n, 10, interval=0.02,
                         message="the GIF after the picture")
        firsts.append(first)
    assert firsts == ["red", "red"], firsts

    # The 16-bit logo: its ink mid grey (not black), its transparent ground showing the zone's black.
    def logo_on_screen():
        shot = grab(xdisplay)
        return close(shot.getpixel(INK), (128, 128, 128), 12) and shot.getpixel(GROUND)

    ground = wait_for(logo_on_screen, 15, interval=0.05, message="the 16-bit logo")
    assert close(ground, (0, 0, 0), 12), f"the tRNS ground must be transparent, not light grey: {ground}"
    assert player.alive()
