"""What an image asset's pixels mean on a screen: 8-bit sRGB, transparency kept.

Shared by the board, which draws the picture, and the console, whose
thumbnails should show editors the same colours the boards will.
"""
import io
import logging

from PIL import Image, ImageCms, ImageMath

log = logging.getLogger(__name__)
_SRGB = ImageCms.createProfile("sRGB")
_SIXTEEN_BIT = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")
# Modes whose transparency is one colour named in a PNG tRNS chunk rather than an alpha channel.
_KEYED = ("L", "RGB", "P", *_SIXTEEN_BIT)


def has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (im.mode in _KEYED and "transparency" in im.info)


def _grey16_to_8(im: Image.Image) -> Image.Image:
    """16-bit grey as 8-bit 'L', or 'LA' when a tRNS value names the transparent grey.

    A plain convert clips everything above 255 to white; and the tRNS value must be
    matched on the 16-bit samples, since several of them fall on one 8-bit grey.
    """
    wide = im.convert("I")
    grey = wide.point(lambda v: v / 256).convert("L")
    key = im.info.get("transparency")
    if not isinstance(key, int):
        return grey
    opaque = ImageMath.lambda_eval(lambda a: (a["im"] != key) * 255, im=wide).convert("L")
    grey.putalpha(opaque)
    return grey


def to_display(im: Image.Image) -> Image.Image:
    """An RGB or RGBA copy in sRGB, whatever mode, bit depth and colour profile the file had."""
    mode = "RGBA" if has_alpha(im) else "RGB"
    icc = im.info.get("icc_profile")
    if im.mode in _SIXTEEN_BIT:
        im = _grey16_to_8(im)
    elif mode == "RGBA" and im.mode in _KEYED:
        # Black ink on a tRNS-transparent ground must not turn into black on black.
        im = im.convert("RGBA")
    if icc and im.mode in ("RGB", "RGBA", "CMYK", "L"):
        # Phone photos (Display P3) and print files (CMYK) look wrong unless mapped to sRGB.
        try:
            converted = ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB,
                                                  outputMode="RGB" if im.mode == "L" else mode)
            if converted is not None:
                im = converted
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.info("ignoring an unusable colour profile: %s", exc)
    return im if im.mode == mode else im.convert(mode)


def flattened(im: Image.Image, square: int = 8) -> Image.Image:
    """An RGB copy of a display image for a JPEG thumbnail: transparent parts on a light checkerboard,
    as image editors show them. A board lays them on its zone's background instead, which the
    library does not know; white or black here would hide white or black ink."""
    if im.mode != "RGBA":
        return im.convert("RGB")
    ground = Image.new("RGBA", im.size, (255, 255, 255, 255))
    for y in range(0, im.height, square):
        for x in range((y // square) % 2 * square, im.width, 2 * square):
            ground.paste((204, 204, 204, 255), (x, y, x + square, y + square))
    return Image.alpha_composite(ground, im).convert("RGB")
