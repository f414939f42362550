"""Image decoding off the main thread: EXIF orientation, fit and fill."""
import io

from PIL import Image

from player.screen.decode import decode
from protocol.layout import Fit


def _exif_jpeg(path, size, orientation):
    img = Image.new("RGB", size, (200, 0, 0))
    img.paste((0, 0, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", exif=exif, quality=95)


def test_exif_orientation_fit_and_fill(tmp_path):
    path = tmp_path / "phone.jpg"
    _exif_jpeg(path, (400, 200), 6)  # a phone photo: stored landscape, shown rotated 90° clockwise
    fit = decode(path, (300, 300), Fit.fit)
    assert (fit.width, fit.height) == (150, 300), "EXIF rotation makes it portrait"
    fill = decode(path, (300, 100), Fit.fill)
    assert (fill.width, fill.height) == (300, 100)
    assert len(fill.pixels) == 300 * 100 * 3 and fill.mode == "rgb"
    # Rotated clockwise, the left (blue) half ends up on top; rows are bottom-up for OpenGL.
    img = Image.frombytes("RGB", (fit.width, fit.height), fit.pixels).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    top, bottom = img.getpixel((75, 20)), img.getpixel((75, 280))
    assert top[2] > 150 and bottom[0] > 150


def test_png_with_alpha_keeps_it(tmp_path):
    path = tmp_path / "logo.png"
    Image.new("RGBA", (64, 32), (255, 0, 0, 128)).save(path)
    out = decode(path, (128, 128), Fit.fit)
    assert out.mode == "rgba" and (out.width, out.height) == (128, 64)
