"""Which language a text is in: py3langid (offline, 142 languages, numpy only) narrowed to the languages Pipegram
translates, then the script NLLB needs (Simplified or Traditional Chinese) read from the characters themselves.

Used by translate (the source), summarize and chat (to answer in the text's language) and say (the voice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from shared.languages import Language, find_language

log = logging.getLogger(__name__)

# Below this probability the reply says which language was assumed ("from French (detected)").
SURE = 0.9
# From this probability the chat and summary models are told to keep the language.
LIKELY = 0.5
# Below this the detector is guessing ("ok" comes out Serbian at 0.02): no language is reported.
FLOOR = 0.3
SAMPLE_CHARS = 2000  # enough to tell any language apart; detection stays fast on a long document


@dataclass(frozen=True)
class Detected:
    """The language a text is in, and how sure the detector is (0-1)."""

    language: Language
    confidence: float

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE

    @property
    def likely(self) -> bool:
        return self.confidence >= LIKELY


@cache
def _identifier() -> tuple[Any, dict[str, Language]]:
    """py3langid's model (loaded once per process, ~0.6 s) restricted to languages NLLB translates."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours: dict[str, Language] = {}
    for label in identifier.nb_classes:
        found = find_language(label)
        if found is not None and found.code:
            ours[label] = found
    identifier.set_languages(sorted(ours))
    log.info("language identification ready: %d languages", len(ours))
    return identifier, ours


def detect(text: str) -> Detected | None:
    """The language of a text, or None when it has no letters to go by or is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if not any(char.isalpha() for char in sample):
        return None
    identifier, ours = _identifier()
    label, confidence = identifier.rank(sample)[0]
    if confidence < FLOOR:
        return None
    language = ours[label]
    if language.tag in ("zh", "zh-Hant"):  # py3langid says "zh" for both scripts; NLLB needs the right one
        language = find_language("zh-Hant" if traditional(sample) else "zh") or language
    return Detected(language, float(confidence))


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def traditional(text: str) -> bool:
    """Whether Chinese text is in Traditional characters: more of them exist only in Big5 than only in GB2312.

    GB2312 is the Simplified character set and Big5 the Traditional one; characters both share (天, 好) say nothing.
    """
    han = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    simplified = sum(_encodes(char, "gb2312") and not _encodes(char, "big5") for char in han)
    return sum(_encodes(char, "big5") and not _encodes(char, "gb2312") for char in han) > simplified
