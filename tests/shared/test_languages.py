"""Reading the languages people name for /translate: names, native names, ISO and NLLB codes."""

import pytest

from shared.languages import LANGUAGES, UnknownLanguage, find_language, from_locale, parse_languages, split_languages


def test_the_table_covers_the_most_used_languages_with_unique_codes() -> None:
    assert len(LANGUAGES) >= 40
    codes = [language.code for language in LANGUAGES]
    assert len(set(codes)) == len(codes)
    isos = [language.iso for language in LANGUAGES if language.iso]
    assert len(set(isos)) == len(isos)


@pytest.mark.parametrize("words, code", [
    ("french", "fra_Latn"), ("French", "fra_Latn"), ("Deutsch", "deu_Latn"), ("español", "spa_Latn"),
    ("fr", "fra_Latn"), ("DE", "deu_Latn"), ("fra_Latn", "fra_Latn"), ("日本語", "jpn_Jpan"),
    ("traditional chinese", "zho_Hant"), ("zh-TW", "zho_Hant"), ("ukr_Cyrl", "ukr_Cyrl"), ("it:", "ita_Latn"),
    ("kin_Latn", "kin_Latn"),  # an NLLB code not in the table passes through
])
def test_a_language_is_found_by_any_of_its_names(words: str, code: str) -> None:
    found = find_language(words)
    assert found is not None and found.code == code


@pytest.mark.parametrize("words", ["klingon", "", "xx", "fra_latin"])
def test_unknown_words_name_no_language(words: str) -> None:
    assert find_language(words) is None


def test_telegram_locales_map_to_their_language() -> None:
    assert from_locale("pt-br").code == "por_Latn"
    assert from_locale("en-US").code == "eng_Latn"
    assert from_locale(None) is None and from_locale("tlh") is None


@pytest.mark.parametrize("args, code, text", [
    ("fr Good morning", "fra_Latn", "Good morning"),
    ("Deutsch: Guten Morgen", "deu_Latn", "Guten Morgen"),
    ("fra_Latn two\nlines", "fra_Latn", "two\nlines"),
    ("traditional chinese 早安", "zho_Hant", "早安"),
    ("french bread is good", "fra_Latn", "bread is good"),
    ("it: ciao", "ita_Latn", "ciao"),
    ("it is raining", None, "it is raining"),  # ISO codes that are English words start text
    ("good morning", None, "good morning"),
    ("", None, ""),
])
def test_translate_arguments_split_into_language_and_text(args: str, code: str | None, text: str) -> None:
    languages, rest = split_languages(args)
    assert (languages.target.code if languages else None, rest) == (code, text)


def test_source_and_target_are_read_from_source_arrow_target() -> None:
    languages, rest = split_languages("de>fr Guten Morgen")
    assert (languages.source.code, languages.target.code, rest) == ("deu_Latn", "fra_Latn", "Guten Morgen")
    assert parse_languages("german>english").source.name == "German"


@pytest.mark.parametrize("args", ["klingon: qapla", "de>klingon hello", "x>y hello"])
def test_a_word_that_had_to_be_a_language_but_is_not_is_reported(args: str) -> None:
    with pytest.raises(UnknownLanguage):
        split_languages(args)


def test_the_reply_form_takes_only_a_language() -> None:
    assert parse_languages("Russian").target.code == "rus_Cyrl"
    with pytest.raises(UnknownLanguage, match="hello world"):
        parse_languages("hello world")
