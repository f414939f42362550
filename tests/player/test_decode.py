"""Image decoding off the main thread: EXIF orientation, fit and fill."""
import io
import struct

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


def _primaries_swapped_profile() -> bytes:
    """An sRGB profile whose red and green primaries trade places: colour management shows red as green."""
    from PIL import ImageCms
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {bytes(data[132 + 12 * i:136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4:red + 12], data[green + 4:green + 12] = data[green + 4:green + 12], data[red + 4:red + 12]
    return bytes(data)


def _first_pixel(out):
    return tuple(out.pixels[:3])


def test_colour_profiles_16_bit_and_cmyk(tmp_path):
    tagged = tmp_path / "p3-like.jpg"
    Image.new("RGB", (40, 20), (255, 0, 0)).save(tagged, icc_profile=_primaries_swapped_profile(), quality=95)
    r, g, b = _first_pixel(decode(tagged, (40, 20), Fit.fit))
    assert g > 200 and r < 60, "the embedded profile is honoured"

    grey16 = tmp_path / "scan16.png"
    Image.new("I;16", (40, 20), 32768).save(grey16)
    assert all(120 <= v <= 136 for v in _first_pixel(decode(grey16, (40, 20), Fit.fit))), "16-bit mid grey, not white"

    cmyk = tmp_path / "print.jpg"
    Image.new("CMYK", (40, 20), (0, 255, 255, 0)).save(cmyk, quality=95)
    r, g, b = _first_pixel(decode(cmyk, (40, 20), Fit.fit))
    assert r > 200 and g < 60 and b < 60

    bad = tmp_path / "bad-profile.jpg"
    Image.new("RGB", (40, 20), (0, 0, 255)).save(bad, icc_profile=b"not a profile at all", quality=95)
    r, g, b = _first_pixel(decode(bad, (40, 20), Fit.fit))
    assert b > 200 and r < 60, "an unusable profile is ignored, the picture still shows"


def test_oversized_picture_is_refused_before_decoding(tmp_path, monkeypatch):
    """A huge PNG on a USB stick would need gigabytes; it is skipped (reported as failed), not decoded."""
    import pytest

    from player.screen import decode as decode_module

    monkeypatch.setattr(decode_module, "MAX_FULL_DECODE_PIXELS", 100 * 100)
    path = tmp_path / "poster.png"
    Image.new("RGB", (200, 200), (1, 2, 3)).save(path)
    with pytest.raises(ValueError, match="too large"):
        decode(path, (100, 100), Fit.fit)
    jpeg = tmp_path / "poster.jpg"
    Image.new("RGB", (200, 200), (1, 2, 3)).save(jpeg)
    assert decode(jpeg, (100, 100), Fit.fit).width == 100, "JPEG decodes at a reduced scale instead"


def grey16_keyed(path, ground: int = 40000, ink: int = 0x8000, size=(40, 20)):
    """A 16-bit grey PNG whose ground is made transparent by a tRNS chunk (a logo from a design tool)."""
    img = Image.new("I;16", size, ground)
    img.paste(Image.new("I;16", (size[0] // 2, size[1]), ink), (0, 0))
    img.save(path, transparency=ground)
    return path


def test_transparency_of_16_bit_and_keyed_pictures(tmp_path):
    out = decode(grey16_keyed(tmp_path / "logo16.png"), (40, 20), Fit.fit)
    assert out.mode == "rgba"
    rows = [out.pixels[i * 40 * 4:(i + 1) * 40 * 4] for i in range(20)]
    ink, ground = tuple(rows[10][0:4]), tuple(rows[10][39 * 4:40 * 4])
    assert all(124 <= v <= 132 for v in ink[:3]) and ink[3] == 255, f"ink is mid grey and opaque: {ink}"
    assert ground[3] == 0, f"the tRNS ground is transparent: {ground}"
    for mode, key in (("L", 200), ("RGB", (200, 200, 200))):
        path = tmp_path / f"keyed-{mode}.png"
        Image.new(mode, (40, 20), key).save(path, transparency=key)
        assert decode(path, (40, 20), Fit.fit).pixels[3] == 0, f"8-bit {mode} with tRNS keeps its transparency"


def test_animated_gif_decodes_to_its_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (40, 20), c) for c in ((220, 30, 30), (30, 200, 30), (30, 30, 220))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)
    out = decode(path, (40, 20), Fit.fit)
    assert out.animated and close_rgb(_first_pixel(out), (220, 30, 30))
    assert not decode(grey16_keyed(tmp_path / "still.png"), (40, 20), Fit.fit).animated


def close_rgb(a, b, tol=12):
    return all(abs(x - y) <= tol for x, y in zip(a, b))
