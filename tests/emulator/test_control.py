"""The control side of the emulator: simulated users, files, webhooks and waiting for the bot."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import telegram
from PIL import Image
from telegram.error import BadRequest, Conflict

from emulator.client import EmulatorClient, EmulatorError
from emulator.server import EmulatorThread
from tests.emulator.conftest import USER, eventually, with_bot

pytestmark = pytest.mark.timeout(60)


def test_user_edits_and_button_presses_become_updates(emu: EmulatorThread, token: str,
                                                      client: EmulatorClient) -> None:
    original = client.send_text("tpyo")
    client.edit_text(USER, original["message_id"], "typo")
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("Go", callback_data="go")]])

    async def send(bot: telegram.Bot) -> telegram.Message:
        return await bot.send_message(USER, "press", reply_markup=keyboard)
    message = with_bot(emu, token, send)
    with pytest.raises(EmulatorError, match="callback_data"):
        client.press_button(USER, USER, message.message_id, "missing")
    query = client.press_button(USER, USER, message.message_id, "go")

    async def scenario(bot: telegram.Bot) -> None:
        updates = await bot.get_updates()
        assert updates[1].edited_message.text == "typo"
        assert updates[2].callback_query.data == "go" and updates[2].callback_query.id == query["id"]
        assert await bot.answer_callback_query(query["id"], text="ok")
        with pytest.raises(BadRequest, match="[Qq]uery is too old"):
            await bot.answer_callback_query(query["id"])
    with_bot(emu, token, scenario)


def test_voice_upload_downloads_identically_both_ways(emu: EmulatorThread, token: str,
                                                      client: EmulatorClient) -> None:
    client.send_text("hi")
    audio = bytes(range(256)) * 40

    async def scenario(bot: telegram.Bot) -> tuple[telegram.Message, bytes]:
        message = await bot.send_voice(USER, audio, duration=4, caption="listen")
        file = await bot.get_file(message.voice.file_id)
        assert file.file_path.endswith(".oga") and "/voice/" in file.file_path
        again = await bot.send_voice(USER, message.voice.file_id)  # a string resends by file_id
        assert again.voice.file_id == message.voice.file_id
        return message, bytes(await file.download_as_bytearray())
    message, downloaded = with_bot(emu, token, scenario)
    assert message.voice.mime_type == "audio/ogg" and message.voice.file_size == len(audio)
    assert downloaded == audio == client.download(message.voice.file_id)
    assert [i["method"] for i in client.sent(USER)] == ["sendVoice", "sendVoice"]
    [call, _] = client.calls("sendVoice")
    assert call["params"]["voice"]["size"] == len(audio)


def test_user_photos_arrive_as_ascending_sizes(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), "teal").save(buffer, "PNG")
    message = client.send_file("photo", buffer.getvalue(), filename="cat.png", mime_type="image/png",
                               caption="look @cat")
    sizes = message["photo"]
    assert [max(s["width"], s["height"]) for s in sizes] == [90, 320, 800, 1000]
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (1000, 700)
    assert message["caption"] == "look @cat" and message["caption_entities"][0]["type"] == "mention"
    for size in sizes:
        with Image.open(io.BytesIO(client.download(size["file_id"]))) as img:
            assert img.format == "JPEG" and img.size == (size["width"], size["height"])
    junk = client.send_file("photo", b"not an image", filename="x.jpg", mime_type="image/jpeg")
    assert [(s["width"], s["height"]) for s in junk["photo"]] == [(0, 0)]
    voice = client.send_file("voice", b"OggS", filename="v.ogg", mime_type="audio/ogg", duration=7)
    assert voice["voice"]["duration"] == 7 and voice["voice"]["mime_type"] == "audio/ogg"


def test_a_user_may_send_an_empty_file_which_a_bot_may_not(emu: EmulatorThread, token: str,
                                                           client: EmulatorClient) -> None:
    empty = client.send_file("document", b"", filename="empty.ogg", mime_type="audio/ogg")
    assert empty["document"]["file_size"] == 0 and client.download(empty["document"]["file_id"]) == b""

    async def scenario(bot: telegram.Bot) -> None:
        with pytest.raises(BadRequest, match="non-empty"):
            await bot.send_document(USER, b"", filename="empty.txt")
    with_bot(emu, token, scenario)


class _Receiver(BaseHTTPRequestHandler):
    """Webhook endpoint that fails the first delivery, then accepts."""

    posts: list[tuple[float, dict, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.posts.append((time.monotonic(), dict(self.headers), body))
        self.send_response(500 if len(self.posts) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_webhook_delivers_with_secret_and_retries(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    _Receiver.posts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        async def setup(bot: telegram.Bot) -> None:
            await bot.set_webhook(url, secret_token="s3cret")
            assert (await bot.get_webhook_info()).url == url
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
        with_bot(emu, token, setup)
        sent = client.send_text("pushed")
        eventually(lambda: len(_Receiver.posts) >= 2, "a failed delivery and its retry")
        (first_at, headers, first), (second_at, _, second) = _Receiver.posts[:2]
        assert first == second and first["message"]["message_id"] == sent["message_id"]
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
        assert headers["Content-Type"] == "application/json"
        assert second_at - first_at >= 0.4
        eventually(lambda: client.state()["pending_updates"] == 0, "the delivered update to be confirmed")

        async def teardown(bot: telegram.Bot) -> None:
            assert await bot.delete_webhook()
            assert await bot.get_updates() == ()
        with_bot(emu, token, teardown)
    finally:
        server.shutdown()
        server.server_close()


def test_sent_wait_returns_as_soon_as_the_bot_sends(emu: EmulatorThread, token: str,
                                                    client: EmulatorClient) -> None:
    client.send_text("hi")

    async def reply(bot: telegram.Bot) -> None:
        await asyncio.sleep(0.3)
        await bot.send_message(USER, "late reply")
    worker = threading.Thread(target=with_bot, args=(emu, token, reply))
    started = time.monotonic()
    worker.start()
    items = client.sent(USER, min_count=1, wait=10)
    elapsed = time.monotonic() - started
    worker.join()
    assert [i["message"]["text"] for i in items] == ["late reply"] and elapsed < 5
    [reply_item] = client.wait_for_replies(USER, timeout=1)
    with pytest.raises(TimeoutError, match="late reply"):
        client.wait_for_replies(USER, after=reply_item["message"]["message_id"], timeout=0.3)
    assert client.calls("sendMessage", min_count=1, wait=1)[0]["ok"] is True


def test_changed_since_sees_edits(emu: EmulatorThread, token: str, client: EmulatorClient) -> None:
    client.send_text("hi")

    async def send(bot: telegram.Bot) -> telegram.Message:
        return await bot.send_message(USER, "v1")
    message = with_bot(emu, token, send)
    mark = time.time()
    assert client.sent(USER, changed_since=mark) == []

    async def edit(bot: telegram.Bot) -> None:
        await asyncio.sleep(0.2)
        await bot.edit_message_text("v2", USER, message.message_id)
    worker = threading.Thread(target=with_bot, args=(emu, token, edit))
    worker.start()
    [item] = client.sent(USER, changed_since=mark, wait=10)
    worker.join()
    assert item["message"]["text"] == "v2" and item["edits"] == ["v1"]


def test_a_forward_copies_the_content_and_names_its_origin(client: EmulatorClient,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    spoken = client.send_file("voice", b"OggS-voice", filename="v.ogg", mime_type="audio/ogg", duration=2,
                              caption="listen")
    with caplog.at_level("INFO", logger="emulator.chat"):
        forwarded = client.forward(spoken["message_id"], from_chat_id=USER, chat_id=-5, user_id=7,
                                   chat_type="group", first_name="Eve")
    assert forwarded["voice"] == spoken["voice"] and forwarded["caption"] == "listen"
    assert forwarded["forward_origin"] == {"type": "user", "sender_user": spoken["from"], "date": spoken["date"]}
    assert forwarded["from"]["id"] == 7 and forwarded["chat"]["id"] == -5
    assert "Eve in Test Group → bot: [voice note] listen" in caplog.messages  # what `pipegram up` shows
    with pytest.raises(EmulatorError, match="message to forward not found"):
        client.forward(999, from_chat_id=USER)
