"""Naming languages: every NLLB-200 language by its English name, native names, codes, tags and typos."""

from pathlib import Path

import pytest

from shared.languages import (
    NLLB_CODES,
    WHISPER_CODES,
    Languages,
    UnknownLanguage,
    by_code,
    find_language,
    from_locale,
    languages,
    parse_languages,
    split_languages,
    suggest,
)

# FLORES-200's English name of every NLLB-200 language: NLLB's own list, not the library's.
FLORES_NAMES = [line.split("\t") for line in
                (Path(__file__).parent / "flores200_names.tsv").read_text(encoding="utf-8").splitlines()]

# The 30 most-spoken NLLB languages by their own names, as speakers write them.
NATIVE_NAMES = [
    ("English", "eng_Latn"), ("中文", "zho_Hans"), ("हिन्दी", "hin_Deva"), ("español", "spa_Latn"),
    ("français", "fra_Latn"), ("العربية", "arb_Arab"), ("বাংলা", "ben_Beng"), ("português", "por_Latn"),
    ("русский", "rus_Cyrl"), ("اردو", "urd_Arab"), ("Indonesia", "ind_Latn"), ("Deutsch", "deu_Latn"),
    ("日本語", "jpn_Jpan"), ("मराठी", "mar_Deva"), ("తెలుగు", "tel_Telu"), ("Türkçe", "tur_Latn"),
    ("தமிழ்", "tam_Taml"), ("粵語", "yue_Hant"), ("Tiếng Việt", "vie_Latn"), ("한국어", "kor_Hang"),
    ("فارسی", "pes_Arab"), ("Hausa", "hau_Latn"), ("Kiswahili", "swh_Latn"), ("Jawa", "jav_Latn"),
    ("italiano", "ita_Latn"), ("ਪੰਜਾਬੀ", "pan_Guru"), ("ગુજરાતી", "guj_Gujr"), ("ไทย", "tha_Thai"),
    ("ಕನ್ನಡ", "kan_Knda"), ("polski", "pol_Latn"),
]


def test_the_lists_match_the_models_tokenizers() -> None:
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    assert list(FAIRSEQ_LANGUAGE_CODES) == NLLB_CODES
    assert list(LANGUAGES) == WHISPER_CODES
    assert sorted(language.code for language in languages() if language.code) == sorted(NLLB_CODES)
    assert sorted(language.whisper for language in languages() if language.whisper) == sorted(WHISPER_CODES)


def test_all_200_nllb_languages_are_found_by_their_english_names() -> None:
    assert sorted(code for code, _ in FLORES_NAMES) == sorted(NLLB_CODES)
    wrong = {name: getattr(find_language(name), "code", None) for code, name in FLORES_NAMES
             if getattr(find_language(name), "code", None) != code}
    assert wrong == {}


def test_every_language_is_found_by_its_own_code_tag_and_displayed_name() -> None:
    for language in languages():
        for key in (language.tag, language.code, language.whisper, language.name):
            if key:
                assert find_language(key) == language, key


@pytest.mark.parametrize(("name", "code"), NATIVE_NAMES)
def test_the_top_30_languages_are_found_by_their_native_names(name: str, code: str) -> None:
    assert getattr(find_language(name), "code", None) == code


@pytest.mark.parametrize(("words", "code"), [
    ("allemand", "deu_Latn"), ("немецкий", "deu_Latn"), ("德语", "deu_Latn"), ("Deutsch", "deu_Latn"),
    ("francés", "fra_Latn"), ("Französisch", "fra_Latn"), ("法语", "fra_Latn"),
    ("fr", "fra_Latn"), ("fra", "fra_Latn"), ("fre", "fra_Latn"), ("ger", "deu_Latn"), ("DE", "deu_Latn"),
    ("pt-BR", "por_Latn"), ("zh-Hant", "zho_Hant"), ("zh-TW", "zho_Hant"), ("zh_CN", "zho_Hans"),
    ("sr-Cyrl", "srp_Cyrl"), ("traditional chinese", "zho_Hant"), ("繁體中文", "zho_Hant"),
    ("Mandarin", "zho_Hans"), ("Farsi", "pes_Arab"), ("Filipino", "tgl_Latn"), ("it:", "ita_Latn"),
    ("Acehnese", "ace_Latn"), ("Kashmiri (Devanagari)", "kas_Deva"),
    ("xyz_Abcd", "xyz_Abcd"),  # a code of another model's list passes through
])
def test_a_language_is_found_by_any_name_code_or_tag(words: str, code: str) -> None:
    assert getattr(find_language(words), "code", None) == code


@pytest.mark.parametrize("words", ["klingon", "", "xx", "fra_latin", "good morning"])
def test_words_that_name_none_of_our_languages(words: str) -> None:
    found = find_language(words)
    assert found is None or not found.code


@pytest.mark.parametrize(("typo", "meant"), [("germn", "German"), ("frnech", "French"), ("spansh", "Spanish"),
                                            ("englsh", "English"), ("japanse", "Japanese"),
                                            ("russain", "Russian")])
def test_a_misspelling_gets_the_language_suggested(typo: str, meant: str) -> None:
    assert find_language(typo) is None
    assert meant in [language.name for language in suggest(typo)]


def test_names_are_given_in_the_users_language() -> None:
    german = find_language("de")
    assert (german.name, german.name_in("de"), german.name_in("zh-CN"), german.name_in("fr")) == (
        "German", "Deutsch", "德语", "allemand")


def test_telegram_locales_and_codes_map_to_their_language() -> None:
    assert from_locale("pt-br").code == "por_Latn" and from_locale("zh-hant").code == "zho_Hant"
    assert from_locale("en-US").code == "eng_Latn"
    assert from_locale(None) is None and from_locale("tlh") is None
    assert by_code("deu_Latn").tag == "de" and by_code(None) is None


@pytest.mark.parametrize(("args", "code", "text"), [
    ("fr Good morning", "fra_Latn", "Good morning"),
    ("Deutsch: Guten Morgen", "deu_Latn", "Guten Morgen"),
    ("fra_Latn two\nlines", "fra_Latn", "two\nlines"),
    ("traditional chinese 早安", "zho_Hant", "早安"),
    ("日本語 おはよう", "jpn_Jpan", "おはよう"),
    ("modern standard arabic good morning", "arb_Arab", "good morning"),
    ("french bread is good", "fra_Latn", "bread is good"),
    ("it: ciao", "ita_Latn", "ciao"),
    ("it is raining", None, "it is raining"),  # codes that are English words start text
    ("cat sat on the mat", None, "cat sat on the mat"),  # cat: Catalan's ISO 639-2 code
    ("may I come in", None, "may I come in"),  # may: Malay's
    ("india is big", None, "india is big"),  # near "Hindi", but not near enough to be a typo
    ("even the smallest", None, "even the smallest"),  # "Even" is a language, but no well-known one
    ("good morning", None, "good morning"),
    ("", None, ""),
])
def test_translate_arguments_split_into_language_and_text(args: str, code: str | None, text: str) -> None:
    languages_, rest = split_languages(args)
    assert (languages_.target.code if languages_ else None, rest) == (code, text)


def test_the_first_word_is_read_in_the_users_language_too() -> None:
    assert split_languages("englisch Guten Morgen", "de")[0].target.code == "eng_Latn"
    assert split_languages("allemand bonjour", "fr")[0].target.code == "deu_Latn"
    assert split_languages("德语 你好", "zh-hans") == (Languages(find_language("de")), "你好")


def test_source_and_target_are_read_from_source_arrow_target() -> None:
    languages_, rest = split_languages("de>fr Guten Morgen")
    assert (languages_.source.code, languages_.target.code, rest) == ("deu_Latn", "fra_Latn", "Guten Morgen")
    assert parse_languages("german>english").source.name == "German"


@pytest.mark.parametrize(("args", "words", "suggested"), [
    ("klingon Hello there", "klingon", []),  # a well-known language NLLB lacks: asked, not translated
    ("germn Hello there", "germn", ["German"]),
    ("klingon: qapla", "klingon:", []),
    ("de>klingon hello", "klingon", []),
    ("frnech>de bonjour", "frnech", ["French"]),
])
def test_a_first_word_meant_as_a_language_is_asked_about(args: str, words: str, suggested: list[str]) -> None:
    with pytest.raises(UnknownLanguage) as raised:
        split_languages(args)
    assert raised.value.words == words
    assert [language.name for language in suggest(raised.value.words)][:len(suggested)] == suggested


def test_the_reply_form_takes_only_a_language() -> None:
    assert parse_languages("Russian").target.code == "rus_Cyrl"
    with pytest.raises(UnknownLanguage, match="hello world"):
        parse_languages("hello world")
    with pytest.raises(UnknownLanguage):
        parse_languages("latin")  # Whisper hears Latin; NLLB cannot translate it
