"""What the bot reads from a message before queueing speech work: the recording, the command, its argument."""

from __future__ import annotations

from datetime import datetime

from telegram import Chat, Document, Message, Voice

from bot.speech import argument, caption_command, recording_of, spoken_language

CHAT = Chat(1, "private")


def message(**fields) -> Message:
    return Message(message_id=1, date=datetime.now(), chat=CHAT, **fields)


def test_voice_notes_and_audio_or_video_documents_are_recordings_other_files_are_not() -> None:
    voice = message(voice=Voice("V", "v", duration=12, file_size=3000))
    assert recording_of(voice) == ("V", {"file_size": 3000, "duration": 12})
    talk = message(document=Document("D", "d", mime_type="audio/mpeg", file_size=9))
    assert recording_of(talk) == ("D", {"file_size": 9, "duration": None})
    assert recording_of(message(document=Document("P", "p", mime_type="application/pdf"))) is None
    assert recording_of(message(text="hello")) is None and recording_of(None) is None


def test_commands_and_arguments_come_from_text_or_caption() -> None:
    assert caption_command(message(caption="/SRT@pipegram_bot please")) == "srt"
    assert caption_command(message(caption="just a caption")) is None
    assert argument(message(text="/classify  dog, vacuum cleaner\nrain")) == "dog, vacuum cleaner\nrain"
    assert argument(message(caption="/say")) == "" and argument(None) == ""


def test_the_spoken_language_is_named_as_for_translate_and_kept_as_an_iso_code() -> None:
    assert [spoken_language(words) for words in ("auto", "de", "german", "deutsch", "fra_latn")] == \
        ["auto", "de", "de", "de", "fr"]
    assert [spoken_language(words) for words in ("klingon", "", "traditional chinese")] == [None, None, None]
