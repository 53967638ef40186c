"""Classify sound: a recording and the user's labels → a zero-shot audio model (CLAP by default) → ranked labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from shared.jobs import Job
from workers.audio import fetch_audio, for_pipeline
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext

TASK = "zero-shot-audio-classification"
TINY_MODEL = "clap"

RATE = 48_000  # CLAP hears up to 24 kHz; decoding at Whisper's 16 kHz would throw the top half away
HEARD_S = 60  # CLAP listens to 10 s (a random crop of longer sound): the first minute is plenty to choose from
MAX_LABELS = 20

NEED_LABELS = ("Give me at least two labels separated by commas, as a reply to a voice note or audio file, "
               "e.g. /classify dog barking, vacuum cleaner, rain")
TOO_MANY = "That's {n} labels; I can rank at most {limit} at a time."


@dataclass(frozen=True)
class Question:
    """A recording and the labels to rank for it."""

    samples: np.ndarray
    labels: list[str]


WARMUP = Question(np.zeros(RATE, dtype=np.float32), ["speech", "music"])  # a second of silence


def parse_labels(text: str) -> list[str]:
    """Comma- (or line-) separated labels, trimmed, without blanks or repeats."""
    labels = [label.strip() for label in text.replace("\n", ",").split(",")]
    return list(dict.fromkeys(label for label in labels if label))


def preprocess(job: Job, ctx: SkillContext) -> Question:
    """Check the labels, then download and decode the recording (its first minute)."""
    labels = parse_labels(job.text)
    if len(labels) < 2:
        raise BadInput(NEED_LABELS)
    if len(labels) > MAX_LABELS:
        raise BadInput(TOO_MANY.format(n=len(labels), limit=MAX_LABELS))
    return Question(fetch_audio(job, ctx, RATE, keep_s=HEARD_S), labels)


def forward(pipe: Any, batch: list[Question], spec: ModelSpec) -> list[list[tuple[str, float]]]:
    """Score every label for each recording, best first."""
    # Each job brings its own labels, and the pipeline takes one label set per call.
    outputs = [pipe(for_pipeline(q.samples, RATE, pipe)[0], candidate_labels=q.labels) for q in batch]
    return [[(out["label"], out["score"]) for out in output] for output in outputs]


def postprocess(ranking: list[tuple[str, float]], job: Job, ctx: SkillContext) -> Reply:
    """The labels, ranked, with their scores."""
    lines = [f"{place}. {label} — {score:.2f}" for place, (label, score) in enumerate(ranking, 1)]
    return Reply("🔊 What this sounds like:\n" + "\n".join(lines))
