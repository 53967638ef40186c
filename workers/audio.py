"""Audio in and out: any recording (or a video's sound) to mono float32, and float32 to an OGG/Opus voice note.

soundfile reads OGG/Opus, WAV, FLAC and MP3 in-process; ffmpeg (a subprocess) covers the rest, e.g. the MP4 of
a round video note. Resampling uses scipy: torchaudio does not install beside the torch we pin.
"""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
from math import gcd
from typing import Any

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from shared.jobs import Job
from shared.telegram import MAX_DOWNLOAD_BYTES
from workers.sender import FileTooBig
from workers.skill import BadInput, SkillContext

log = logging.getLogger(__name__)

# The rates libsndfile's Opus encoder accepts.
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
FFMPEG_TIMEOUT_S = 120

NO_FILE = "Send me a voice note or an audio file (or reply to one) and I'll work with it."
TOO_BIG = ("That file is over 20 MB, the most a bot can download from Telegram. "
           "Send a shorter recording, or a compressed one (a voice note is small), and try again.")
TOO_LONG = ("That recording is longer than my limit of {limit}. "
            "Send a shorter one, or cut it into parts of up to {limit}.")
UNREADABLE = ("I couldn't read any sound from that file: it seems empty, damaged or not audio. "
              "Send a voice note, or an audio file such as OGG, MP3, WAV, FLAC or M4A.")


class AudioError(ValueError):
    """The bytes hold no readable sound."""


class AudioTooLong(AudioError):
    """The recording runs past the allowed length."""


def decode(data: bytes, rate: int, max_s: float) -> np.ndarray:
    """Mono float32 samples at rate; never decodes much more than max_s seconds."""
    if not data:
        raise AudioError("the file is empty")
    try:
        samples = _read_soundfile(data, rate, max_s)
    except sf.LibsndfileError:  # a container libsndfile does not know (MP4, M4A, WebM...), or damaged
        samples = _read_ffmpeg(data, rate, max_s)
    if samples.size == 0 or not np.isfinite(samples).all():
        raise AudioError("no samples decoded")
    return samples


def _read_soundfile(data: bytes, rate: int, max_s: float) -> np.ndarray:
    with sf.SoundFile(io.BytesIO(data)) as audio:
        if audio.frames > max_s * audio.samplerate:
            raise AudioTooLong(f"{audio.frames / audio.samplerate:.0f} s")
        samples = audio.read(dtype="float32", always_2d=True).mean(axis=1)
        return resample(samples, audio.samplerate, rate)


def _read_ffmpeg(data: bytes, rate: int, max_s: float) -> np.ndarray:
    # A file, not a pipe: MP4s often keep their index at the end, which ffmpeg must seek to.
    with tempfile.NamedTemporaryFile(prefix="pipegram-audio-") as source:
        source.write(data)
        source.flush()
        command = ["ffmpeg", "-nostdin", "-v", "error", "-i", source.name, "-t", str(max_s + 1), "-vn",
                   "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
        except FileNotFoundError:
            log.error("ffmpeg is not installed: only formats soundfile reads (OGG, WAV, FLAC, MP3) work")
            raise AudioError("ffmpeg is missing") from None
    if done.returncode != 0:
        raise AudioError(done.stderr.decode(errors="replace")[-300:])
    samples = np.frombuffer(done.stdout, dtype="<f4").astype(np.float32)
    if samples.size > max_s * rate:
        raise AudioTooLong(f"over {max_s:.0f} s")
    return samples


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """The same sound at another sampling rate (polyphase filter, no torchaudio)."""
    if from_rate == to_rate:
        return samples.astype(np.float32, copy=False)
    common = gcd(from_rate, to_rate)
    return resample_poly(samples, to_rate // common, from_rate // common).astype(np.float32)


def encode_voice(samples: np.ndarray, rate: int) -> bytes:
    """OGG/Opus bytes, the format Telegram plays as a voice note."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    if rate not in OPUS_RATES:
        samples, rate = resample(samples, rate, 48000), 48000
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), rate, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def fetch_audio(job: Job, ctx: SkillContext, rate: int) -> np.ndarray:
    """The job's file, downloaded by file_id and decoded; BadInput says why it cannot be used."""
    limit_s = ctx.settings.pipegram_max_audio_s
    if not job.file_id:
        raise BadInput(NO_FILE)
    if int(job.options.get("file_size") or 0) > MAX_DOWNLOAD_BYTES:
        raise BadInput(TOO_BIG)
    if float(job.options.get("duration") or 0) > limit_s:
        raise BadInput(TOO_LONG.format(limit=_minutes(limit_s)))
    try:
        return decode(ctx.download(job.file_id), rate, limit_s)
    except FileTooBig:
        raise BadInput(TOO_BIG) from None
    except AudioTooLong:
        raise BadInput(TOO_LONG.format(limit=_minutes(limit_s))) from None
    except AudioError as exc:
        log.info("job %s: unreadable audio (%s)", job.job_id, exc)
        raise BadInput(UNREADABLE) from None


def for_pipeline(samples: np.ndarray, rate: int, pipe: Any) -> tuple[np.ndarray, int]:
    """Samples at the rate the pipeline's feature extractor expects (it would need torchaudio to resample), and it."""
    wanted = pipe.feature_extractor.sampling_rate
    return resample(samples, rate, wanted), wanted


def _minutes(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    return f"{seconds / 60:g} minutes"
