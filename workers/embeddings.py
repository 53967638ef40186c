"""Sentence embeddings for /similar and /find: one SentenceTransformer per model, shared by both skills."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from workers.models import ModelSpec

# Sentence batches are cheap; the models config's default batch size of 1 would make /find crawl.
MIN_BATCH = 32

# Cosine similarity of normalised sentence embeddings, read in plain words (tuned on all-MiniLM-L6-v2:
# paraphrases score about 0.6-0.9, sentences on one topic 0.3-0.6, unrelated ones near 0).
READINGS = ((0.85, "nearly the same meaning"), (0.6, "very similar"), (0.4, "related"),
            (0.2, "loosely related"), (-1.0, "unrelated"))


def load(source: str, device: str, dtype: Any, spec: ModelSpec) -> Any:
    """The `load` hook of embedding skills: skills that name the same model share one loaded copy."""
    return _load(source, device, dtype, spec.trust_remote_code, spec.revision)


@functools.cache
def _load(source: str, device: str, dtype: Any, trust_remote_code: bool, revision: str | None) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(source, device=device, trust_remote_code=trust_remote_code, revision=revision,
                               model_kwargs={"dtype": dtype})


def embed(model: Any, texts: list[str], spec: ModelSpec) -> np.ndarray:
    """Unit-length float32 vectors, one row per text; texts past the model's window are truncated by it."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = model.encode(texts, batch_size=max(spec.batch_size, MIN_BATCH), convert_to_numpy=True,
                           normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def reading(score: float) -> str:
    """A similarity score in plain words."""
    return next(words for floor, words in READINGS if score >= floor)
