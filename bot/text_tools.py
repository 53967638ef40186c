"""Handlers of the text tools: /translate, /language, /summarize, /similar and /find.

They read the command's arguments (and the message it replies to, or the document it captions), queue a job and
acknowledge; languages are read here, from shared.languages, so an unknown one is answered at once without a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers import submit
from bot.preferences import answer_length, load_prefs, save_pref, summary_length
from shared.documents import MAX_DOCUMENT_BYTES
from shared.languages import (
    ENGLISH,
    Language,
    Languages,
    UnknownLanguage,
    by_code,
    find_language,
    from_locale,
    parse_languages,
    split_languages,
    suggest,
)

TARGET_PREF = "translate_to"  # per-user default target language (an NLLB code)
SUMMARY_LENGTHS = ("short", "medium", "long")


@dataclass(frozen=True)
class Quoted:
    """What a command works on besides its own words: the message it replies to, or the file it captions."""

    text: str = ""
    file_id: str | None = None  # a document to read
    voice_id: str | None = None  # a voice note or audio file
    too_big: bool = False
    file_options: dict[str, Any] = field(default_factory=dict)  # the document's name and type, for the worker


def command_args(update: Update) -> str:
    """What follows the command (in a message, or in the caption of a file), line breaks kept."""
    message = update.effective_message
    parts = (message.text or message.caption or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def quoted(update: Update) -> Quoted | None:
    """The document this command captions, else the content of the replied-to message; None when neither."""
    message = update.effective_message
    holder = message if message.document else message.reply_to_message
    if holder is None:
        return None
    if holder.voice or holder.audio:
        return Quoted(voice_id=(holder.voice or holder.audio).file_id)
    if holder.document:
        document = holder.document
        return Quoted(file_id=document.file_id, too_big=(document.file_size or 0) > MAX_DOCUMENT_BYTES,
                      file_options={"file_name": document.file_name or "", "mime_type": document.mime_type or ""})
    return Quoted(text=holder.text or holder.caption or "")


async def default_target(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Language:
    """The user's /language, else the language of their Telegram app, else English."""
    user = update.effective_user
    prefs = await load_prefs(context.bot_data["redis"], user.id)
    found = by_code(prefs.get(TARGET_PREF)) or from_locale(user.language_code)
    return found if found is not None and found.code else ENGLISH


def interface(update: Update) -> str | None:
    """The user's Telegram language_code, which names languages in replies ("Deutsch" or "德语")."""
    return update.effective_user.language_code if update.effective_user else None


# What a language the models lack, and words that name no language, are answered with, per kind of model code.
REFUSALS = {"code": ("CANNOT_TRANSLATE", "UNKNOWN_LANGUAGE"), "whisper": ("SPEECHLANG_CANNOT", "SPEECHLANG_UNKNOWN")}


def unknown_language(update: Update, typed: str, kind: str = "code") -> str:
    """Say that the model (`kind`: "code" translates, "whisper" hears) lacks the language these words name, or that
    they name none, with close matches when there are any."""
    words, ui = texts.get(update), interface(update)
    cannot, unknown = REFUSALS[kind]
    known = find_language(typed)
    if known is not None:
        return getattr(words, cannot).format(name=known.name_in(ui))
    names = ", ".join(language.name_in(ui) for language in suggest(typed, kind))
    suggestion = words.DID_YOU_MEAN.format(names=names) if names else ""
    return getattr(words, unknown).format(words=typed, suggestion=suggestion)


async def translate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue a translation of the text after the language, or of the replied-to message."""
    message, source, args = update.effective_message, quoted(update), command_args(update)
    try:
        named, text = ((parse_languages(args) if args.strip() else None, "") if source
                       else split_languages(args, interface(update)))
    except UnknownLanguage as exc:
        await message.reply_text(unknown_language(update, exc.words))
        return
    languages = named or Languages(await default_target(update, context))
    options = {"target": languages.target.code, **({"source": languages.source.code} if languages.source else {})}
    if source and source.voice_id:
        await translate_voice(update, context, source.voice_id, options)
        return
    await submit_input(update, context, "translate", text, source, options,
                       texts.get(update).TRANSLATE_USAGE)


async def translate_voice(update: Update, context: ContextTypes.DEFAULT_TYPE, voice_id: str,
                          options: dict[str, Any]) -> None:
    """Transcribe the voice note, then translate the transcript (a follow-up job of the speech worker)."""
    await submit(update, context, "transcribe", file_id=voice_id,
                 options={"then": "translate", "then_options": options})


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show or set the user's default translation language."""
    message, args, words = update.effective_message, command_args(update).strip(), texts.get(update)
    if not args:
        current = await default_target(update, context)
        await message.reply_text(words.LANGUAGE_NOW.format(name=current.name_in(interface(update)), code=current.code))
        return
    try:
        found = parse_languages(args).target
    except UnknownLanguage as exc:
        await message.reply_text(unknown_language(update, exc.words))
        return
    await save_pref(context.bot_data["redis"], update.effective_user.id, TARGET_PREF, found.code)
    await message.reply_text(words.LANGUAGE_SET.format(name=found.name_in(interface(update)), code=found.code))


async def summarize(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue a summary of the text after the command, or of the replied-to message or document.

    Without short/medium/long the user's answer length (/settings) sets it."""
    args = command_args(update)
    parts = args.split(maxsplit=1)
    length = parts[0].casefold() if parts and parts[0].casefold() in SUMMARY_LENGTHS else None
    text = (parts[1] if len(parts) > 1 else "") if length else args
    length = length or summary_length(await answer_length(context.bot_data["redis"], update.effective_user.id))
    await submit_input(update, context, "summarize", text, quoted(update), {"length": length},
                       texts.get(update).SUMMARIZE_USAGE)


async def submit_input(update: Update, context: ContextTypes.DEFAULT_TYPE, skill: str, text: str,
                       source: Quoted | None, options: dict[str, Any], usage: str) -> None:
    """Queue a job on the typed text, or on what the command replies to; say what to do when there is nothing."""
    file_id = None
    if source is not None:
        text, file_id = source.text, source.file_id
        options = {**options, **source.file_options}
        if source.too_big:
            await update.effective_message.reply_text(too_big(update))
            return
    if not text.strip() and not file_id:
        await update.effective_message.reply_text(usage)
        return
    await submit(update, context, skill, text, file_id=file_id, options=options)


def too_big(update: Update) -> str:
    return texts.get(update).DOCUMENT_TOO_BIG.format(megabytes=MAX_DOCUMENT_BYTES // (1024 * 1024))


async def submit_document(update: Update, context: ContextTypes.DEFAULT_TYPE, source: Quoted, words: str,
                          usage: str, options: dict[str, Any]) -> None:
    """Queue /find (or, with options["ask"], /ask) over a document: `words` are what to look for or ask."""
    message = update.effective_message
    if source.too_big:
        await message.reply_text(too_big(update))
    elif not words.strip():
        await message.reply_text(usage)
    else:
        await submit(update, context, "find", words.strip(), file_id=source.file_id,
                     options={**options, **source.file_options})


async def similar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue a comparison of two sentences."""
    await submit(update, context, "similar", command_args(update))


async def find(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue a search of the document this command replies to (or captions), else of this chat's recent messages."""
    source = quoted(update)
    if source is not None and source.file_id:
        await submit_document(update, context, source, command_args(update),
                              texts.get(update).FIND_DOCUMENT_USAGE, {})
        return
    await submit(update, context, "find", command_args(update))
