"""What an image asset's pixels mean on a screen: 8-bit sRGB, transparency kept.

Shared by the board, which draws the picture, and the console, whose
thumbnails should show editors the same colours the boards will.
"""
import io
import logging

from PIL import Image, ImageCms

log = logging.getLogger(__name__)
_SRGB = ImageCms.createProfile("sRGB")
_SIXTEEN_BIT = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")


def has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (im.mode == "P" and "transparency" in im.info)


def to_display(im: Image.Image) -> Image.Image:
    """An RGB or RGBA copy in sRGB, whatever mode and colour profile the file had."""
    mode = "RGBA" if has_alpha(im) else "RGB"
    if im.mode in _SIXTEEN_BIT:
        # 16-bit greys (scans, design exports): a plain convert clips everything above 255 to white.
        im = im.convert("I").point(lambda v: v / 256).convert("L")
    icc = im.info.get("icc_profile")
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
