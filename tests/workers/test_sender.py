"""The worker's Telegram sender against the emulator over HTTP: order, fallbacks, retries, files."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf

from emulator.client import EmulatorClient
from emulator.server import EmulatorThread
from pipegram.samples import sounds
from shared.ratelimit import PER_GROUP_S
from shared.settings import Settings
from shared.telegram import MAX_DOWNLOAD_BYTES, split_message
from tests.processes import wait_until
from workers.sender import FileTooBig, TelegramSender
from workers.skill import Attachment, Reply
from workers.streaming import FIRST_UPDATE_AFTER_S, AnswerStream

TOKEN = "515151:sender-test"
CHAT = 3001


@pytest.fixture(scope="module")
def client(emulator_url: str) -> Iterator[EmulatorClient]:
    with EmulatorClient(emulator_url, TOKEN) as client:
        client.reset()
        yield client


@pytest.fixture(scope="module")
def sender(emulator_url: str) -> Iterator[TelegramSender]:
    sender = TelegramSender(Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=emulator_url))
    yield sender
    sender.close()


@pytest.fixture
def asked(client: EmulatorClient) -> int:
    """A user message the reply answers; returns its message id."""
    return client.send_text("a question", user_id=CHAT)["message_id"]


def test_rejected_formatting_is_resent_as_plain_text(sender: TelegramSender, client: EmulatorClient,
                                                     asked: int) -> None:
    [message] = sender.send_reply(CHAT, Reply("<b>not closed & raw", parse_mode="HTML"), reply_to=asked)
    [item] = client.sent(CHAT, after=asked)
    assert item["message"]["text"] == "<b>not closed & raw" and item["parse_mode"] is None
    assert item["reply_to_message_id"] == asked == message.reply_to_message.message_id


def test_valid_formatting_is_kept(sender: TelegramSender, client: EmulatorClient, asked: int) -> None:
    sender.send_reply(CHAT, Reply("<b>bold</b> &amp; plain", parse_mode="HTML"), reply_to=asked)
    [item] = client.sent(CHAT, after=asked)
    assert item["message"]["text"] == "bold & plain" and item["parse_mode"] == "HTML"


def test_429_is_retried_after_retry_after_and_delivered_once(sender: TelegramSender, client: EmulatorClient,
                                                              asked: int) -> None:
    client.fail_next("sendMessage", 2, retry_after=1)
    sender.send_reply(CHAT, Reply("patience"), reply_to=asked)
    assert [item["message"]["text"] for item in client.sent(CHAT, after=asked)] == ["patience"]
    attempts = [call for call in client.calls("sendMessage") if call["params"].get("text") == "patience"]
    assert [call["ok"] for call in attempts] == [False, False, True]
    assert attempts[2]["time"] - attempts[0]["time"] >= 1.9


def test_text_then_files_in_order_only_the_first_quotes_the_user(sender: TelegramSender,
                                                                 client: EmulatorClient, asked: int) -> None:
    photo = Attachment("document", b"line one\n", "notes.txt", caption="x" * 3000)
    sender.send_reply(CHAT, Reply("here you go", files=(photo,)), reply_to=asked)
    text, document = client.sent(CHAT, after=asked)
    assert text["message"]["text"] == "here you go" and text["reply_to_message_id"] == asked
    assert document["method"] == "sendDocument" and document["reply_to_message_id"] is None
    assert document["message"]["document"]["file_name"] == "notes.txt"
    assert client.download(document["message"]["document"]["file_id"]) == b"line one\n"
    assert len(document["message"]["caption"]) <= 1024 and document["message"]["caption"].endswith("…")


def test_a_users_file_downloads_by_file_id_and_over_20_mb_is_refused(sender: TelegramSender,
                                                                     client: EmulatorClient) -> None:
    small = client.send_file("voice", b"OggS voice bytes", filename="v.ogg", mime_type="audio/ogg", user_id=CHAT)
    assert sender.download(small["voice"]["file_id"]) == b"OggS voice bytes"
    big = client.send_file("audio", bytes(MAX_DOWNLOAD_BYTES + 1), filename="long.mp3", mime_type="audio/mpeg",
                           user_id=CHAT)
    with pytest.raises(FileTooBig):
        sender.download(big["audio"]["file_id"])
    with pytest.raises(FileTooBig):  # a lower limit is checked against getFile's file_size, before downloading
        sender.download(small["voice"]["file_id"], limit=4)


def test_a_users_file_opens_as_a_temporary_copy_in_the_cloud(sender: TelegramSender, client: EmulatorClient) -> None:
    sent = client.send_file("audio", b"ID3 some audio", filename="a.mp3", mime_type="audio/mpeg", user_id=CHAT)
    with sender.open_file(sent["audio"]["file_id"]) as opened:
        assert opened.read() == b"ID3 some audio" and Path(opened.name).is_file()
    assert not Path(opened.name).exists()  # the copy goes with the file object
    big = client.send_file("audio", bytes(MAX_DOWNLOAD_BYTES + 1), filename="long.mp3", mime_type="audio/mpeg",
                           user_id=CHAT)
    with pytest.raises(FileTooBig):
        sender.open_file(big["audio"]["file_id"])


@pytest.mark.parametrize("shared", [True, False], ids=["shared-volume", "over-http"])
def test_local_mode_opens_big_files_from_the_servers_disk_or_over_http(tmp_path: Path, shared: bool) -> None:
    token, big = "525252:local-sender", bytes(range(256)) * (90 * 1024 * 4)  # 90 MB
    with EmulatorThread(local=True, files_dir=tmp_path if shared else None) as emu, \
            EmulatorClient(emu.url, token) as client:
        sent = client.send_file("document", big, filename="talk.wav", mime_type="audio/wav", user_id=CHAT)
        sender = TelegramSender(Settings(_env_file=None, telegram_bot_token=token, telegram_api_url=emu.url,
                                         telegram_local_mode=True))
        try:
            with sender.open_file(sent["document"]["file_id"]) as opened:
                assert opened.read() == big
                # Shared: the server's own file, no copy. Not shared: streamed into a temporary file.
                assert opened.name.startswith(str(tmp_path)) == shared
        finally:
            sender.close()


def test_voice_notes_go_out_with_their_duration(sender: TelegramSender, client: EmulatorClient, asked: int) -> None:
    note = sounds.encode(sounds.tone(5.2), 48_000)
    sender.send_reply(CHAT, Reply(files=(Attachment("voice", note, "speech.ogg", duration_s=5),)), reply_to=asked)
    [item] = client.sent(CHAT, after=asked)
    assert item["message"]["voice"]["duration"] == 5
    assert round(sf.info(io.BytesIO(client.download(item["message"]["voice"]["file_id"]))).duration) == 5


def test_a_group_answer_streamed_past_4096_ends_as_its_message_then_new_ones(sender: TelegramSender,
                                                                           client: EmulatorClient) -> None:
    group = -3002
    asked = client.send_text("a long one, please", chat_id=group, user_id=CHAT)["message_id"]
    started: list[bool] = []
    stream = AnswerStream(sender, group, asked, lambda: started.append(True))
    answer = " ".join(f"word{n}" for n in range(1800))  # about 13,000 characters: four messages
    time.sleep(FIRST_UPDATE_AFTER_S)  # the answer's first second shows nothing
    stream.show(answer[:60])
    wait_until(lambda: stream.message_id is not None, "the first part posted", 30)
    time.sleep(PER_GROUP_S + 0.2)  # a group gets one update every 3 s
    stream.show(answer)  # over 4096: the stream shows the first message's part
    sender.send_reply(group, Reply(answer), reply_to=asked, editing=stream.finish())
    pieces = split_message(answer)
    items = client.sent(group, after=asked)
    assert [item["message"]["text"] for item in items] == pieces and len(pieces) > 2
    assert items[0]["edits"] == [answer[:60]] and items[0]["reply_to_message_id"] == asked
    assert items[1]["reply_to_message_id"] is None  # only the first part answers the user's message
    assert started == [True]


def test_a_streamed_message_deleted_meanwhile_leaves_the_answer_to_a_new_message(sender: TelegramSender,
                                                                               client: EmulatorClient) -> None:
    group = -3003
    asked = client.send_text("and a short one", chat_id=group, user_id=CHAT)["message_id"]
    stream = AnswerStream(sender, group, asked, lambda: None)
    time.sleep(FIRST_UPDATE_AFTER_S)
    stream.show("the beginning")
    wait_until(lambda: stream.message_id is not None, "the first part posted", 30)
    streamed = stream.finish()
    assert streamed is not None
    sender.call(sender.bot.delete_message(group, streamed))  # e.g. an admin removed it
    sender.send_reply(group, Reply("the beginning and the end"), reply_to=asked, editing=streamed)
    gone, answer = client.sent(group, after=asked)
    assert gone["deleted"] and answer["message"]["text"] == "the beginning and the end"
    assert answer["reply_to_message_id"] == asked


def test_an_answer_done_within_its_first_second_is_one_message_with_no_preview(sender: TelegramSender,
                                                                              client: EmulatorClient) -> None:
    group = -3004
    asked = client.send_text("quick", chat_id=group, user_id=CHAT)["message_id"]
    stream = AnswerStream(sender, group, asked, lambda: None)
    stream.show("a quick answer")  # written at once: no preview holds the chat's send slot
    assert stream.finish() is None
    sender.send_reply(group, Reply("a quick answer"), reply_to=asked)
    [answer] = client.sent(group, after=asked)
    assert answer["message"]["text"] == "a quick answer" and not answer["edits"]
