"""The first picture after a start is sharp: decoded for the zone's final size, not for the size the
zone had before the layout settled."""
import io

from PIL import Image

from player.state import StateStore
from tests.player.conftest import grab, wait_for
from tests.player.media import manifest, seed_cache

MEDIA_ROW = (60, 180, 350)  # x from, y, x to: a row inside the media zone of a 640x360 window


def _checker(size=(1280, 720), block=8) -> bytes:
    img = Image.new("L", size)
    img.putdata([255 * (((x // block) + (y // block)) % 2) for y in range(size[1]) for x in range(size[0])])
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG")
    return buf.getvalue()


def _crisp_share(display) -> float:
    x0, y, x1 = MEDIA_ROW
    row = [grab(display).getpixel((x, y))[0] for x in range(x0, x1)]
    return sum(1 for v in row if v < 50 or v > 205) / len(row)


def test_first_picture_after_a_start_is_sharp(run_player, xdisplay, tmp_path):
    data = tmp_path / "board"
    picture = _checker()
    seed_cache(data, [picture])
    StateStore(data).save_manifest(manifest([picture], image_s=60))
    run_player(data)
    # Blurred, the 4-pixel squares it shrinks to are a grey mush; sharp, most pixels are black or white.
    wait_for(lambda: _crisp_share(xdisplay) > 0.6, 15, interval=0.1, message="a sharp first picture")
