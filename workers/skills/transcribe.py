"""Transcribe: a voice note, audio file or video's sound → a Whisper-family model → the transcript (or subtitles)."""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np

from shared.jobs import Job
from shared.telegram import MAX_MESSAGE_UTF16, utf16_len
from workers import progress
from workers.audio import fetch_audio, for_pipeline
from workers.models import ModelSpec
from workers.skill import Attachment, BadInput, Reply, SkillContext

TASK = "automatic-speech-recognition"
TINY_MODEL = "whisper"

RATE = 16_000
CHUNK_S = 30  # Whisper hears 30 s at a time; the pipeline cuts longer audio into overlapping chunks

NOTHING_HEARD = "🤔 I couldn't make out any words in that recording."
SUBTITLES_READY = "📝 Subtitles for your recording:"
UNKNOWN_LANGUAGE = ("My speech model can't transcribe the language you set ({language}). Choose another with "
                    "e.g. /speechlang german, or let me detect it with /speechlang auto.")


@dataclass(frozen=True)
class Recording:
    """One job's decoded audio and how to transcribe it."""

    samples: np.ndarray
    language: str | None
    subtitles: bool


WARMUP = Recording(np.zeros(RATE, dtype=np.float32), None, False)  # a second of silence


@dataclass(frozen=True)
class Transcript:
    """What was heard: the whole text, timed segments (start, end, text) and the recording's length."""

    text: str
    segments: list[tuple[float, float | None, str]]
    duration_s: float


def preprocess(job: Job, ctx: SkillContext) -> Recording:
    """Download and decode the recording; options say the language (or detect it) and whether to make subtitles."""
    language = _language(job.options.get("speech_language"))
    return Recording(fetch_audio(job, ctx, RATE), language, bool(job.options.get("srt")))


def _language(setting: Any) -> str | None:
    """The user's spoken language as a Whisper language code; None to detect it."""
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    code = str(setting or "auto")
    if code == "auto":
        return None
    if code not in LANGUAGES:
        raise BadInput(UNKNOWN_LANGUAGE.format(language=code))
    return code


def forward(pipe: Any, batch: list[Recording], spec: ModelSpec) -> list[Transcript]:
    """Transcribe each recording, with segment timestamps (which also lift Whisper's 30 s limit)."""
    transcripts = []
    for recording in batch:  # jobs may ask for different languages, which generate takes per call
        generate = {**spec.generate, **({"language": recording.language} if recording.language else {})}
        samples, rate = for_pipeline(recording.samples, RATE, pipe)
        chunks = chunk_count(len(samples) / rate)  # one generate call per batch of chunks: "[2/5]" in the status
        with progress.counting_calls(pipe.model, "generate", chunks, spec.batch_size) if chunks > 1 else nullcontext():
            out = pipe({"raw": samples, "sampling_rate": rate}, chunk_length_s=CHUNK_S, ignore_warning=True,
                       batch_size=spec.batch_size, return_timestamps=True, generate_kwargs=generate)
        segments = [(chunk["timestamp"][0], chunk["timestamp"][1], chunk["text"]) for chunk in out.get("chunks", [])]
        transcripts.append(Transcript(out["text"].strip(), segments, len(recording.samples) / RATE))
    return transcripts


def chunk_count(seconds: float) -> int:
    """How many windows the pipeline cuts a recording into: CHUNK_S long, overlapping by a sixth on each side."""
    step = CHUNK_S * 2 / 3
    return 1 + max(0, math.ceil((seconds - CHUNK_S) / step))


def postprocess(transcript: Transcript, job: Job, ctx: SkillContext) -> Reply:
    """The transcript as text (and a .txt when long), subtitles as .srt; then, if asked, another skill on it
    (voice mode: the chat answers it)."""
    if job.options.get("srt"):
        srt = to_srt(transcript.segments, transcript.duration_s)
        if not srt:
            return Reply(NOTHING_HEARD)
        return Reply(files=(Attachment("document", srt.encode(), "transcript.srt", SUBTITLES_READY),))
    text = transcript.text
    if not text:
        return Reply(NOTHING_HEARD)
    if then := job.options.get("then"):  # e.g. /translate as a reply to a voice note
        return Reply(f"🗣 {text}", followups=(job.followup(then, text, **job.options.get("then_options", {})),))
    if job.options.get("voice_mode"):
        return Reply(f"🗣 {text}", followups=(job.followup("chat", text, speak=True,
                                                           length=job.options.get("length", "normal")),))
    files: tuple[Attachment, ...] = ()
    if utf16_len(text) > MAX_MESSAGE_UTF16:
        files = (Attachment("document", text.encode(), "transcript.txt", "The whole transcript, as a file."),)
    return Reply(text, files=files)


def to_srt(segments: list[tuple[float, float | None, str]], duration_s: float) -> str:
    """SubRip subtitles: numbered cues with start --> end times, kept within the recording."""
    cues: list[str] = []
    for start, end, text in segments:
        start = min(max(start or 0.0, 0.0), duration_s)
        end = min(end if end is not None else duration_s, duration_s)
        if text.strip():
            cues.append(f"{len(cues) + 1}\n{_clock(start)} --> {_clock(max(end, start))}\n{text.strip()}\n")
    return "\n".join(cues)


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"
