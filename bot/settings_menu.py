"""/settings: the user's translation language, what a voice note brings back and answer length, changed with
inline buttons.

The buttons save the same preferences /language and /voice set, so each setting has one value whichever way it
was changed. A button's callback data is "set:<setting>:<value>"; anything else (a stale or forged button) gets a
polite answer and changes nothing.
"""

from __future__ import annotations

import logging
from types import ModuleType

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.preferences import ANSWER_LENGTH_PREF, ANSWER_LENGTHS, answer_length, load_prefs, save_pref
from bot.speech import VOICE_PREF, VOICE_REPLIES
from bot.text_tools import TARGET_PREF, default_target, interface
from shared.languages import Language

log = logging.getLogger(__name__)

PREFIX = "set"
PATTERN = rf"^{PREFIX}:"  # the callback data this module's handler takes
# Common /translate targets, by their own names; /language takes any other.
LANGUAGE_CHOICES = [("English", "eng_Latn"), ("Deutsch", "deu_Latn"), ("Español", "spa_Latn"),
                    ("Français", "fra_Latn"), ("Русский", "rus_Cyrl"), ("中文", "zho_Hans")]
# A setting's name in callback data → the preference it saves and the values a button may carry.
CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "lang": (TARGET_PREF, tuple(code for _, code in LANGUAGE_CHOICES)),
    "voice": (VOICE_PREF, VOICE_REPLIES),
    "len": (ANSWER_LENGTH_PREF, ANSWER_LENGTHS),
}


def parse(data: str | None) -> tuple[str, str] | None:
    """The preference and value a button sets, or None when no button of the current menu carries this data."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in CHOICES:
        return None
    name, allowed = CHOICES[parts[1]]
    return (name, parts[2]) if parts[2] in allowed else None


def render(words: ModuleType, target: Language, voice: str, length: str,
           ui: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The settings message and its keyboard, languages named in the user's language `ui`; current choices ticked."""
    def button(label: str, setting: str, value: str, chosen: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(f"✅ {label}" if value == chosen else label,
                                    callback_data=f"{PREFIX}:{setting}:{value}")

    languages = [button(label, "lang", code, target.code) for label, code in LANGUAGE_CHOICES]
    keyboard = [languages[:3], languages[3:],
                [button(words.VOICE_BUTTONS[v], "voice", v, voice) for v in VOICE_REPLIES],
                [button(words.LENGTH_BUTTONS[v], "len", v, length) for v in ANSWER_LENGTHS]]
    text = words.SETTINGS.format(language=target.name_in(ui), voice=words.VOICE_REPLIES[voice],
                                 length=words.SETTING_VALUES[length])
    return text, InlineKeyboardMarkup(keyboard)


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, InlineKeyboardMarkup]:
    """The settings message of the user behind this update, with their current values."""
    r, user_id = context.bot_data["redis"], update.effective_user.id
    voice = (await load_prefs(r, user_id)).get(VOICE_PREF, "off")
    voice = voice if voice in VOICE_REPLIES else "off"
    return render(texts.get(update), await default_target(update, context), voice, await answer_length(r, user_id),
                  interface(update))


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the user's settings with buttons to change them."""
    text, keyboard = await menu(update, context)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button that no longer means anything (or never did), so the user's app stops waiting."""
    await update.callback_query.answer(texts.get(update).SETTING_STALE, show_alert=True)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Save the setting a button carries, answer the press, and show the new state in the same message."""
    query, words = update.callback_query, texts.get(update)
    choice = parse(query.data)
    if choice is None:
        await stale(update, context)
        return
    await save_pref(context.bot_data["redis"], query.from_user.id, *choice)
    await query.answer(words.SETTING_SAVED)
    text, keyboard = await menu(update, context)
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:  # the same button twice ("not modified"), or a message too old to edit
        log.info("settings message not edited: %s", exc)
