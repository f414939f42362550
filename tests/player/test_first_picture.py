"""The first picture after a start is sharp: decoded for the zone's final size, not for the size the
zone had before the layout settled."""
import io

from PIL import Image, ImageOps

from player.state import StateStore
from tests.player.conftest import grab, wait_for
from tests.player.media import manifest, seed_cache

ZONE = (409, 288)  # landscape-16x9's media zone (64 % x 80 %) in a 640x360 window
INSIDE = (20, 100, 390, 260)  # a box on screen well inside the picture


def _checker(size=(1280, 720), block=8) -> Image.Image:
    img = Image.new("L", size)
    img.putdata([255 * (((x // block) + (y // block)) % 2) for y in range(size[1]) for x in range(size[0])])
    return img.convert("RGB")


def _detail(img: Image.Image) -> float:
    """Mean difference between horizontal neighbours: what blurring takes away."""
    grey = img.convert("L")
    w, h = grey.size
    px = grey.load()
    return sum(abs(px[x + 1, y] - px[x, y]) for y in range(0, h, 3) for x in range(w - 1)) / ((w - 1) * len(range(0, h, 3)))


def test_first_picture_after_a_start_is_sharp(run_player, xdisplay, tmp_path):
    data = tmp_path / "board"
    picture = _checker()
    buf = io.BytesIO()
    picture.save(buf, "PNG")
    seed_cache(data, [buf.getvalue()])
    # A bulletin and a ticker beside it keep the media zone at its layout size (alone, it would grow).
    StateStore(data).save_manifest(manifest([buf.getvalue()], image_s=60, ticker="Tin vắn", bulletin=("Thông báo", "Nội dung")))
    # As sharp as the picture decoded for the zone's final size would be.
    expected = _detail(ImageOps.contain(picture, ZONE, Image.Resampling.LANCZOS).crop((40, 40, 360, 190)))
    run_player(data)
    wait_for(lambda: _detail(grab(xdisplay, INSIDE)) > 0.8 * expected, 15, interval=0.1,
             message=f"a picture as sharp as one decoded for its zone ({expected:.0f})")
