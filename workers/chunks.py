"""Cutting long text into pieces a model's window takes: at sentences, then words, then characters."""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"(?<=[.!?;。！？])\s+|\n+")
# Room for the special tokens a tokenizer adds around each piece.
SPECIAL_TOKENS = 8
# A character is at most this many tokens (byte-level fallbacks), so this many times fewer characters always fit.
MAX_TOKENS_PER_CHAR = 4


def split_to_fit(text: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """Pack whole sentences into pieces of at most `limit` tokens (by `count`); cut longer sentences by words."""
    budget = max(limit - SPECIAL_TOKENS, 1)
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for unit, size in _units(text, budget, count):
        if current and used + size > budget:
            pieces.append(" ".join(current))
            current, used = [], 0
        current.append(unit)
        used += size
    if current:
        pieces.append(" ".join(current))
    return pieces


def _units(text: str, budget: int, count: Callable[[str], int]) -> list[tuple[str, int]]:
    """Sentences with their token counts; a sentence over budget becomes its words, a word over budget its slices."""
    units = []
    for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(text))):
        size = count(sentence)
        if size <= budget:
            units.append((sentence, size))
            continue
        for word in sentence.split():
            size = count(word)
            if size <= budget:
                units.append((word, size))
            else:
                step = max(budget // MAX_TOKENS_PER_CHAR, 1)
                units.extend((word[i:i + step], count(word[i:i + step])) for i in range(0, len(word), step))
    return units
