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
# sendPhoto takes up to 10 MB, width + height up to 10,000 and a side ratio up to 20: bigger pictures are scaled
# down, and a long strip goes back as a document (up to 50 MB).
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10_000
PHOTO_MAX_RATIO = 20
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
JPEG_QUALITIES = (90, 80, 70)  # tried in turn before the picture itself is made smaller
HALO = (24, 24, 24)  # the dark edge round every box and label, visible on light and dark photos alike

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
    """A copy of the image with each box outlined in its label's colour and labelled with its score.

    Every outline has a dark edge and is drawn before any label, and labels never cover each other, so
    overlapping boxes all stay visible; label text is black or white, whichever reads better on its colour.
    """
    out = image.copy()
    draw = ImageDraw.Draw(out)
    font = _font(out)
    line = max(2, round(min(out.size) / 150))
    edges = [_clamped(box, out.size) for box in boxes]
    for box, edge in zip(boxes, edges, strict=True):
        draw.rectangle(_grown(edge, 1), outline=HALO, width=line + 2)
        draw.rectangle(edge, outline=label_colour(box.label), width=line)
    for box, place in zip(boxes, label_places(draw, font, boxes, edges, line, out.size), strict=True):
        colour = label_colour(box.label)
        draw.rectangle(place, fill=colour, outline=HALO)
        text, (left, top, _, _) = _label(box), draw.textbbox((0, 0), _label(box), font=font)
        draw.text((place[0] + line - left, place[1] + line - top), text, fill=text_colour(colour), font=font)
    return out


def _label(box: Box) -> str:
    return f"{box.label} {box.score:.0%}"


def _clamped(box: Box, size: tuple[int, int]) -> tuple[float, float, float, float]:
    left, top = min(max(0.0, box.xmin), size[0] - 1), min(max(0.0, box.ymin), size[1] - 1)
    return left, top, max(left, min(box.xmax, size[0] - 1)), max(top, min(box.ymax, size[1] - 1))


def _grown(edge: tuple[float, float, float, float], by: float) -> tuple[float, float, float, float]:
    return edge[0] - by, edge[1] - by, edge[2] + by, edge[3] + by


Rect = tuple[float, float, float, float]


def label_places(draw: ImageDraw.ImageDraw, font: Any, boxes: Sequence[Box], edges: Sequence[Rect], line: int,
                 size: tuple[int, int]) -> list[Rect]:
    """Where each box's label band goes: above its top-left corner (inside, at the image's top edge), moved down
    past any label already placed there, so no label hides another."""
    placed: list[Rect] = []
    for box, (left, top, _, _) in zip(boxes, edges, strict=True):
        tl, tt, tr, tb = draw.textbbox((0, 0), _label(box), font=font)
        width, height = (tr - tl) + 2 * line, (tb - tt) + 2 * line
        left = max(0.0, min(left, size[0] - width))
        y = top - height if top - height >= 0 else top
        while any(_overlaps((left, y, left + width, y + height), other) for other in placed) and y < size[1]:
            y = max(other[3] for other in placed if _overlaps((left, y, left + width, y + height), other)) + 1
        placed.append((left, y, left + width, y + height))
    return placed


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_colour(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white: whichever contrasts more with the background (WCAG contrast; at least 4.5:1 for any colour)."""
    black, white = (0, 0, 0), (255, 255, 255)
    return black if contrast(black, background) >= contrast(white, background) else white


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def overlay_masks(image: Image.Image, masks: Sequence[Any], opacity: float = 0.5) -> Image.Image:
    """A copy of the image with each boolean mask tinted its own colour, smaller masks over larger ones.

    Masks may be smaller than the image (a model's input size): they are scaled up once, together, as one map of
    which mask covers each pixel, so memory stays a few copies of the image whatever the number of masks.
    """
    import numpy as np

    if not len(masks):
        return image.copy()
    drawn = sorted(masks[:255], key=lambda mask: -int(np.count_nonzero(mask)))
    labels = np.zeros(np.asarray(drawn[0]).shape, dtype=np.uint8)
    for index, mask in enumerate(drawn, start=1):
        labels[np.asarray(mask, dtype=bool)] = index
    painted = Image.fromarray(labels, "P")
    painted.putpalette([0, 0, 0, *(c for colour in palette(len(drawn)) for c in colour)])
    painted = painted.resize(image.size, Image.Resampling.NEAREST)
    covered = painted.point(lambda value: 255 if value else 0, "L")
    return Image.composite(Image.blend(image, painted.convert("RGB"), opacity), image, covered)


def fit_within(image: Image.Image, longest: int) -> Image.Image:
    """The image scaled down so its longest side is at most `longest` (the image itself if it already fits)."""
    if max(image.size) <= longest:
        return image
    scale = longest / max(image.size)
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                        Image.Resampling.LANCZOS)


def as_attachment(image: Image.Image, name: str, caption: str) -> Attachment:
    """The image as a JPEG photo within sendPhoto's limits (scaled down if need be), or as a document where its
    shape is one Telegram refuses as a photo."""
    width, height = image.size
    if max(width, height) <= PHOTO_MAX_RATIO * min(width, height):
        if width + height > PHOTO_MAX_SIDES:
            scale = PHOTO_MAX_SIDES / (width + height)
            image = image.resize((int(width * scale), int(height * scale)), Image.Resampling.LANCZOS)
        return Attachment("photo", _jpeg_within(image, PHOTO_MAX_BYTES), f"{name}.jpg", caption)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    if buffer.tell() <= DOCUMENT_MAX_BYTES:
        return Attachment("document", buffer.getvalue(), f"{name}.png", caption)
    return Attachment("document", _jpeg_within(image, DOCUMENT_MAX_BYTES), f"{name}.jpg", caption)


def _jpeg_within(image: Image.Image, limit: int) -> bytes:
    """JPEG bytes of at most `limit`: lower qualities first, then the picture scaled down step by step."""
    while True:
        for quality in JPEG_QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality)
            if buffer.tell() <= limit:
                return buffer.getvalue()
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)), Image.Resampling.LANCZOS)
