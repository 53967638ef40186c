"""Text-to-speech voices, one model per language (MMS-TTS has one per language), loaded on demand and kept warm
within a memory budget, least recently used first out.

Where the voices come from (`[say] model` in the models TOML):
- a Hub id with `{lang}`, e.g. the default "facebook/mms-tts-{lang}": one voice per language MMS-TTS speaks;
- a folder with one voice folder per language, named by ISO 639-3 code (`deu/`, `fra/`): tiny models are built so;
- any other model id or folder: one voice for every language (a multilingual model).
`[say.voices]` adds or replaces languages: `de = "/models/my-german-voice"`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from shared.languages import Language, find_language
from shared.settings import ConfigError

log = logging.getLogger(__name__)

EVERY_LANGUAGE = "*"

# The MMS-TTS voice of each language Pipegram names (our tag → the code in facebook/mms-tts-<code>), from MMS's
# list of 1107 TTS languages. MMS has no voice for Chinese, Japanese, Italian, Czech and others.
MMS_VOICES = {
    "ace": "ace", "ak": "aka", "sq": "sqi", "am": "amh", "ar": "ara", "as": "asm", "awa": "awa", "ay": "ayr",
    "az": "azj-script_latin", "azb": "azb", "bm": "bam", "ban": "ban", "ba": "bak", "eu": "eus", "bem": "bem",
    "bn": "ben", "bg": "bul", "my": "mya", "ca": "cat", "ceb": "ceb", "hne": "hne", "ny": "nya", "din": "dik",
    "nl": "nld", "dz": "dzo", "en": "eng", "fo": "fao", "fj": "fij", "fi": "fin", "fon": "fon", "fr": "fra",
    "ff": "ful", "lg": "lug", "de": "deu", "ki": "kik", "el": "ell", "gn": "grn", "gu": "guj", "ht": "hat",
    "ha": "hau", "he": "heb", "hi": "hin", "hu": "hun", "is": "isl", "ilo": "ilo", "id": "ind", "jv": "jav",
    "kac": "kac", "kbp": "kbp", "kn": "kan", "kab": "kab", "kk": "kaz", "km": "khm", "rw": "kin", "ky": "kir",
    "ko": "kor", "ku": "kmr-script_latin", "lo": "lao", "la": "lat", "lv": "lav", "mag": "mag", "mai": "mai",
    "mg": "mlg", "ms": "zlm", "ml": "mal", "mr": "mar", "min": "min", "mn": "mon", "mos": "mos", "or": "ory",
    "om": "orm", "pag": "pag", "pap": "pap", "fa": "fas", "pl": "pol", "pt": "por", "pa": "pan", "qu": "quy",
    "ro": "ron", "rn": "run", "ru": "rus", "sm": "smo", "sg": "sag", "sn": "sna", "so": "som", "es": "spa",
    "su": "sun", "sw": "swh", "sv": "swe", "fil": "tgl", "tg": "tgk", "taq": "taq", "ta": "tam", "tt": "tat",
    "te": "tel", "th": "tha", "bo": "bod", "ti": "tir", "tpi": "tpi", "ts": "tso", "tr": "tur",
    "tk": "tuk-script_latin", "uk": "ukr", "ur": "urd-script_arabic", "ug": "uig-script_arabic", "vi": "vie",
    "war": "war", "cy": "cym", "yo": "yor", "shn": "shn", "ee": "ewe",
}


class NoVoice(LookupError):
    """No voice speaks this language; `speaks` lists the languages that have one."""

    def __init__(self, language: Language, speaks: list[Language]) -> None:
        super().__init__(language.tag)
        self.language = language
        self.speaks = speaks


def voice_sources(model: str, overrides: dict[str, str]) -> dict[str, str]:
    """Each language's voice (a Hub id or folder), keyed by our language tag; EVERY_LANGUAGE for a multilingual one."""
    if "{lang}" in model:
        sources = {tag: model.format(lang=code) for tag, code in MMS_VOICES.items()}
    elif _voice_folders(model):
        sources = {_language(folder.name).tag: str(folder) for folder in _voice_folders(model)}
    else:
        sources = {EVERY_LANGUAGE: model}
    for name, source in overrides.items():
        sources[_language(name).tag] = source
    return sources


def _voice_folders(model: str) -> list[Path]:
    folder = Path(model).expanduser()
    if not folder.is_dir() or (folder / "config.json").exists():
        return []
    return sorted(sub for sub in folder.iterdir() if (sub / "config.json").exists())


def _language(name: str) -> Language:
    found = find_language(name)
    if found is None:
        raise ConfigError(f"[say] voices: no language is called {name!r}; use a name or code such as 'de' or 'deu'")
    return found


def model_bytes(pipe: Any) -> int:
    """What a loaded voice's weights take in memory."""
    model = getattr(pipe, "model", None)
    return sum(p.numel() * p.element_size() for p in model.parameters()) if model is not None else 0


@dataclass
class Voices:
    """The voices of every configured language, loaded on first use; the least recently used are dropped when
    the warm ones would take more than `budget_bytes` (the voice in use always stays)."""

    sources: dict[str, str]
    load: Callable[[str], Any]  # a voice's source → its text-to-speech pipeline
    budget_bytes: int
    warm: OrderedDict[str, tuple[Any, int]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def speaks(self) -> list[Language]:
        """The languages with a voice, by English name."""
        tags = [tag for tag in self.sources if tag != EVERY_LANGUAGE]
        return sorted(filter(None, (find_language(tag) for tag in tags)), key=lambda language: language.name)

    def get(self, language: Language) -> Any:
        """The language's voice, loading it (and dropping others beyond the budget) if it is not warm."""
        tag = language.tag if language.tag in self.sources else EVERY_LANGUAGE
        if tag not in self.sources:
            raise NoVoice(language, self.speaks())
        with self._lock:
            if tag in self.warm:
                self.warm.move_to_end(tag)
                return self.warm[tag][0]
            pipe = self.load(self.sources[tag])
            self.warm[tag] = (pipe, model_bytes(pipe))
            while len(self.warm) > 1 and sum(size for _, size in self.warm.values()) > self.budget_bytes:
                dropped, _ = self.warm.popitem(last=False)
                log.info("voice %s dropped to stay within the voice memory budget", dropped)
            log.info("voice %s loaded from %s (%d warm: %s)", tag, self.sources[tag], len(self.warm),
                     ", ".join(self.warm))
            return pipe


@cache
def romanizer() -> Any:
    """uroman, built once per process (it reads its tables for ~8 s; transformers would build one per call)."""
    import uroman

    return uroman.Uroman()


def romanized(pipe: Any, text: str) -> str:
    """The text in Latin letters for voices trained on romanized text (MMS-TTS marks them `is_uroman`)."""
    tokenizer = getattr(pipe, "tokenizer", None)
    if tokenizer is None or not getattr(tokenizer, "is_uroman", False) or text.isascii():
        return text
    return str(romanizer().romanize_string(text))
