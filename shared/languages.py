"""Every language Pipegram can translate (NLLB-200) or hear (Whisper), named any way people name them.

Names come from `langcodes` and `language-data` (CLDR and the IANA registry): a language is found by its English
name, its own name, its name in any other language ("allemand", "немецкий", "Deutsch"), an ISO 639-1/2/3 code, a
BCP-47 tag (`pt-BR`, `zh-Hant`) or an NLLB code (`fra_Latn`); close matches are offered for typos. This module
keeps only what the library cannot know: which languages NLLB and Whisper have, and which of a language's NLLB
codes (script, individual language) stands for it. Shared by the bot (to read commands) and the workers (to name
languages in replies); it needs no model.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import langcodes
from language_data.names import get_trie_value, load_trie, normalize_name
from language_data.util import data_filename

# NLLB-200's language codes, as its tokenizer has them (transformers' FAIRSEQ_LANGUAGE_CODES; a test checks).
NLLB_CODES = (  # noqa: SIM905 (200 codes read better as text than as a list)
    "ace_Arab ace_Latn acm_Arab acq_Arab aeb_Arab afr_Latn ajp_Arab aka_Latn amh_Ethi apc_Arab arb_Arab ars_Arab "
    "ary_Arab arz_Arab asm_Beng ast_Latn awa_Deva ayr_Latn azb_Arab azj_Latn bak_Cyrl bam_Latn ban_Latn bel_Cyrl "
    "bem_Latn ben_Beng bho_Deva bjn_Arab bjn_Latn bod_Tibt bos_Latn bug_Latn bul_Cyrl cat_Latn ceb_Latn ces_Latn "
    "cjk_Latn ckb_Arab crh_Latn cym_Latn dan_Latn deu_Latn dik_Latn dyu_Latn dzo_Tibt ell_Grek eng_Latn epo_Latn "
    "est_Latn eus_Latn ewe_Latn fao_Latn pes_Arab fij_Latn fin_Latn fon_Latn fra_Latn fur_Latn fuv_Latn gla_Latn "
    "gle_Latn glg_Latn grn_Latn guj_Gujr hat_Latn hau_Latn heb_Hebr hin_Deva hne_Deva hrv_Latn hun_Latn hye_Armn "
    "ibo_Latn ilo_Latn ind_Latn isl_Latn ita_Latn jav_Latn jpn_Jpan kab_Latn kac_Latn kam_Latn kan_Knda kas_Arab "
    "kas_Deva kat_Geor knc_Arab knc_Latn kaz_Cyrl kbp_Latn kea_Latn khm_Khmr kik_Latn kin_Latn kir_Cyrl kmb_Latn "
    "kon_Latn kor_Hang kmr_Latn lao_Laoo lvs_Latn lij_Latn lim_Latn lin_Latn lit_Latn lmo_Latn ltg_Latn ltz_Latn "
    "lua_Latn lug_Latn luo_Latn lus_Latn mag_Deva mai_Deva mal_Mlym mar_Deva min_Latn mkd_Cyrl plt_Latn mlt_Latn "
    "mni_Beng khk_Cyrl mos_Latn mri_Latn zsm_Latn mya_Mymr nld_Latn nno_Latn nob_Latn npi_Deva nso_Latn nus_Latn "
    "nya_Latn oci_Latn gaz_Latn ory_Orya pag_Latn pan_Guru pap_Latn pol_Latn por_Latn prs_Arab pbt_Arab quy_Latn "
    "ron_Latn run_Latn rus_Cyrl sag_Latn san_Deva sat_Beng scn_Latn shn_Mymr sin_Sinh slk_Latn slv_Latn smo_Latn "
    "sna_Latn snd_Arab som_Latn sot_Latn spa_Latn als_Latn srd_Latn srp_Cyrl ssw_Latn sun_Latn swe_Latn swh_Latn "
    "szl_Latn tam_Taml tat_Cyrl tel_Telu tgk_Cyrl tgl_Latn tha_Thai tir_Ethi taq_Latn taq_Tfng tpi_Latn tsn_Latn "
    "tso_Latn tuk_Latn tum_Latn tur_Latn twi_Latn tzm_Tfng uig_Arab ukr_Cyrl umb_Latn urd_Arab uzn_Latn vec_Latn "
    "vie_Latn war_Latn wol_Latn xho_Latn ydd_Hebr yor_Latn yue_Hant zho_Hans zho_Hant zul_Latn"
).split()

# Whisper's language codes (transformers' whisper LANGUAGES; a test checks).
WHISPER_CODES = (  # noqa: SIM905
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro "
    "da hu ta no th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu "
    "is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo "
    "uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue"
).split()

# The individual language NLLB uses for a macrolanguage ("Arabic" is arb_Arab), and codes the library keeps apart
# from the language people mean by them (Whisper's "no" is Bokmål, "jw" Javanese; Mandarin is Chinese).
_SAME_AS = {
    "arb": "ar", "pes": "fa", "zsm": "ms", "lvs": "lv", "khk": "mn", "swh": "sw", "uzn": "uz", "azj": "az",
    "npi": "ne", "plt": "mg", "gaz": "om", "als": "sq", "ydd": "yi", "pbt": "ps", "ory": "or", "quy": "qu",
    "kmr": "ku", "ayr": "ay", "dik": "din", "fuv": "ff", "knc": "kr", "cmn": "zh", "no": "nb", "jw": "jv",
}
# NLLB's own names (FLORES-200) that the library does not know.
_ALIASES = {"standard tibetan": "bo", "eastern panjabi": "pa", "luba-kasai": "lua"}
_NLLB_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
_SCRIPT_NOTE = re.compile(r"^(?P<name>.+?)\s*\((?P<script>[^()]+?)(?: script)?\)$", re.IGNORECASE)


@dataclass(frozen=True)
class Language:
    """One language: its BCP-47 tag, and the codes the models that know it use."""

    tag: str  # e.g. "fr", "zh-Hant", "ace-Arab"
    code: str = ""  # NLLB-200 code (fra_Latn); "" when the translation model lacks the language
    whisper: str = ""  # Whisper's code (fr); "" when Whisper lacks it

    @property
    def name(self) -> str:
        """The English name, e.g. "Chinese (Traditional)"."""
        return self.name_in("en")

    def name_in(self, interface: str | None) -> str:
        """The name in a user's language ("de", "zh-TW"...), else in English."""
        primary = _primary(interface)
        name = langcodes.Language.get(self.tag).display_name(primary)
        return name[:1].upper() + name[1:] if primary in ("en", "de") else name

    @property
    def native(self) -> str:
        """The language's name for itself, e.g. "Deutsch"."""
        return langcodes.Language.get(self.tag).autonym()


@dataclass(frozen=True)
class _Catalog:
    languages: tuple[Language, ...]
    by_tag: dict[str, Language]
    by_key: dict[str, Language]  # codes, tags, our names and aliases, normalized


def _tag_of(base: str) -> str:
    """The tag the library gives a language code, with NLLB's and Whisper's own codes mapped to it."""
    return _SAME_AS.get(base) or str(langcodes.Language.get(base))


@cache
def _catalog() -> _Catalog:
    entries: dict[str, dict[str, str]] = {}
    by_base: dict[str, list[str]] = {}
    for code in NLLB_CODES:
        by_base.setdefault(_tag_of(code[:3]), []).append(code)
    for base, codes in by_base.items():
        likely = langcodes.Language.get(base).maximize().script
        default = next((c for c in codes if c[4:] == likely), codes[0])
        for code in codes:
            tag = base if code == default else f"{langcodes.Language.get(base).language}-{code[4:]}"
            entries.setdefault(tag, {})["code"] = code
    for code in WHISPER_CODES:
        entries.setdefault(_tag_of(code), {})["whisper"] = code
    languages = tuple(Language(tag, **codes) for tag, codes in entries.items())
    by_tag = {language.tag.casefold(): language for language in languages}
    by_key: dict[str, Language] = {}
    for language in languages:  # what names one variant exactly first, then what all of a language's variants share
        for key in (language.tag, language.code, language.whisper, language.name):
            by_key.setdefault(normalize_name(key), language)
    for language in sorted(languages, key=lambda language: "-" in language.tag):  # "ace" means ace, not ace-Arab
        parsed = langcodes.Language.get(language.tag)
        for key in (language.code[:3], parsed.to_alpha3(), parsed.to_alpha3(variant="B"), language.native):
            by_key.setdefault(normalize_name(key), language)
    by_key.pop("", None)
    for alias, tag in _ALIASES.items():
        by_key.setdefault(normalize_name(alias), by_tag[tag.casefold()])
    return _Catalog(languages, by_tag, by_key)


def languages() -> tuple[Language, ...]:
    """Every language Pipegram knows: NLLB-200's and Whisper's."""
    return _catalog().languages


def _supported(tag: str) -> Language | None:
    """Our language for a tag the library returns: exact, then language and script, then the language alone."""
    by_tag = _catalog().by_tag
    if tag.casefold() in by_tag:
        return by_tag[tag.casefold()]
    try:
        parsed = langcodes.Language.get(tag)
    except ValueError:
        return None
    language = _SAME_AS.get(parsed.language or "", parsed.language or "")
    script = parsed.script or (parsed.maximize().script if parsed.territory else None)
    for candidate in (f"{language}-{script}" if script else "", language):
        if candidate and candidate.casefold() in by_tag:
            return by_tag[candidate.casefold()]
    return None


@cache
def _names(scope: str) -> object:
    """language-data's exact name → tag trie for names in one language ("und": every language)."""
    return load_trie(data_filename(f"trie/{scope}/name_to_language.marisa"))


def _named(key: str, scope: str) -> str | None:
    """The tag of a language with exactly this (normalized) name in `scope`'s names, if any."""
    try:
        trie = _names(scope)
    except OSError:  # no names in that language
        return None
    return get_trie_value(trie, key) if key in trie else None  # type: ignore[operator]


def find_language(words: str) -> Language | None:
    """The language that a name (in any language), ISO code, BCP-47 tag or NLLB code means; None if none of ours."""
    words = words.strip().rstrip(":").strip()
    if not words:
        return None
    key = normalize_name(words)
    found = _catalog().by_key.get(key)
    if found is not None:
        return found
    if _NLLB_CODE.match(words):  # a code of another seq2seq model's list passes through
        return Language(words, code=words)
    note = _SCRIPT_NOTE.match(words)  # "Acehnese (Arabic script)", "Kashmiri (Devanagari)"
    if note:
        language = find_language(note["name"])
        script = _script(note["script"])
        if language is not None and script:
            return _supported(f"{langcodes.Language.get(language.tag).language}-{script}") or language
    tag = _named(key, "und")
    if tag is None and langcodes.tag_is_valid(words.replace("_", "-")):
        tag = words.replace("_", "-")
    return _supported(tag) if tag else None


def _script(name: str) -> str | None:
    try:
        return langcodes.Language.find_name("script", name, "en").script
    except LookupError:
        return None


# ISO 639-1 codes that are everyday English words: at the start of `/translate it is raining` they are text.
# Written as `it:`, alone (reply form, /language) or by name, they still name the language.
_ENGLISH_WORDS = frozenset({"it", "is", "no", "so", "am", "be", "my", "he", "hi", "id", "as", "an", "or", "to", "me",
                            "we", "us", "on", "in", "of", "at", "ha", "ok", "oh"})


def starts_with_language(word: str, interface: str | None = None) -> Language | None:
    """The language a first word of free text names: stricter than find_language, so everyday words stay text.

    Only NLLB codes, two-letter codes that are not English words, and names in English, in the user's language or
    in the language itself count: "cat" (Catalan's ISO 639-2 code) and "chino" (Spanish for Chinese) start text.
    """
    words = word.strip()
    key = normalize_name(words)
    if _NLLB_CODE.match(words) or (key.isascii() and len(key) == 2 and key not in _ENGLISH_WORDS):
        return find_language(words)
    if key.isascii() and len(key) <= 3:  # ISO 639-2/3 codes: too many are English words (cat, may, dan)
        return None
    found = find_language(words)
    if found is None:
        return None
    scopes = {"en", _primary(interface)}
    own = langcodes.Language.get(found.tag).language or ""
    if any(_supported(tag) == found for tag in filter(None, (_named(key, s) for s in (*scopes, own)))):
        return found
    return found if _catalog().by_key.get(key) == found else None


def suggest(words: str, kind: str = "code", limit: int = 3, cutoff: float = 0.75) -> list[Language]:
    """Languages with a `kind` code ("code": translatable, "whisper": heard) whose names are close to these words,
    closest first: "germn" → German."""
    key = normalize_name(words.rstrip(":"))
    by_key = _catalog().by_key
    names = [name for name, language in by_key.items() if len(name) > 3 and getattr(language, kind)]
    found: list[Language] = []
    for name in difflib.get_close_matches(key, names, n=limit * 4, cutoff=cutoff) if len(key) > 2 else []:
        if by_key[name] not in found:
            found.append(by_key[name])
    return found[:limit]


def well_known(words: str, interface: str | None = None) -> bool:
    """Whether the words are, in English or the user's language, the exact name of a well-known language, served or
    not ("klingon", "latin").

    Well-known: CLDR translates its name. Thousands of obscure languages are named like English words ("The",
    "Even", "Day"); CLDR names none of those.
    """
    key = normalize_name(words.rstrip(":"))
    tag = next(filter(None, (_named(key, scope) for scope in ("en", _primary(interface)))), None)
    if tag is None:
        return False
    parsed = langcodes.Language.get(tag)
    return len({parsed.display_name(lang) for lang in ("en", "de", "zh")}) > 1


def looks_like_a_language(word: str, interface: str | None = None, kind: str = "code") -> bool:
    """Whether a first word that names none of our languages was still meant as one: a typo or an unserved one."""
    key = normalize_name(word.rstrip(":"))
    return len(key) > 3 and (well_known(key, interface) or bool(suggest(key, kind, 1, cutoff=0.82)))


def _primary(interface: str | None) -> str:
    """The primary language subtag of a Telegram language_code ("pt-br" → "pt"); English when none."""
    return (interface or "en").replace("_", "-").split("-")[0].casefold() or "en"


def by_code(code: str | None) -> Language | None:
    """Our language with this NLLB code (what jobs carry)."""
    if not code:
        return None
    return next((language for language in languages() if language.code == code), None) or find_language(code)


def from_locale(tag: str | None) -> Language | None:
    """The language of a Telegram language_code such as "de" or "pt-br"."""
    if not tag:
        return None
    return _supported(tag.replace("_", "-")) or _supported(tag.replace("_", "-").split("-")[0])


ENGLISH = Language("en", code="eng_Latn", whisper="en")


class UnknownLanguage(ValueError):
    """Words in the place of a language that name none of ours (`suggest` finds close matches)."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


@dataclass(frozen=True)
class Languages:
    """What a /translate names: the target, and the source when written as `source>target`."""

    target: Language
    source: Language | None = None


def parse_languages(spec: str) -> Languages:
    """Read `french`, `fr`, `fra_Latn` or `de>fr`; raise UnknownLanguage for anything else."""
    source_words, arrow, target_words = spec.strip().rpartition(">")
    target = _translatable(target_words)
    source = _translatable(source_words) if arrow and source_words.strip() else None
    if target is None:
        raise UnknownLanguage(target_words.strip() if arrow else spec.strip())
    if arrow and source_words.strip() and source is None:
        raise UnknownLanguage(source_words.strip())
    return Languages(target, source)


def _translatable(words: str) -> Language | None:
    found = find_language(words)
    return found if found is not None and found.code else None


def split_languages(args: str, interface: str | None = None) -> tuple[Languages | None, str]:
    """Split `/translate` arguments into a leading language (if any) and the text to translate.

    A first word that names no language is text, unless it ends with ':' or holds '>' (then it had to name one),
    or looks like an attempt at one ("germn", "klingon"): then UnknownLanguage asks which was meant.
    """
    text = args.strip()
    for size in (3, 2, 1):  # "modern standard arabic", "traditional chinese" first
        parts = text.split(maxsplit=size)
        if len(parts) < size:
            continue
        head, rest = " ".join(parts[:size]), (parts[size] if len(parts) > size else "")
        explicit = size == 1 and (head.endswith(":") or ">" in head)
        if explicit:
            return parse_languages(head), rest
        found = starts_with_language(head, interface)
        if found is not None and found.code:
            return Languages(found), rest
        if size == 1 and rest and looks_like_a_language(head, interface):
            raise UnknownLanguage(head)
    return None, text
