"""Say: text → a text-to-speech model (VITS / MMS-TTS by default) → an OGG/Opus voice note."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.jobs import Job
from workers.audio import encode_voice, shown_seconds
from workers.models import ModelSpec
from workers.skill import Attachment, BadInput, Reply, SkillContext

TASK = "text-to-speech"
TINY_MODEL = "vits"
CHAT_ACTION = "record_voice"

MAX_CHARS = 1000
WARMUP = "hello"

NOTHING_TO_SAY = "Tell me what to say, e.g. /say hello there, or reply /say to a message."
TOO_LONG = "That's {n} characters; I read out at most {limit} at a time. Send a shorter text."
UNSPEAKABLE = "This voice can't pronounce any of those characters. Try text in the voice's language and alphabet."


def preprocess(job: Job, ctx: SkillContext) -> str:
    """The text to read out, within the length limit."""
    text = " ".join(job.text.split())
    if not text:
        raise BadInput(NOTHING_TO_SAY)
    if len(text) > MAX_CHARS:
        raise BadInput(TOO_LONG.format(n=len(text), limit=MAX_CHARS))
    return text


def forward(pipe: Any, batch: list[str], spec: ModelSpec) -> list[tuple[np.ndarray, int]]:
    """Synthesize each text as (samples, sampling rate)."""
    if not all(_speakable(pipe, text) for text in batch):
        raise BadInput(UNSPEAKABLE)
    outputs = pipe(batch, batch_size=spec.batch_size, **({"generate_kwargs": spec.generate} if spec.generate else {}))
    return [(np.asarray(out["audio"], dtype=np.float32).reshape(-1), out["sampling_rate"]) for out in outputs]


def _speakable(pipe: Any, text: str) -> bool:
    """Whether the tokenizer keeps any of the text: VITS fails on input it drops entirely (e.g. another alphabet)."""
    tokenizer = getattr(pipe, "tokenizer", None)
    if tokenizer is None:  # models driven by a processor check their own input
        return True
    return any(token != tokenizer.pad_token_id for token in tokenizer(text)["input_ids"])


def postprocess(speech: tuple[np.ndarray, int], job: Job, ctx: SkillContext) -> Reply:
    """The speech as a voice note."""
    samples, rate = speech
    return Reply(files=(Attachment("voice", encode_voice(samples, rate), "speech.ogg",
                                   duration_s=shown_seconds(len(samples) / rate)),))
