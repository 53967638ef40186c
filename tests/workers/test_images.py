"""Image helpers: safe decoding (pixel limit from the header, EXIF, damage), drawing, and encoding for Telegram."""

import numpy as np
import pytest
from PIL import Image

from pipegram.samples.images import bomb_png, encode, truncated_jpeg
from workers.images import (
    HALO,
    PHOTO_MAX_BYTES,
    Box,
    as_attachment,
    contrast,
    draw_boxes,
    label_colour,
    open_image,
    overlay_masks,
    palette,
    text_colour,
)
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


def test_masks_at_the_models_size_are_scaled_up_to_the_photo() -> None:
    image = Image.new("RGB", (400, 300), (0, 0, 0))
    big, small = np.zeros((3, 4), dtype=bool), np.zeros((3, 4), dtype=bool)
    big[:, :2], small[0, 0] = True, True
    out = overlay_masks(image, [small, big])
    assert out.size == (400, 300)
    assert out.getpixel((10, 10)) != out.getpixel((150, 200)) != (0, 0, 0)  # each its own colour, small on top
    assert out.getpixel((399, 299)) == (0, 0, 0) and overlay_masks(image, []).tobytes() == image.tobytes()


def test_label_text_reads_on_every_colour() -> None:
    for colour in [*palette(36), label_colour("dog"), label_colour("person"), (0, 0, 255), (255, 255, 0)]:
        assert contrast(text_colour(colour), colour) >= 4.5, colour


def test_overlapping_boxes_and_their_labels_all_stay_visible() -> None:
    image = Image.new("RGB", (400, 300), (255, 255, 255))
    boxes = [Box("dog", 0.9, 40, 80, 300, 260), Box("dog", 0.8, 44, 84, 200, 200), Box("cat", 0.7, 42, 82, 380, 280)]
    out = draw_boxes(image, boxes)
    pixels = np.asarray(out)
    colours = {tuple(pixels[y, x]) for y in range(300) for x in range(400)}
    assert HALO in colours and {label_colour("dog"), label_colour("cat")} <= colours
    for box in boxes:  # every box keeps most of its right and bottom edges in its colour
        right = [tuple(pixels[y, int(box.xmax) - 1]) for y in range(int(box.ymin) + 40, int(box.ymax) - 10)]
        bottom = [tuple(pixels[int(box.ymax) - 1, x]) for x in range(int(box.xmin) + 60, int(box.xmax) - 10)]
        edge = right + bottom
        assert edge.count(label_colour(box.label)) >= 0.8 * len(edge), box
    # Three labels at nearly the same corner: three bands of label colour, stacked, none hiding another.
    column = [tuple(pixels[y, 45]) for y in range(0, 140)]
    bands = [colour for colour, previous in zip(column, [None, *column], strict=False)
             if colour != previous and colour in (label_colour("dog"), label_colour("cat"))]
    assert len(bands) >= 3, bands


def test_a_picture_over_sendphotos_limits_is_re_encoded_smaller() -> None:
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (2600, 2600, 3), dtype=np.uint8))
    attachment = as_attachment(noise, "detected", "caption")
    assert attachment.kind == "photo" and len(attachment.data) <= PHOTO_MAX_BYTES
    wide = as_attachment(Image.new("RGB", (9000, 3000), (10, 200, 30)), "detected", "caption")
    with Image.open(__import__("io").BytesIO(wide.data)) as sent:
        assert wide.kind == "photo" and sum(sent.size) <= 10_000 and sent.size[0] == 3 * sent.size[1]
