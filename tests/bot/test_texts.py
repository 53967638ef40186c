"""The bot's texts: every English text has a German one with the same {placeholders}, picked by language_code."""

from __future__ import annotations

import string
from types import ModuleType
from typing import Any

import pytest

from bot import texts, texts_de, texts_zh
from shared.i18n import catalogs, interface_language
from workers import texts as worker_texts


def catalog(module: ModuleType) -> dict[str, Any]:
    return {name: value for name, value in vars(module).items()
            if name.isupper() and isinstance(value, (str, list, dict, tuple))}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def strings(value: Any) -> list[str]:
    """Every translatable string in a text, in order (pairs, lists of pairs and dicts hold them second)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [value[1]]
    if isinstance(value, dict):
        return [text for key in sorted(value) for text in strings(value[key])]
    return [text for _, text in value]


def keys(value: Any) -> Any:
    """What must match exactly between languages: dict keys, command names, message attributes."""
    if isinstance(value, dict):
        return sorted(value)
    if isinstance(value, list):
        return [key for key, _ in value]
    if isinstance(value, tuple):
        return value[0]
    return None


# Every catalog beside the English one (bot/texts_<code>.py, workers/texts_<code>.py), found as the bot finds them.
TRANSLATIONS = [(english, catalog) for english in (texts, worker_texts)
                for code, catalog in catalogs(english.__name__).items() if code != "en"]


def test_the_interface_speaks_english_german_spanish_russian_and_chinese() -> None:
    assert sorted(catalogs("bot.texts")) == sorted(catalogs("workers.texts")) == ["de", "en", "es", "ru", "zh"]


@pytest.mark.parametrize(("source", "translation"), TRANSLATIONS, ids=lambda module: module.__name__)
def test_every_text_has_a_translation_with_the_same_placeholders(source: ModuleType, translation: ModuleType) -> None:
    english, other = catalog(source), catalog(translation)
    assert sorted(english) == sorted(other)
    for name, value in english.items():
        assert keys(value) == keys(other[name]), name
        for mine, theirs in zip(strings(value), strings(other[name]), strict=True):
            assert placeholders(mine) == placeholders(theirs), name
            assert theirs.strip(), name


def test_the_catalog_follows_the_primary_language_subtag() -> None:
    assert texts.for_language("de") is texts_de
    assert texts.for_language("de-AT") is texts_de
    assert texts.for_language("DE_ch") is texts_de
    assert texts.for_language("en-GB") is texts
    assert texts.for_language("xx") is texts and texts.for_language(None) is texts
    assert texts.for_language("zh-hans") is texts_zh and worker_texts.for_language("zh").__name__ == "workers.texts_zh"
    assert interface_language("", ("en", "de")) == "en"


def test_command_descriptions_fit_telegram() -> None:
    for module in catalogs("bot.texts").values():
        assert all(1 <= len(about) <= 256 for _, about in module.COMMANDS)
