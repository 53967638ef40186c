"""Voice notes in, transcripts and spoken answers out: bot → Redis → worker (tiny Whisper, VITS, CLAP) → emulator."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import soundfile as sf

from bot import texts
from pipegram.samples import sounds
from tests.e2e.conftest import Stack
from workers import audio
from workers import texts as worker_texts
from workers.skills import transcribe

pytestmark = pytest.mark.e2e

ERRORS = {worker_texts.FAILED, worker_texts.TOO_SLOW, audio.UNREADABLE, audio.TOO_BIG, transcribe.NOTHING_HEARD}


@pytest.fixture(scope="module")
def clip() -> bytes:
    """A spoken sentence as a Telegram voice note: OGG/Opus, mono, 48 kHz."""
    return sounds.spoken("hello there, this is a voice note for the tests")


def send_voice(stack: Stack, data: bytes, user_id: int, **fields) -> dict:
    return stack.client.send_file("voice", data, filename="voice.ogg", mime_type="audio/ogg", user_id=user_id,
                                  **{"duration": 3, **fields})


def reply_to(stack: Stack, message: dict, count: int = 1, timeout: float = 60) -> list[dict]:
    """The bot's next messages in that chat after message, checking the first one answers it."""
    replies = stack.client.wait_for_replies(message["chat"]["id"], count, after=message["message_id"],
                                            timeout=timeout)
    assert replies[0]["reply_to_message_id"] == message["message_id"]
    return replies


def bot_says(stack: Stack, message: dict) -> str:
    """The text the bot itself answers a command with (usage, settings), without the queue."""
    [reply] = stack.client.wait_for_replies(message["chat"]["id"], after=message["message_id"], timeout=30)
    return reply["message"]["text"]


def voice_of(stack: Stack, item: dict) -> Any:
    """What soundfile reads from a voice note the bot sent."""
    assert item["method"] == "sendVoice"
    return sf.info(io.BytesIO(stack.client.download(item["message"]["voice"]["file_id"])))


def test_a_spoken_voice_note_gets_its_transcript_as_a_reply(stack: Stack, clip: bytes) -> None:
    voice = send_voice(stack, clip, 5101)
    [reply] = reply_to(stack, voice)
    assert reply["method"] == "sendMessage" and reply["message"]["text"].strip() not in ERRORS
    # The worker fetched the recording itself, by file_id: no audio travelled through Redis.
    assert voice["voice"]["file_id"] in {call["params"].get("file_id") for call in stack.client.calls("getFile")}


def test_a_45_second_voice_note_is_transcribed(stack: Stack) -> None:
    voice = send_voice(stack, sounds.encode(sounds.tone(45.0), 48_000), 5102, duration=45)
    [reply] = reply_to(stack, voice)
    assert reply["method"] == "sendMessage" and reply["message"]["text"] not in ERRORS


def test_a_round_video_note_is_transcribed_through_ffmpeg(stack: Stack) -> None:
    note = stack.client.send_file("video_note", sounds.video_note(), filename="note.mp4", mime_type="video/mp4",
                                  user_id=5103, duration=2)
    [reply] = reply_to(stack, note)
    assert reply["message"]["text"] not in ERRORS


def test_say_hello_there_returns_an_ogg_opus_voice_note(stack: Stack) -> None:
    asked = stack.client.send_text("/say hello there", user_id=5104)
    [reply] = reply_to(stack, asked)
    info = voice_of(stack, reply)
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1) and info.duration > 0
    assert "record_voice" in {call["params"].get("action") for call in stack.client.calls("sendChatAction")}

    quoted = stack.client.send_text("/say", user_id=5104, reply_to_message_id=reply["message"]["message_id"])
    assert bot_says(stack, quoted) == texts.SAY_USAGE  # a voice note has no text to read out


def test_classify_ranks_both_labels_for_a_voice_note(stack: Stack, clip: bytes) -> None:
    voice = send_voice(stack, clip, 5105)
    [transcript] = reply_to(stack, voice)
    asked = stack.client.send_text("/classify dog, vacuum cleaner", user_id=5105,
                                   reply_to_message_id=voice["message_id"])
    [reply] = reply_to(stack, asked)
    text = reply["message"]["text"]
    assert re.search(r"\bdog — \d\.\d\d\b", text) and re.search(r"\bvacuum cleaner — \d\.\d\d\b", text)


def test_srt_as_a_caption_or_a_reply_returns_subtitles(stack: Stack, clip: bytes) -> None:
    audio_file = stack.client.send_file("audio", clip, filename="talk.ogg", mime_type="audio/ogg", user_id=5106,
                                        caption="/srt")
    [captioned] = reply_to(stack, audio_file)
    asked = stack.client.send_text("/srt", user_id=5106, reply_to_message_id=audio_file["message_id"])
    [replied] = reply_to(stack, asked)
    for item in (captioned, replied):
        assert item["method"] == "sendDocument" and item["message"]["document"]["file_name"] == "transcript.srt"
        srt = stack.client.download(item["message"]["document"]["file_id"]).decode()
        assert re.match(r"1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n\S", srt)


def test_voice_mode_answers_a_voice_note_in_text_and_aloud(stack: Stack, clip: bytes) -> None:
    switched = stack.client.send_text("/voice on", user_id=5107)
    assert bot_says(stack, switched) == texts.VOICE_SET["on"]
    voice = send_voice(stack, clip, 5107)
    heard, answer, spoken = reply_to(stack, voice, count=3)
    assert heard["message"]["text"].startswith("🗣 ")
    assert answer["method"] == "sendMessage" and answer["message"]["text"].strip()
    assert voice_of(stack, spoken).duration > 0
    off = stack.client.send_text("/voice off", user_id=5107)
    assert bot_says(stack, off) == texts.VOICE_SET["off"]


def test_the_spoken_language_is_a_per_user_setting_the_worker_applies(stack: Stack, clip: bytes) -> None:
    def says(text: str) -> str:
        return bot_says(stack, stack.client.send_text(text, user_id=5108))

    assert says("/speechlang") == texts.SPEECHLANG_NOW_AUTO
    assert says("/speechlang klingon") == texts.SPEECHLANG_UNKNOWN.format(words="klingon", suggestion="")
    assert says("/speechlang germn") == texts.SPEECHLANG_UNKNOWN.format(
        words="germn", suggestion=texts.DID_YOU_MEAN.format(names="German"))
    assert says("/speechlang Irish") == texts.SPEECHLANG_CANNOT.format(name="Irish")  # Whisper does not know it
    assert says("/speechlang") == texts.SPEECHLANG_NOW_AUTO  # unchanged by the refusals
    assert says("/speechlang deutsch") == texts.SPEECHLANG_SET.format(name="German", code="de")
    assert says("/speechlang") == texts.SPEECHLANG_NOW.format(name="German")
    voice = send_voice(stack, clip, 5108)
    assert reply_to(stack, voice)[0]["message"]["text"] not in ERRORS


@pytest.mark.parametrize(("user", "kind", "data", "fields", "error"), [
    (5111, "voice", sounds.corrupt_ogg(), {}, audio.UNREADABLE),
    (5112, "document", b"", {}, audio.UNREADABLE),
    (5113, "document", bytes(21 * 1024 * 1024), {}, audio.TOO_BIG),
    (5114, "voice", sounds.encode(sounds.tone(1.0), 48_000), {"duration": 601},
     audio.TOO_LONG.format(limit="10 minutes")),
], ids=["corrupt-ogg", "zero-bytes", "over-20-mb", "over-10-minutes"])
def test_bad_recordings_get_a_clear_reply_and_the_next_job_succeeds(stack: Stack, clip: bytes, user: int, kind: str,
                                                                    data: bytes, fields: dict, error: str) -> None:
    bad = stack.client.send_file(kind, data, filename="bad.ogg", mime_type="audio/ogg", user_id=user, **fields)
    [refused] = reply_to(stack, bad)
    assert refused["message"]["text"] == error
    voice = send_voice(stack, clip, user)
    assert reply_to(stack, voice)[0]["message"]["text"] not in ERRORS
