"""Which interface language a user gets, from their Telegram language_code; the bot and workers share it.

A catalog is a plain module of constants (bot/texts.py in English, bot/texts_de.py in German); a user whose
app language has no catalog gets English.
"""

from __future__ import annotations

from types import ModuleType

DEFAULT = "en"


def interface_language(language_code: str | None, supported: tuple[str, ...]) -> str:
    """The supported language of a code such as "de", "de-AT" or "pt_BR" (its primary subtag), else DEFAULT."""
    primary = (language_code or "").replace("_", "-").split("-")[0].casefold()
    return primary if primary in supported else DEFAULT


def pick(language_code: str | None, catalogs: dict[str, ModuleType]) -> ModuleType:
    """The catalog for this language code; English when there is none."""
    return catalogs[interface_language(language_code, tuple(catalogs))]
