"""Transcripts the way people use them, end to end: WebVTT and SubRip files with readable cues, /transcribe in
groups (every voice note only when an admin asks), timestamps on request, what a voice note brings back as a
/settings choice, and voice notes that show their length."""

from __future__ import annotations

import io
import re

import pytest
import soundfile as sf
import webvtt

from bot import texts
from pipegram.samples import sounds
from tests.e2e.conftest import Stack
from tests.e2e.test_settings import buttons, press
from workers import audio
from workers.skills import transcribe

pytestmark = pytest.mark.e2e

GROUP = -100_777
ERRORS = {audio.UNREADABLE, audio.TOO_BIG, transcribe.NOTHING_HEARD}


@pytest.fixture(scope="module")
def clip() -> bytes:
    return sounds.spoken("hello there, this is a voice note for the transcripts")


def replies(stack: Stack, chat: int, asked: dict, count: int = 1, timeout: float = 90) -> list[dict]:
    return stack.client.wait_for_replies(chat, count, after=asked["message_id"], timeout=timeout)


def document_text(stack: Stack, item: dict) -> str:
    return stack.client.download(item["message"]["document"]["file_id"]).decode()


def seconds(clock: str) -> float:
    """00:01:02,500 (SubRip) or 00:01:02.500 (WebVTT) in seconds."""
    hours, minutes, rest = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))


def srt_cues(srt: str) -> list[tuple[float, float, str]]:
    return [(seconds(start), seconds(end), text) for start, end, text in
            re.findall(r"^\d+\n(\S+) --> (\S+)\n(.+)$", srt, re.MULTILINE)]


def assert_readable(cues: list[tuple[float, float, str]], duration_s: float) -> None:
    """Cues that any player shows well: in order, non-empty, at least a second each, within the recording."""
    assert cues
    for start, end, text in cues:
        assert text.strip() and end - start >= 1.0 - 1e-3 and start >= 0 and end <= duration_s + 1e-3
    for (_, end, _), (start, _, _) in zip(cues, cues[1:], strict=False):
        assert start >= end


def test_vtt_and_srt_files_have_increasing_non_empty_cues(stack: Stack) -> None:
    user = 7701
    talk = stack.client.send_file("audio", sounds.encode(sounds.tone(45.0), 48_000), filename="talk.ogg",
                                  mime_type="audio/ogg", user_id=user, caption="/vtt")
    [captioned] = replies(stack, user, talk)
    assert captioned["message"]["document"]["file_name"] == "transcript.vtt"
    vtt = document_text(stack, captioned)
    cues = [(seconds(c.start), seconds(c.end), c.text)
            for c in webvtt.from_buffer(io.StringIO(vtt))]  # raises unless it is WebVTT
    assert vtt.startswith("WEBVTT\n\n")
    assert_readable(cues, 45.0)
    asked = stack.client.send_text("/srt", user_id=user, reply_to_message_id=talk["message_id"])
    [replied] = replies(stack, user, asked)
    assert replied["message"]["document"]["file_name"] == "transcript.srt"
    assert_readable(srt_cues(document_text(stack, replied)), 45.0)
    usage = stack.client.send_text("/vtt", user_id=user)
    assert replies(stack, user, usage)[0]["message"]["text"] == texts.SUBTITLES_USAGE.format(kind="vtt")


def test_in_a_group_voice_notes_are_transcribed_on_request_or_when_an_admin_turns_it_on(stack: Stack,
                                                                                        clip: bytes) -> None:
    client, member, admin = stack.client, 7711, 7712
    client.send_text("hello all", chat_id=GROUP, user_id=admin, member_status="administrator", chat_title="Team")
    voice = client.send_file("voice", clip, filename="v.ogg", mime_type="audio/ogg", chat_id=GROUP, user_id=member,
                             duration=3)
    assert client.sent(GROUP, after=voice["message_id"], wait=3.0) == []  # not every voice note
    asked = client.send_text("/transcribe", chat_id=GROUP, user_id=admin, reply_to_message_id=voice["message_id"])
    [heard] = replies(stack, GROUP, asked)
    assert heard["reply_to_message_id"] == asked["message_id"] and heard["message"]["text"] not in ERRORS

    refused = client.send_text("/transcribe on", chat_id=GROUP, user_id=member)
    assert replies(stack, GROUP, refused)[0]["message"]["text"] == texts.TRANSCRIBE_ADMINS_ONLY
    switched = client.send_text("/transcribe on", chat_id=GROUP, user_id=admin)
    assert replies(stack, GROUP, switched)[0]["message"]["text"] == texts.TRANSCRIBE_GROUP_SET["on"]
    voice = client.send_file("voice", clip, filename="v.ogg", mime_type="audio/ogg", chat_id=GROUP, user_id=member,
                             duration=3)
    [heard] = replies(stack, GROUP, voice)
    assert heard["reply_to_message_id"] == voice["message_id"] and heard["message"]["text"] not in ERRORS

    switched = client.send_text("/transcribe off", chat_id=GROUP, user_id=admin)
    assert replies(stack, GROUP, switched)[0]["message"]["text"] == texts.TRANSCRIBE_GROUP_SET["off"]
    usage = client.send_text("/transcribe", chat_id=GROUP, user_id=member)
    assert replies(stack, GROUP, usage)[0]["message"]["text"] == texts.TRANSCRIBE_GROUP_USAGE.format(current="off")


def test_transcribe_with_timestamps_on_request(stack: Stack, clip: bytes) -> None:
    user = 7721
    voice = stack.client.send_file("voice", clip, filename="v.ogg", mime_type="audio/ogg", user_id=user, duration=3)
    [plain] = replies(stack, user, voice)
    assert not plain["message"]["text"].startswith("[")
    asked = stack.client.send_text("/transcribe timestamps", user_id=user, reply_to_message_id=voice["message_id"])
    [stamped] = replies(stack, user, asked)
    assert re.match(r"\[0:0\d\] \S", stamped["message"]["text"]), stamped["message"]["text"]
    usage = stack.client.send_text("/transcribe", user_id=user)
    assert replies(stack, user, usage)[0]["message"]["text"] == texts.TRANSCRIBE_USAGE


def test_the_settings_choice_changes_what_a_voice_note_brings_back(stack: Stack, clip: bytes) -> None:
    client, user = stack.client, 7731
    asked = client.send_text("/settings", user_id=user)
    menu = replies(stack, user, asked)[0]["message"]

    def voice_note(count: int) -> list[dict]:
        voice = client.send_file("voice", clip, filename="v.ogg", mime_type="audio/ogg", user_id=user, duration=3)
        got = replies(stack, user, voice, count)
        assert client.sent(user, after=got[-1]["message"]["message_id"], wait=2.0) == []  # and nothing more
        return got

    _, menu = press(client, user, menu, buttons(menu)["📄 As a file"])
    [only_file] = voice_note(1)
    assert only_file["method"] == "sendDocument" and only_file["message"]["document"]["file_name"] == "transcript.txt"
    assert document_text(stack, only_file).strip()

    _, menu = press(client, user, menu, buttons(menu)["🎙 + answer"])
    heard, answer, spoken = voice_note(3)
    assert heard["message"]["text"].startswith("🗣 ") and answer["message"]["text"].strip()
    assert spoken["method"] == "sendVoice"

    press(client, user, menu, buttons(menu)["📝 Transcript"])
    [text] = voice_note(1)
    assert text["method"] == "sendMessage" and text["message"]["text"] not in ERRORS


def test_voice_notes_are_sent_with_their_real_duration(stack: Stack) -> None:
    user = 7741
    asked = stack.client.send_text("/say good morning to everyone in the room, and welcome back", user_id=user)
    [spoken] = replies(stack, user, asked)
    data = stack.client.download(spoken["message"]["voice"]["file_id"])
    real = sf.info(io.BytesIO(data)).duration
    [call] = [c for c in stack.client.calls("sendVoice") if str(c["params"].get("chat_id")) == str(user)]
    assert int(call["params"]["duration"]) == audio.shown_seconds(real) == spoken["message"]["voice"]["duration"]
