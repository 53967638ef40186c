"""Say: text → the voice of the text's language (MMS-TTS has one model per language) → an OGG/Opus voice note.

The language is detected (workers.language_id); voices load on first use and stay warm within a memory budget
(workers.voices). A language without a voice is answered with the languages there are voices for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from shared.jobs import Job
from shared.languages import ENGLISH, Language
from workers import texts
from workers.audio import encode_voice, shown_seconds
from workers.language_id import detect
from workers.models import ModelSpec
from workers.skill import Attachment, BadInput, Reply, SkillContext
from workers.voices import NoVoice, Voices, romanized, voice_sources

TASK = "text-to-speech"
TINY_MODEL = "voices"
CHAT_ACTION = "record_voice"

MAX_CHARS = 1000

NOTHING_TO_SAY = "Tell me what to say, e.g. /say hello there, or reply /say to a message."
TOO_LONG = "That's {n} characters; I read out at most {limit} at a time. Send a shorter text."
UNSPEAKABLE = "This voice can't pronounce any of those characters. Try text in the voice's language and alphabet."


@dataclass(frozen=True)
class Speech:
    """A text to read out, in the voice of `language`."""

    text: str
    language: Language = ENGLISH


@dataclass(frozen=True)
class Spoken:
    """Synthesized speech, or the language that has no voice (and those that do)."""

    samples: np.ndarray | None = None
    rate: int = 0
    missing: NoVoice | None = None


WARMUP = Speech("hello")


def load(source: str, device: str, dtype: Any, spec: ModelSpec) -> Voices:
    """Every configured voice, none loaded yet: each language's is loaded when first asked for."""
    from transformers import pipeline

    def load_voice(model: str) -> Any:
        return pipeline(TASK, model=model, device=device, dtype=dtype,  # type: ignore[call-overload]
                        trust_remote_code=spec.trust_remote_code)

    return Voices(voice_sources(source, spec.voices), load_voice, int(spec.voice_memory_mb * 2**20))


def preprocess(job: Job, ctx: SkillContext) -> Speech:
    """The text to read out, within the length limit, and its language (English when the detector is unsure:
    "hello there" alone looks as much Sotho as English)."""
    text = " ".join(job.text.split())
    if not text:
        raise BadInput(NOTHING_TO_SAY)
    if len(text) > MAX_CHARS:
        raise BadInput(TOO_LONG.format(n=len(text), limit=MAX_CHARS))
    detected = detect(text)
    return Speech(text, detected.language if detected is not None and detected.likely else ENGLISH)


def forward(voices: Voices, batch: list[Speech], spec: ModelSpec) -> list[Spoken]:
    """Synthesize each text in its language's voice; one model call per language."""
    spoken: list[Spoken] = [Spoken()] * len(batch)
    for language in dict.fromkeys(item.language for item in batch):
        indices = [i for i, item in enumerate(batch) if item.language == language]
        try:
            pipe = voices.get(language)
        except NoVoice as missing:
            for index in indices:
                spoken[index] = Spoken(missing=missing)
            continue
        lines = [romanized(pipe, batch[i].text) for i in indices]
        if not all(_speakable(pipe, line) for line in lines):
            raise BadInput(UNSPEAKABLE)
        options = {"generate_kwargs": spec.generate} if spec.generate else {}
        outputs = pipe(lines, batch_size=spec.batch_size, **options)
        for index, out in zip(indices, outputs, strict=True):
            spoken[index] = Spoken(np.asarray(out["audio"], dtype=np.float32).reshape(-1), out["sampling_rate"])
    return spoken


def _speakable(pipe: Any, text: str) -> bool:
    """Whether the tokenizer keeps any of the text: VITS fails on input it drops entirely (e.g. another alphabet)."""
    tokenizer = getattr(pipe, "tokenizer", None)
    if tokenizer is None:  # models driven by a processor check their own input
        return True
    return any(token != tokenizer.pad_token_id for token in tokenizer(text)["input_ids"])


def postprocess(speech: Spoken, job: Job, ctx: SkillContext) -> Reply:
    """The speech as a voice note; for a language without a voice, which languages have one."""
    if speech.missing is not None:
        names = ", ".join(language.name_in(job.language) for language in speech.missing.speaks)
        raise BadInput(texts.for_language(job.language).NO_VOICE.format(
            language=speech.missing.language.name_in(job.language), languages=names))
    assert speech.samples is not None
    return Reply(files=(Attachment("voice", encode_voice(speech.samples, speech.rate), "speech.ogg",
                                   duration_s=shown_seconds(len(speech.samples) / speech.rate)),))
