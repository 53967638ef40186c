"""What the workers themselves say (not the models), in English; workers/texts_de.py has them in German.

Pick the catalog for a job with `for_language(job.language)`. Most skills' own messages are English for now.
"""

from __future__ import annotations

from types import ModuleType

from shared import i18n

WORKING = "⚙️ Working on it…"
FAILED = "Sorry, something went wrong while answering that. Please try again in a moment."
TOO_SLOW = "⌛ That took too long and was stopped. Try a shorter message, or try again later."
NOT_DELIVERED = ("Sorry, Telegram would not take my answer to that, so I can't show it here. "
                 "Try asking for something shorter or smaller.")
GAVE_UP = ("Sorry, I tried to answer that several times and the worker stopped each time, so I gave up. "
           "Try a shorter or different message.")

# /translate: the line above a translation, and what it says when the source language was only a guess.
TRANSLATED = "🌐 From {source} to {target}:"
DETECTED = "{language} (detected)"
NOT_SURE = "\n\n(Not {language}? Name the source language, e.g. /translate es>{target} …)"
ALREADY_IN = "That text is already in {language}. Name the language to translate it into, e.g. /translate french …"

# /say: a text in a language without a voice.
NO_VOICE = "🔇 I have no voice for {language}, so I can't read that out. I can speak: {languages}."


def for_language(language_code: str | None) -> ModuleType:
    """The catalog for a Telegram language_code ("de", "de-AT", "zh-hans"...); English when there is none."""
    return i18n.pick(language_code, i18n.catalogs(__name__))
