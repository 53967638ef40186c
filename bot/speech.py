"""Bot handlers for speech: recordings in (transcripts, subtitles, sound labels), spoken answers out, voice settings.

The bot never downloads a recording: it queues the file_id (plus the size and duration Telegram reported, so the
worker can refuse an oversized file before fetching it) and the worker downloads it itself.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import GROUP_TYPES, addressed_text, submit
from bot.preferences import ANSWER_LENGTH_PREF, ANSWER_LENGTHS, load_prefs, save_pref
from bot.text_tools import interface, unknown_language
from shared.keys import chat_prefs_key
from shared.languages import find_language
from shared.store import as_text

VOICE_PREF = "voice"  # what a voice note brings back: off (its transcript), on (voice mode), file (a .txt only)
VOICE_REPLIES = ("off", "on", "file")
LANGUAGE_PREF = "speech_language"
GROUP_TRANSCRIBES = "transcribe_all"  # a group's setting: transcribe every voice note ("on"), or on request
SUBTITLE_KINDS = ("srt", "vtt")
ADMINS: tuple[str, ...] = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def recording_of(message: Message | None) -> tuple[str, dict[str, Any]] | None:
    """A message's voice note, audio, video note or audio/video document: its file_id, size and duration."""
    if message is None:
        return None
    media = message.voice or message.audio or message.video_note or message.document
    if media is None or (media is message.document and not (media.mime_type or "").startswith(("audio/", "video/"))):
        return None
    meta = media.to_dict()  # plain ints, whatever PTB's timedelta setting
    return media.file_id, {"file_size": meta.get("file_size"), "duration": meta.get("duration")}


def argument(message: Message | None) -> str:
    """What follows the command in a message's text or caption."""
    parts = ((message and (message.text or message.caption)) or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def spoken_language(words: str) -> str | None:
    """`auto`, or Whisper's code of a language named any way /translate reads; None when Whisper has none."""
    if words == "auto":
        return words
    found = find_language(words)
    return found.whisper if found and found.whisper else None


def _language_set(words: ModuleType, interface: str | None) -> Callable[[str], str]:
    def done(code: str) -> str:
        found = find_language(code)
        if found is None:
            return words.SPEECHLANG_AUTO
        return words.SPEECHLANG_SET.format(name=found.name_in(interface), code=code)
    return done


def caption_command(message: Message | None) -> str | None:
    """The command a caption starts with (/srt@pipegram_bot → srt), if any."""
    first = ((message and message.caption) or "").split(maxsplit=1)[:1]
    if not first or not first[0].startswith("/"):
        return None
    return first[0][1:].split("@", 1)[0].lower()


async def _speech_options(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> dict[str, Any]:
    prefs = await load_prefs(context.bot_data["redis"], user_id)
    length = prefs.get(ANSWER_LENGTH_PREF, "normal")
    options = {"speech_language": prefs.get(LANGUAGE_PREF, "auto"), "voice_mode": prefs.get(VOICE_PREF) == "on",
               "length": length if length in ANSWER_LENGTHS else "normal"}  # for voice mode's chat answer
    if prefs.get(VOICE_PREF) == "file":
        options["reply"] = "file"
    return options


async def _submit_recording(update: Update, context: ContextTypes.DEFAULT_TYPE, skill: str, source: Message | None,
                            text: str = "", options: dict[str, Any] | None = None) -> None:
    file_id, meta = recording_of(source) or ("", {})
    await submit(update, context, skill, text, file_id=file_id, options={**meta, **(options or {})})


def in_group(message: Message | None) -> bool:
    return message is not None and message.chat.type in GROUP_TYPES


async def group_transcribes(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
    """Whether this group's admins asked for every voice note to be transcribed."""
    value = await context.bot_data["redis"].hget(chat_prefs_key(chat_id), GROUP_TRANSCRIBES)
    return value is not None and as_text(value) == "on"


async def recording(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Transcribe a recording (in voice mode, answer a voice note aloud); a /srt, /vtt, /transcribe or /classify
    caption asks for that. In groups only on request, unless the group's admins turned transcribing on."""
    message = update.effective_message
    command = caption_command(message)
    if command == "classify":
        await _submit_recording(update, context, "classify_sound", message, argument(message))
        return
    if in_group(message) and command not in (*SUBTITLE_KINDS, "transcribe") \
            and addressed_text(update, context) is None and not await group_transcribes(context, message.chat_id):
        return
    options = await _speech_options(context, update.effective_user.id)
    options.update({kind: True for kind in SUBTITLE_KINDS if command == kind})
    options["timestamps"] = command == "transcribe" and argument(message).lower() == "timestamps"
    options["voice_mode"] &= command is None and bool(message.voice or message.video_note)
    await _submit_recording(update, context, "transcribe", message, options=options)


async def subtitles(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subtitles (/srt or /vtt) for the recording this command replies to."""
    message = update.effective_message
    kind = (message.text or "/srt").split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    if recording_of(message.reply_to_message) is None:
        await message.reply_text(texts.get(update).SUBTITLES_USAGE.format(kind=kind))
        return
    options = {**await _speech_options(context, update.effective_user.id), kind: True, "voice_mode": False}
    await _submit_recording(update, context, "transcribe", message.reply_to_message, options=options)


async def transcribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Transcribe the recording this command replies to (`timestamps`: with times); in a group, `on` or `off`
    (its admins only) switches transcribing every voice note."""
    message, words = update.effective_message, texts.get(update)
    choice = argument(message).lower()
    if recording_of(message.reply_to_message) is not None:
        options = {**await _speech_options(context, update.effective_user.id), "voice_mode": False,
                   "timestamps": choice == "timestamps"}
        await _submit_recording(update, context, "transcribe", message.reply_to_message, options=options)
    elif not in_group(message):
        await message.reply_text(words.TRANSCRIBE_USAGE)
    elif choice not in ("on", "off"):
        current = "on" if await group_transcribes(context, message.chat_id) else "off"
        await message.reply_text(words.TRANSCRIBE_GROUP_USAGE.format(current=words.SETTING_VALUES[current]))
    elif (await context.bot.get_chat_member(message.chat_id, update.effective_user.id)).status not in ADMINS:
        await message.reply_text(words.TRANSCRIBE_ADMINS_ONLY)
    else:
        await context.bot_data["redis"].hset(chat_prefs_key(message.chat_id), GROUP_TRANSCRIBES, choice)
        await message.reply_text(words.TRANSCRIBE_GROUP_SET[choice])


async def classify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rank the given labels for the recording this command replies to."""
    message = update.effective_message
    labels = argument(message)
    if recording_of(message.reply_to_message) is None or not labels:
        await message.reply_text(texts.get(update).CLASSIFY_USAGE)
        return
    await _submit_recording(update, context, "classify_sound", message.reply_to_message, labels)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Read out the command's text, or the message it replies to, as a voice note."""
    message = update.effective_message
    quoted = message.reply_to_message
    text = argument(message) or (quoted and (quoted.text or quoted.caption)) or ""
    if not text.strip():
        await message.reply_text(texts.get(update).SAY_USAGE)
        return
    await submit(update, context, "say", text)


async def voice_mode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn voice mode on or off for this user."""
    words = texts.get(update)
    await _set_pref(update, context, VOICE_PREF, "off", lambda choice: choice if choice in ("on", "off") else None,
                    words.VOICE_USAGE, words.VOICE_SET.__getitem__,
                    shown=lambda value: "on" if value == "on" else "off")  # "file" (set in /settings) is not voice mode


async def speech_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the language this user speaks in recordings, or `auto` to detect it; alone, say which it is."""
    message, words, ui = update.effective_message, texts.get(update), interface(update)
    asked = " ".join(argument(message).lower().split())
    if not asked:
        code = (await load_prefs(context.bot_data["redis"], update.effective_user.id)).get(LANGUAGE_PREF, "auto")
        current = find_language(code) if code != "auto" else None
        await message.reply_text(words.SPEECHLANG_NOW.format(name=current.name_in(ui)) if current
                                 else words.SPEECHLANG_NOW_AUTO)
    elif spoken_language(asked) is None:
        await message.reply_text(unknown_language(update, asked, "whisper"))
    else:
        await _set_pref(update, context, LANGUAGE_PREF, "auto", spoken_language, "", _language_set(words, ui))


async def _set_pref(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str, default: str,
                    read: Callable[[str], str | None], usage: str, done: Callable[[str], str],
                    shown: Callable[[str], str] = str) -> None:
    """Save the value a valid choice reads as and confirm it; otherwise show the current value and how to change it."""
    message, r, user_id = update.effective_message, context.bot_data["redis"], update.effective_user.id
    value = read(" ".join(argument(message).lower().split()))
    if value is None:
        current = (await load_prefs(r, user_id)).get(name, default)
        await message.reply_text(usage.format(current=shown(current)))
        return
    await save_pref(r, user_id, name, value)
    await message.reply_text(done(value))
