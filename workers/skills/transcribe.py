"""Transcribe: a voice note, audio file or video's sound → a Whisper-family model → the transcript (or subtitles).

A recording is decoded block by block and cut into windows of at most 30 s (what Whisper hears at once), each
ending at its quietest moment, so words are rarely cut; windows with no sound in them skip the model. Memory
stays a few windows' worth whatever the length, and a 3-hour recording is transcribed window by window, with
"[k/n]" in the status message.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from shared.jobs import Job
from shared.telegram import MAX_MESSAGE_UTF16, utf16_len
from workers import progress
from workers.audio import Audio, AudioError, Samples, open_job_audio, refusal
from workers.models import ModelSpec
from workers.skill import Attachment, BadInput, Reply, SkillContext
from workers.subtitles import Segment, paragraphs, to_srt, to_vtt

TASK = "automatic-speech-recognition"
TINY_MODEL = "whisper"

RATE = 16_000
WINDOW_S = 30  # Whisper hears 30 s at a time
MIN_WINDOW_S = 20  # a window ends at its quietest 0.1 s after this
FRAME_S = 0.1
# A window whose every 0.1 s is quieter than this (-50 dBFS, far below speech) holds nothing to hear.
SILENCE_RMS = 10 ** (-50 / 20)
# Windows of one recording per model call on a GPU (unless [transcribe] batch_size asks for more): a batch of 8
# costs little more than one window there. On a CPU each window takes its own call unless batch_size is set.
CUDA_WINDOWS_PER_CALL = 8

NOTHING_HEARD = "🤔 I couldn't make out any words in that recording."
SUBTITLES_READY = "📝 Subtitles for your recording:"
TRANSCRIPT_FILE = "📝 The transcript of your recording."
LONG_TRANSCRIPT_FILE = "The whole transcript, as a file."
UNKNOWN_LANGUAGE = ("My speech model can't transcribe the language you set ({language}). Choose another with "
                    "e.g. /speechlang german, or let me detect it with /speechlang auto.")


@dataclass(frozen=True)
class Recording:
    """One job's recording (decoded only as the model goes) and the language to hear it in."""

    audio: Audio | Samples
    language: str | None


# Half a second of soft noise: loud enough not to be skipped as silence, so the model itself warms up.
WARMUP = Recording(Samples(np.random.default_rng(0).normal(0, 0.05, RATE // 2).astype(np.float32), RATE), None)


@dataclass(frozen=True)
class Transcript:
    """What was heard: timed segments (start, end, text) and the recording's length."""

    segments: list[Segment]
    duration_s: float

    @property
    def text(self) -> str:
        """The words, in one line."""
        return " ".join(text.strip() for _, _, text in self.segments if text.strip())


@dataclass(frozen=True)
class Window:
    """Up to 30 s of a recording, from start_s; silent windows are not worth the model's time."""

    start_s: float
    end_s: float
    samples: np.ndarray
    silent: bool


def preprocess(job: Job, ctx: SkillContext) -> Recording:
    """Open the recording (checked from its header, not yet decoded); options say the language or detect it."""
    language = _language(job.options.get("speech_language"))
    return Recording(open_job_audio(job, ctx), language)


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
    """Transcribe each recording window by window, with segment timestamps."""
    return [_transcribe(pipe, recording, spec) for recording in batch]


def _transcribe(pipe: Any, recording: Recording, spec: ModelSpec) -> Transcript:
    rate = pipe.feature_extractor.sampling_rate
    generate = {**spec.generate, **({"language": recording.language} if recording.language else {})}
    steps = max(1, math.ceil(recording.audio.duration_s / WINDOW_S))
    segments: list[Segment] = []
    end_s = 0.0
    try:
        for group in _groups(windows(recording.audio.blocks(rate), rate), windows_per_call(pipe, spec)):
            heard = [window for window in group if not window.silent]
            if heard:
                outputs = pipe([window.samples for window in heard], batch_size=len(heard), return_timestamps=True,
                               generate_kwargs=generate)
                for window, output in zip(heard, outputs, strict=True):
                    segments.extend(_segments(window, output))
            end_s = group[-1].end_s
            if recording.audio.duration_s:
                progress.report(min(steps, int(steps * end_s / recording.audio.duration_s)), steps)
    except AudioError as exc:  # damaged past its header, or longer than it said
        raise refusal(exc, recording.audio.max_s) from None
    return Transcript(segments, end_s or recording.audio.duration_s)


def windows_per_call(pipe: Any, spec: ModelSpec) -> int:
    """How many 30-s windows go through the model together: batch_size, and at least 8 on CUDA."""
    on_cuda = getattr(getattr(pipe, "device", None), "type", "cpu") == "cuda"
    return max(1, spec.batch_size, CUDA_WINDOWS_PER_CALL if on_cuda else 1)


def windows(blocks: Iterable[np.ndarray], rate: int) -> Iterator[Window]:
    """The stream of blocks cut into windows of MIN_WINDOW_S to WINDOW_S, each ending at its quietest 0.1 s."""
    buffer, start = np.zeros(0, dtype=np.float32), 0
    for block in blocks:
        buffer = np.concatenate([buffer, block])
        while len(buffer) >= WINDOW_S * rate:
            cut = _quietest_cut(buffer, rate)
            yield _window(buffer[:cut], start, rate)
            buffer, start = buffer[cut:], start + cut
    if len(buffer):
        yield _window(buffer, start, rate)


def _quietest_cut(buffer: np.ndarray, rate: int) -> int:
    """Where to end a window: the middle of its quietest 0.1 s between MIN_WINDOW_S and WINDOW_S (the latest one
    on a tie, so a long silence goes with the speech before it)."""
    frame, first = int(FRAME_S * rate), int(MIN_WINDOW_S * rate)
    frames = _rms(buffer[first:WINDOW_S * rate], frame)
    quietest = len(frames) - 1 - int(np.argmin(frames[::-1]))
    return first + quietest * frame + frame // 2


def _rms(samples: np.ndarray, frame: int) -> np.ndarray:
    """The loudness (root mean square) of each whole frame of samples."""
    whole = samples[: len(samples) // frame * frame].reshape(-1, frame)
    return np.sqrt(np.mean(np.square(whole, dtype=np.float64), axis=1)) if len(whole) else np.zeros(1)


def _window(samples: np.ndarray, start: int, rate: int) -> Window:
    loudest = float(_rms(samples, min(len(samples), int(FRAME_S * rate))).max()) if len(samples) else 0.0
    return Window(start / rate, (start + len(samples)) / rate, samples, loudest < SILENCE_RMS)


def _groups(items: Iterable[Window], size: int) -> Iterator[list[Window]]:
    group: list[Window] = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


def _segments(window: Window, output: dict) -> list[Segment]:
    """The pipeline's timed chunks for one window, on the recording's clock and within the window."""
    found = []
    for chunk in output.get("chunks") or [{"timestamp": (0.0, None), "text": output.get("text", "")}]:
        start, end = chunk["timestamp"]
        text = chunk["text"].strip()
        if text:
            found.append((_within(window, start or 0.0), None if end is None else _within(window, end), text))
    return found


def _within(window: Window, seconds: float) -> float:
    return window.start_s + min(max(seconds, 0.0), window.end_s - window.start_s)


def postprocess(transcript: Transcript, job: Job, ctx: SkillContext) -> Reply:
    """The transcript as text in paragraphs (also as a .txt when long, or only so if the user chose), subtitles
    as .srt or .vtt; then, if asked, another skill on it (voice mode: the chat answers it)."""
    options = job.options
    for kind, render in (("srt", to_srt), ("vtt", to_vtt)):
        if options.get(kind):
            subtitles = render(transcript.segments, transcript.duration_s)
            if not subtitles:
                return Reply(NOTHING_HEARD)
            return Reply(files=(Attachment("document", subtitles.encode(), f"transcript.{kind}", SUBTITLES_READY),))
    if not transcript.text:
        return Reply(NOTHING_HEARD)
    if then := options.get("then"):  # e.g. /translate as a reply to a voice note
        return Reply(f"🗣 {transcript.text}", followups=(job.followup(then, transcript.text,
                                                                       **options.get("then_options", {})),))
    if options.get("voice_mode"):
        return Reply(f"🗣 {transcript.text}", followups=(job.followup("chat", transcript.text, speak=True,
                                                                       length=options.get("length", "normal")),))
    text = paragraphs(transcript.segments, transcript.duration_s, bool(options.get("timestamps")))
    if options.get("reply") == "file":
        return Reply(files=(Attachment("document", text.encode(), "transcript.txt", TRANSCRIPT_FILE),))
    if utf16_len(text) > MAX_MESSAGE_UTF16:
        return Reply(text, files=(Attachment("document", text.encode(), "transcript.txt", LONG_TRANSCRIPT_FILE),))
    return Reply(text)
