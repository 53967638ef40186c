"""Similar: `A | B` (or A and B on two lines) → sentence embeddings → cosine similarity, read in plain words."""

from __future__ import annotations

from typing import Any

from shared.jobs import Job
from workers import embeddings
from workers.inputs import check_length
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext

TASK = "sentence-similarity"
TINY_MODEL = "sentence-embedder"
load = embeddings.load

MAX_CHARS = 10_000
MAX_SENTENCES = 10
USAGE = ("Send two sentences to compare, separated by | or on two lines, e.g.\n"
         "/similar A cat sat on the mat | A kitten was sitting on the rug")

Scores = list[tuple[str, float]]  # each other sentence with its similarity to the first

WARMUP = ["A cat sat on the mat.", "A kitten sat on the rug."]


def split_sentences(text: str) -> list[str]:
    """The sentences of `A | B | ...`, or one per line."""
    parts = text.split("|") if "|" in text else text.splitlines()
    return [part.strip() for part in parts if part.strip()]


def preprocess(job: Job, ctx: SkillContext) -> list[str]:
    """Two to ten sentences; BadInput otherwise."""
    sentences = split_sentences(check_length(job.text, MAX_CHARS, "Compare a few sentences, not whole documents."))
    if len(sentences) < 2:
        raise BadInput(f"I need two sentences to compare. {USAGE}")
    if len(sentences) > MAX_SENTENCES:
        raise BadInput(f"I compare at most {MAX_SENTENCES} sentences at once (the first with each of the others).")
    return sentences


def forward(model: Any, batch: list[list[str]], spec: ModelSpec) -> list[Scores]:
    """Embed every sentence of the batch at once; score the first of each request against its others."""
    vectors = embeddings.embed(model, [sentence for sentences in batch for sentence in sentences], spec)
    results, start = [], 0
    for sentences in batch:
        block = vectors[start:start + len(sentences)]
        start += len(sentences)
        results.append([(other, float(block[0] @ row)) for other, row in zip(sentences[1:], block[1:], strict=True)])
    return results


def postprocess(scores: Scores, job: Job, ctx: SkillContext) -> Reply:
    """One line per comparison: the score and what it means."""
    if len(scores) == 1:
        score = scores[0][1]
        return Reply(text=f"🔗 Similarity {score:.2f}: {embeddings.reading(score)}.\n"
                          "(Cosine similarity of sentence embeddings: 1 is the same meaning, 0 unrelated.)")
    lines = [f"{score:.2f} {embeddings.reading(score)}: {other}" for other, score in scores]
    return Reply(text="🔗 Similarity to the first sentence:\n" + "\n".join(lines))
