"""Image helpers: safe decoding (pixel limit from the header, EXIF, damage), drawing, and encoding for Telegram."""

import numpy as np
import pytest
from PIL import Image

from tests.imagefiles import bomb_png, encode, truncated_jpeg
from workers.images import Box, as_attachment, draw_boxes, label_colour, open_image, overlay_masks, palette
from workers.skill import BadInput


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    with pytest.raises(BadInput, match="too large .*at most 40 megapixels"):
        open_image(bomb_png())
    with pytest.raises(BadInput, match=r"8,000 × 6,000 pixels"):
        open_image(bomb_png(8000, 6000), max_pixels=10_000_000)


def test_truncated_and_non_images_get_clear_errors() -> None:
    with pytest.raises(BadInput, match="damaged or incomplete"):
        open_image(truncated_jpeg())
    with pytest.raises(BadInput, match="couldn't read that as an image"):
        open_image(b"just some text\n")


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = encode(Image.new("RGB", (40, 20), "red"), "JPEG", exif=exif)
    assert open_image(data).size == (20, 40)


def test_boxes_are_drawn_in_label_colours_and_keep_the_size() -> None:
    image = Image.new("RGB", (300, 200), (128, 128, 128))
    out = draw_boxes(image, [Box("dog", 0.9, 10, 50, 120, 180), Box("cat", 0.6, 150, -5, 400, 100)])
    assert out.size == image.size and out.tobytes() != image.tobytes()
    assert out.getpixel((10, 120)) == label_colour("dog") and out.getpixel((299, 60)) == label_colour("cat")
    assert label_colour("dog") != label_colour("cat") and len(set(palette(5))) == 5


def test_masks_are_tinted_and_photos_fall_back_to_documents() -> None:
    image = Image.new("RGB", (8, 4), (0, 0, 0))
    mask = np.zeros((4, 8), dtype=bool)
    mask[:, :4] = True
    out = overlay_masks(image, [mask])
    assert out.getpixel((0, 0)) != (0, 0, 0) and out.getpixel((7, 0)) == (0, 0, 0)
    assert as_attachment(image, "x", "c").kind == "photo"
    assert as_attachment(Image.new("RGB", (2100, 100)), "x", "c").kind == "document"  # ratio over 20
