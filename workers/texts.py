"""What the workers themselves say (not the models), in English; workers/texts_de.py has them in German.

Pick the catalog for a job with `for_language(job.language)`. Most skills' own messages are English for now.
"""

from __future__ import annotations

from types import ModuleType

from shared import i18n

WORKING = "⚙️ Working on it…"
FAILED = "Sorry, something went wrong while answering that. Please try again in a moment."
TOO_SLOW = "⌛ That took too long and was stopped. Try a shorter message, or try again later."
GAVE_UP = ("Sorry, I tried to answer that several times and the worker stopped each time, so I gave up. "
           "Try a shorter or different message.")

# /translate: the line above a translation, and what it says when the source language was only a guess.
TRANSLATED = "🌐 From {source} to {target}:"
DETECTED = "{language} (detected)"
NOT_SURE = "\n\n(Not {language}? Name the source language, e.g. /translate es>{target} …)"
ALREADY_IN = "That text is already in {language}. Name the language to translate it into, e.g. /translate french …"

# /say: a text in a language without a voice.
NO_VOICE = "🔇 I have no voice for {language}, so I can't read that out. I can speak: {languages}."


# Documents (/summarize, /translate, /find, /ask on a file): why one cannot be read, and what replies from one add.
DOCUMENT_REFUSED = {
    "encrypted": ("🔒 That PDF is protected with a password, so I can't read it. Remove the password (for example, "
                  "print it to a new PDF) and send it again."),
    "no_text": ("🖨 That PDF has no text I can read: its pages are pictures, as a scanner makes them. Run it through "
                "text recognition (OCR) first, or paste the text."),
    "damaged": ("📄 That file is damaged or cut short, so I can't read it. Save or export it again and send the new "
                "file."),
    "unknown_kind": ("📄 I can read PDF, Word (.docx), HTML, Markdown and plain-text files, and this is none of them. "
                     "Save it as one of those and send it again."),
    "empty": "📄 That document has no text in it.",
    "too_heavy": ("📄 That document needs more memory to read than I allow myself. Send a smaller one, or just the "
                  "part you need."),
    "too_slow": ("⌛ Reading that document took over {seconds} seconds, so I stopped. Send a smaller one, or just the "
                 "part you need."),
    "too_big": "📄 That file is over {megabytes} MB, more than I read. Send a smaller one, or just the part you need.",
}
DOCUMENT_CUT = {
    "page": "✂️ The document is longer than I read at once: this covers its first {read} of {total} pages.",
    "paragraph": "✂️ The document is longer than I read at once: this covers its first {chars} characters.",
}
DOCUMENT_USED = {"page": "📄 Pages used: {numbers}", "paragraph": "📄 Paragraphs used: {numbers}"}
DOCUMENT_PLACE = {"page": "page {number}", "paragraph": "paragraph {number}"}
DOCUMENT_FOUND = "🔎 The passages of {name} closest to “{query}”:"
TRANSLATION_IN_FILE = "📎 The translation is in the file below, paragraph by paragraph as in yours."

def for_language(language_code: str | None) -> ModuleType:
    """The catalog for a Telegram language_code ("de", "de-AT", "zh-hans"...); English when there is none."""
    return i18n.pick(language_code, i18n.catalogs(__name__))
