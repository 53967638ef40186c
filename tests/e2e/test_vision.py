"""Vision end to end: photos in, annotated photos, overlays and descriptions out; bad images answered clearly."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from bot import texts
from emulator.client import EmulatorClient
from pipegram.samples.images import bomb_png, encode, scene, truncated_jpeg
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def one_reply(client: EmulatorClient, user: int, asked: dict) -> dict:
    """The one message the bot sent in answer to `asked`."""
    [reply] = client.wait_for_replies(user, after=asked["message_id"], timeout=90)
    assert client.sent(user, after=reply["message"]["message_id"], wait=0.5) == []
    return reply


def reply_text(client: EmulatorClient, user: int, asked: dict) -> str:
    return one_reply(client, user, asked)["message"].get("text") or ""


def returned_photo(client: EmulatorClient, user: int, asked: dict) -> tuple[Image.Image, str]:
    message = one_reply(client, user, asked)["message"]
    assert "photo" in message, message
    return Image.open(io.BytesIO(client.download(message["photo"][-1]["file_id"]))).convert("RGB"), message["caption"]


def test_a_photo_comes_back_annotated_with_counts(stack: Stack) -> None:
    client, photo = stack.client, scene(320, 240)
    asked = client.send_file("photo", encode(photo, "JPEG"), filename="p.jpg", mime_type="image/jpeg", user_id=8101)
    annotated, caption = returned_photo(client, 8101, asked)
    assert annotated.size == photo.size and " × " in caption
    difference = ImageChops.difference(annotated, photo).convert("L")
    assert difference.getextrema()[1] > 120  # boxes and labels, not just JPEG noise
    assert any(call["params"].get("action") == "upload_photo" for call in client.calls("sendChatAction"))


def test_an_image_file_is_detected_and_a_rotated_photo_is_upright(stack: Stack) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored 320 × 240, shown 240 × 320
    data = encode(scene(320, 240), "JPEG", exif=exif)
    asked = stack.client.send_file("document", data, filename="p.jpg", mime_type="image/jpeg", user_id=8102)
    annotated, _ = returned_photo(stack.client, 8102, asked)
    assert annotated.size == (240, 320)


def test_segment_caption_and_ask(stack: Stack) -> None:
    client, user = stack.client, 8103
    data = encode(scene(96, 72), "JPEG")
    asked = client.send_file("photo", data, filename="p.jpg", mime_type="image/jpeg", user_id=user, caption="/segment")
    overlay, caption = returned_photo(client, user, asked)
    assert overlay.size == (96, 72) and "region" in caption
    photo = client.send_file("photo", data, filename="p.jpg", mime_type="image/jpeg", user_id=user, caption="/caption")
    assert reply_text(client, user, photo).startswith("🖼 ")
    asked = client.send_text("/ask what is on the table?", user_id=user, reply_to_message_id=photo["message_id"])
    assert reply_text(client, user, asked).startswith("❓ what is on the table?\n💬 ")
    asked = client.send_text("/ask", user_id=user, reply_to_message_id=photo["message_id"])
    assert reply_text(client, user, asked) == texts.ASK_USAGE
    assert reply_text(client, user, client.send_text("/caption", user_id=user)) == texts.VISION_USAGE


BAD_IMAGES = [
    ("decompression bomb", "document", bomb_png(), "bomb.png", "image/png", None, "too large"),
    ("truncated JPEG", "photo", truncated_jpeg(), "cut.jpg", "image/jpeg", None, "damaged or incomplete"),
    ("text posing as an image", "document", b"hello\n" * 50, "fake.png", "image/png", None,
     "couldn't read that as an image"),
    ("text file for vision", "document", b"hello\n", "notes.txt", "text/plain", "/caption", texts.NOT_AN_IMAGE),
    ("text file alone", "document", b"hello\n", "notes.txt", "text/plain", None, texts.TEXT_FILE_HINT),
    ("animated sticker", "sticker", b'{"tgs": 1, "v": "5.5.2"}', "a.tgs", "application/x-tgsticker", None, "stickers"),
]


@pytest.mark.parametrize("case", BAD_IMAGES, ids=[case[0] for case in BAD_IMAGES])
def test_bad_images_get_one_clear_reply(stack: Stack, case: tuple) -> None:
    name, kind, data, filename, mime, caption, expect = case
    user = 8200 + BAD_IMAGES.index(case)
    asked = stack.client.send_file(kind, data, filename=filename, mime_type=mime, user_id=user, caption=caption)
    assert expect in reply_text(stack.client, user, asked)


def test_after_bad_images_the_next_photo_is_served(stack: Stack) -> None:
    assert stack.worker.popen.poll() is None
    asked = stack.client.send_file("photo", encode(scene(), "JPEG"), filename="p.jpg", mime_type="image/jpeg",
                                   user_id=8299)
    annotated, caption = returned_photo(stack.client, 8299, asked)
    assert annotated.size == scene().size and caption
