"""Languages people can name for /translate: English and native names, ISO 639-1 and NLLB-200 codes.

Shared by the bot (to read `/translate fr ...` and `/language`) and the workers (to prompt a chat model with a
language's name). Any NLLB-style code (`xxx_Yyyy`) passes through even when it is not in the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language: how people name it and the codes models use."""

    name: str
    code: str  # NLLB-200 (FLORES-200) code, e.g. fra_Latn
    iso: str = ""  # ISO 639-1, e.g. fr
    native: tuple[str, ...] = ()


# (English name, ISO 639-1, NLLB code, native names and other aliases), roughly by number of speakers online.
_TABLE = [
    ("English", "en", "eng_Latn", "english"),
    ("Chinese", "zh", "zho_Hans", "中文|简体中文|汉语|mandarin|simplified chinese|zh-cn|zh-hans"),
    ("Traditional Chinese", "", "zho_Hant", "繁體中文|zh-tw|zh-hk|zh-hant"),
    ("Spanish", "es", "spa_Latn", "español|espanol|castellano"),
    ("Arabic", "ar", "arb_Arab", "العربية"),
    ("Hindi", "hi", "hin_Deva", "हिन्दी|हिंदी"),
    ("Portuguese", "pt", "por_Latn", "português|portugues|pt-br|pt-pt|brazilian"),
    ("Bengali", "bn", "ben_Beng", "বাংলা|bangla"),
    ("Russian", "ru", "rus_Cyrl", "русский"),
    ("Japanese", "ja", "jpn_Jpan", "日本語"),
    ("French", "fr", "fra_Latn", "français|francais"),
    ("German", "de", "deu_Latn", "deutsch"),
    ("Korean", "ko", "kor_Hang", "한국어"),
    ("Turkish", "tr", "tur_Latn", "türkçe|turkce"),
    ("Vietnamese", "vi", "vie_Latn", "tiếng việt|tieng viet"),
    ("Italian", "it", "ita_Latn", "italiano"),
    ("Persian", "fa", "pes_Arab", "فارسی|farsi"),
    ("Urdu", "ur", "urd_Arab", "اردو"),
    ("Indonesian", "id", "ind_Latn", "bahasa indonesia|indonesia"),
    ("Malay", "ms", "zsm_Latn", "bahasa melayu|melayu"),
    ("Polish", "pl", "pol_Latn", "polski"),
    ("Ukrainian", "uk", "ukr_Cyrl", "українська"),
    ("Dutch", "nl", "nld_Latn", "nederlands|flemish"),
    ("Thai", "th", "tha_Thai", "ไทย"),
    ("Tagalog", "tl", "tgl_Latn", "filipino"),
    ("Swahili", "sw", "swh_Latn", "kiswahili"),
    ("Tamil", "ta", "tam_Taml", "தமிழ்"),
    ("Telugu", "te", "tel_Telu", "తెలుగు"),
    ("Marathi", "mr", "mar_Deva", "मराठी"),
    ("Gujarati", "gu", "guj_Gujr", "ગુજરાતી"),
    ("Punjabi", "pa", "pan_Guru", "ਪੰਜਾਬੀ"),
    ("Romanian", "ro", "ron_Latn", "română|romana"),
    ("Greek", "el", "ell_Grek", "ελληνικά"),
    ("Czech", "cs", "ces_Latn", "čeština|cestina"),
    ("Hungarian", "hu", "hun_Latn", "magyar"),
    ("Swedish", "sv", "swe_Latn", "svenska"),
    ("Hebrew", "he", "heb_Hebr", "עברית|iw"),
    ("Danish", "da", "dan_Latn", "dansk"),
    ("Finnish", "fi", "fin_Latn", "suomi"),
    ("Norwegian", "no", "nob_Latn", "norsk|bokmål|nb"),
    ("Slovak", "sk", "slk_Latn", "slovenčina|slovencina"),
    ("Bulgarian", "bg", "bul_Cyrl", "български"),
    ("Serbian", "sr", "srp_Cyrl", "српски|srpski"),
    ("Croatian", "hr", "hrv_Latn", "hrvatski"),
    ("Slovenian", "sl", "slv_Latn", "slovenščina|slovene"),
    ("Lithuanian", "lt", "lit_Latn", "lietuvių"),
    ("Latvian", "lv", "lvs_Latn", "latviešu"),
    ("Estonian", "et", "est_Latn", "eesti"),
    ("Catalan", "ca", "cat_Latn", "català"),
    ("Basque", "eu", "eus_Latn", "euskara"),
    ("Galician", "gl", "glg_Latn", "galego"),
    ("Irish", "ga", "gle_Latn", "gaeilge"),
    ("Welsh", "cy", "cym_Latn", "cymraeg"),
    ("Icelandic", "is", "isl_Latn", "íslenska"),
    ("Albanian", "sq", "als_Latn", "shqip"),
    ("Macedonian", "mk", "mkd_Cyrl", "македонски"),
    ("Belarusian", "be", "bel_Cyrl", "беларуская"),
    ("Kazakh", "kk", "kaz_Cyrl", "қазақ"),
    ("Uzbek", "uz", "uzn_Latn", "oʻzbek|ozbek"),
    ("Georgian", "ka", "kat_Geor", "ქართული"),
    ("Armenian", "hy", "hye_Armn", "հայերեն"),
    ("Azerbaijani", "az", "azj_Latn", "azərbaycan"),
    ("Nepali", "ne", "npi_Deva", "नेपाली"),
    ("Sinhala", "si", "sin_Sinh", "සිංහල"),
    ("Burmese", "my", "mya_Mymr", "မြန်မာ"),
    ("Khmer", "km", "khm_Khmr", "ខ្មែរ"),
    ("Amharic", "am", "amh_Ethi", "አማርኛ"),
    ("Hausa", "ha", "hau_Latn", "hausa"),
    ("Yoruba", "yo", "yor_Latn", "yorùbá"),
    ("Zulu", "zu", "zul_Latn", "isizulu"),
    ("Afrikaans", "af", "afr_Latn", "afrikaans"),
    ("Somali", "so", "som_Latn", "soomaali"),
    ("Esperanto", "eo", "epo_Latn", "esperanto"),
    ("Cantonese", "", "yue_Hant", "粵語|廣東話"),
]

LANGUAGES = tuple(Language(name, code, iso, tuple(aliases.split("|"))) for name, iso, code, aliases in _TABLE)
ENGLISH = LANGUAGES[0]

# ISO codes that are also everyday English words: at the start of `/translate it is raining` they are text.
# Written as `it:`, alone (reply form, /language) or by name, they still name the language.
_AMBIGUOUS = frozenset({"it", "is", "no", "so", "am", "be", "my", "he", "hi", "id"})
_NLLB_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")


def _index() -> dict[str, Language]:
    index: dict[str, Language] = {}
    for language in LANGUAGES:
        for key in (language.name, language.iso, language.code, *language.native):
            if key:
                index.setdefault(key.casefold(), language)
    return index


_BY_KEY = _index()


class UnknownLanguage(ValueError):
    """Words in the place of a language that name none."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def find_language(words: str) -> Language | None:
    """The language a name, native name, ISO code or NLLB code means (case-insensitive); None if unknown."""
    words = words.strip().rstrip(":").strip()
    if _NLLB_CODE.match(words):
        return _BY_KEY.get(words.casefold()) or Language(words, words)
    return _BY_KEY.get(words.casefold()) or _BY_KEY.get(words.casefold().replace("_", "-"))


def from_locale(tag: str | None) -> Language | None:
    """The language of a Telegram language_code such as "de" or "pt-br"."""
    if not tag:
        return None
    return _BY_KEY.get(tag.casefold()) or _BY_KEY.get(tag.casefold().split("-")[0])


@dataclass(frozen=True)
class Languages:
    """What a /translate names: the target, and the source when written as `source>target`."""

    target: Language
    source: Language | None = None


def parse_languages(spec: str) -> Languages:
    """Read `french`, `fr`, `fra_Latn` or `de>fr`; raise UnknownLanguage for anything else."""
    source_words, arrow, target_words = spec.strip().rpartition(">")
    target = find_language(target_words)
    source = find_language(source_words) if arrow and source_words.strip() else None
    if target is None or (arrow and source_words.strip() and source is None):
        raise UnknownLanguage(spec.strip())
    return Languages(target, source)


def split_languages(args: str) -> tuple[Languages | None, str]:
    """Split `/translate` arguments into a leading language (if any) and the text to translate.

    A first word that names no language is text, unless it ends with ':' or holds '>': then it had to name one.
    """
    text = args.strip()
    for size in (2, 1):  # two-word names such as "traditional chinese" first
        parts = text.split(maxsplit=size)
        if len(parts) < size:
            continue
        head, rest = " ".join(parts[:size]), (parts[size] if len(parts) > size else "")
        explicit = size == 1 and (head.endswith(":") or ">" in head)
        if size == 1 and not explicit and head.casefold() in _AMBIGUOUS:
            break
        try:
            return parse_languages(head), rest
        except UnknownLanguage:
            if explicit:
                raise
    return None, text
