"""Which interface language a user gets, from their Telegram language_code; the bot and workers share it.

A catalog is a plain module of constants (bot/texts.py in English, bot/texts_de.py in German, bot/texts_zh.py in
Chinese...); a user whose app language has no catalog gets English. A catalog `texts_<code>.py` beside the English
one is found by its name: adding a language is adding that file.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from types import ModuleType

DEFAULT = "en"


def interface_language(language_code: str | None, supported: tuple[str, ...]) -> str:
    """The supported language of a code such as "de", "de-AT" or "pt_BR" (its primary subtag), else DEFAULT."""
    primary = (language_code or "").replace("_", "-").split("-")[0].casefold()
    return primary if primary in supported else DEFAULT


def pick(language_code: str | None, catalogs: dict[str, ModuleType]) -> ModuleType:
    """The catalog for this language code; English when there is none."""
    return catalogs[interface_language(language_code, tuple(catalogs))]


@cache
def catalogs(english: str) -> dict[str, ModuleType]:
    """The English catalog (a module name such as "bot.texts") and every `<module>_<code>` beside it, by code."""
    package, _, name = english.rpartition(".")
    found = {DEFAULT: importlib.import_module(english)}
    folder = importlib.import_module(package).__path__
    for module in pkgutil.iter_modules(folder):
        code = re.fullmatch(rf"{name}_([a-z]{{2,3}})", module.name)
        if code:
            found[code[1]] = importlib.import_module(f"{package}.{module.name}")
    return found
