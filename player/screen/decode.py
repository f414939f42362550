"""Image decoding with Pillow, run on a worker thread: EXIF-rotated, sRGB, scaled, RGB(A) bytes."""
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from protocol.imaging import to_display
from protocol.layout import Fit

# The manager refuses larger uploads; this guards pictures that arrive by USB stick. JPEG is exempt:
# it decodes at a reduced scale (draft), the others would need width x height x 4 bytes at once.
MAX_FULL_DECODE_PIXELS = 50_000_000


@dataclass(frozen=True)
class Decoded:
    width: int
    height: int
    mode: str  # 'rgb' or 'rgba'
    pixels: bytes  # rows bottom-up, as OpenGL wants them
    animated: bool = False  # an animated GIF's first frame: the animation itself plays as a video


def decode(path: Path, box: tuple[int, int], fit: Fit) -> Decoded:
    """The picture scaled for the zone. For an animated GIF, its first frame, marked `animated`: the
    animation then plays as a video (ffmpeg decodes GIF) from the moment the item is on screen, so
    editors' animations move on the board as they did on their screen and always start at the start."""
    box = (max(1, int(box[0])), max(1, int(box[1])))
    with Image.open(path) as im:
        animated = im.format == "GIF" and getattr(im, "is_animated", False)
        if im.format != "JPEG" and im.width * im.height > MAX_FULL_DECODE_PIXELS:
            raise ValueError(f"{im.width}x{im.height} is too large to decode on a board")
        side = max(box)
        im.draft("RGB", (side, side))  # JPEG: decode at a reduced scale when much larger than needed
        im = to_display(ImageOps.exif_transpose(im))
        if fit == Fit.fill:
            im = ImageOps.fit(im, box, Image.Resampling.LANCZOS)
        else:
            im = ImageOps.contain(im, box, Image.Resampling.LANCZOS)
        im = im.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        return Decoded(im.width, im.height, im.mode.lower(), im.tobytes(), animated)
