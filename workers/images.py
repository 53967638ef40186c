"""Images in and out of the vision skills: safe decoding, boxes and masks drawn legibly, encoding for Telegram."""

from __future__ import annotations

import colorsys
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps

from workers.skill import Attachment, BadInput

# Refused before decoding: a 12 MB PNG can unpack to gigabytes (a decompression bomb).
MAX_PIXELS = 40_000_000
# sendPhoto takes width + height up to 10,000 and a side ratio up to 20; anything else goes back as a document.
PHOTO_MAX_SIDES = 10_000
PHOTO_MAX_RATIO = 20

TOO_BIG = "🖼 That image is too large ({size}); I take at most {limit} megapixels. Send a smaller picture."
NOT_AN_IMAGE = "🖼 I couldn't read that as an image. Send a photo, or a JPEG, PNG or WebP file."
DAMAGED = "🖼 That image seems damaged or incomplete, so I couldn't read it. Try sending it again."


@dataclass(frozen=True)
class Box:
    """One detected object, in pixels of the image it was found in."""

    label: str
    score: float
    xmin: float
    ymin: float
    xmax: float
    ymax: float


def open_image(data: bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """An RGB image upright as its EXIF says; BadInput for non-images, damaged files and oversized ones."""
    limit = max_pixels // 1_000_000
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        raise BadInput(TOO_BIG.format(size="a decompression bomb", limit=limit)) from None
    except (OSError, SyntaxError, ValueError):
        raise BadInput(NOT_AN_IMAGE) from None
    width, height = image.size
    if width * height > max_pixels:
        raise BadInput(TOO_BIG.format(size=f"{width:,} × {height:,} pixels", limit=limit))
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise BadInput(DAMAGED) from None
    return upright.convert("RGB")


def label_colour(label: str) -> tuple[int, int, int]:
    """A bright colour per label, the same for the same label in every image."""
    hue = (sum(ord(c) * 31 ** i for i, c in enumerate(label)) % 360) / 360
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.85, 1.0)
    return int(red * 255), int(green * 255), int(blue * 255)


def palette(count: int) -> list[tuple[int, int, int]]:
    """`count` colours spread evenly round the colour wheel."""
    return [tuple(int(c * 255) for c in colorsys.hsv_to_rgb(i / max(count, 1), 0.85, 1.0))  # type: ignore[misc]
            for i in range(count)]


def _font(image: Image.Image) -> Any:
    """Pillow's built-in font at a size readable at this image size."""
    return ImageFont.load_default(size=max(12, round(min(image.size) / 30)))


def draw_boxes(image: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    """A copy of the image with each box outlined and labelled with its score, in its label's colour."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    font = _font(out)
    line = max(2, round(min(out.size) / 150))
    for box in boxes:
        colour = label_colour(box.label)
        left, top = max(0.0, box.xmin), max(0.0, box.ymin)
        right, bottom = max(left, min(box.xmax, out.width - 1)), max(top, min(box.ymax, out.height - 1))
        draw.rectangle((left, top, right, bottom), outline=colour, width=line)
        text = f"{box.label} {box.score:.0%}"
        tl, tt, tr, tb = draw.textbbox((0, 0), text, font=font)
        # The label sits on a filled band above the box, or inside it at the top edge of the image.
        y = top - (tb - tt) - 2 * line if top - (tb - tt) - 2 * line >= 0 else top
        draw.rectangle((left, y, left + (tr - tl) + 2 * line, y + (tb - tt) + 2 * line), fill=colour)
        draw.text((left + line - tl, y + line - tt), text, fill=(0, 0, 0), font=font)
    return out


def overlay_masks(image: Image.Image, masks: Sequence[Any], opacity: float = 0.5) -> Image.Image:
    """A copy of the image with each boolean mask (an array of its height × width) tinted its own colour."""
    import numpy as np

    out = np.asarray(image, dtype=np.float32).copy()
    for mask, colour in zip(masks, palette(len(masks)), strict=True):
        area = np.asarray(mask, dtype=bool)
        out[area] = out[area] * (1 - opacity) + np.array(colour, dtype=np.float32) * opacity
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def as_attachment(image: Image.Image, name: str, caption: str) -> Attachment:
    """The image as a JPEG photo, or as a PNG document where Telegram would refuse it as a photo."""
    width, height = image.size
    if width + height <= PHOTO_MAX_SIDES and max(width, height) <= PHOTO_MAX_RATIO * min(width, height):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        return Attachment("photo", buffer.getvalue(), f"{name}.jpg", caption)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return Attachment("document", buffer.getvalue(), f"{name}.png", caption)
