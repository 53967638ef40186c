"""Audio in and out: any recording (or a video's sound) to mono float32, and float32 to an OGG/Opus voice note.

A recording is checked from its header before anything is decoded (length, and channels × rate: a FLAC of
silence at 655 kHz on 8 channels is 3 MB on disk and 12 GB as float32), then decoded, downmixed and resampled
block by block, so memory stays a few megabytes whatever its length. soundfile reads OGG/Opus, WAV, FLAC and MP3
in-process; ffmpeg (a subprocess, limited to real media demuxers: no playlists) covers the rest, e.g. the MP4 of
a round video note. Resampling is workers.resampling's, block by block.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import soundfile as sf

from shared.jobs import Job
from workers.resampling import Resampler, resample
from workers.skill import BadInput, FileTooBig, SkillContext

log = logging.getLogger(__name__)

# The rates libsndfile's Opus encoder accepts.
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
FFPROBE_TIMEOUT_S = 30
# Channels × sampling rate: what one second of a recording costs to decode. 8 channels at 48 kHz, or stereo at
# 192 kHz; more is no recording a person sends, but a decompression bomb.
MAX_SAMPLES_PER_S = 384_000
BLOCK_SAMPLES = 1 << 18  # decoded at once, all channels together: 1 MB of float32
# The demuxers ffmpeg may use: media containers only. Playlists (hls, concat...) would read other files.
FFMPEG_FORMATS = "mov,matroska,ogg,wav,w64,flac,mp3,aac,amr,aiff,caf,asf,wv,ape,au,avi,mpegts,mpeg,flv"
FFMPEG_INPUT = ["-format_whitelist", FFMPEG_FORMATS, "-protocol_whitelist", "file,pipe"]
PLAYLIST_MARKERS = (b"#EXTM3U", b"#EXTINF", b"ffconcat version", b"file '", b"file /")

NO_FILE = "Send me a voice note or an audio file (or reply to one) and I'll work with it."
TOO_BIG = ("That file is over 20 MB, the most a bot can download from Telegram's servers. Send a shorter "
           "recording, or a compressed one (a voice note is small). The bot's owner can raise the limit to 2,000 MB "
           "by running Telegram's own Bot API server (TELEGRAM_LOCAL_MODE, see Pipegram's README).")
TOO_BIG_LOCAL = "That file is over {limit}, the most I can take. Send a shorter or a compressed recording."
TOO_LONG = ("That recording is longer than my limit of {limit}. "
            "Send a shorter one, or cut it into parts of up to {limit}.")
UNREADABLE = ("I couldn't read any sound from that file: it seems empty, damaged or not audio. "
              "Send a voice note, or an audio file such as OGG, MP3, WAV, FLAC or M4A.")
TOO_DENSE = ("That recording has {channels} channel(s) at {rate:,} Hz, far more data a second than speech needs; "
             "I decode at most 8 channels at 48 kHz (or 2 at 192 kHz). Save it as mono or stereo at 48 kHz "
             "(any audio editor, or: ffmpeg -i in.flac -ac 1 -ar 48000 out.ogg) and send it again.")
PLAYLIST = ("That file is a playlist (a list of other files), not a recording, so there is no sound in it for me. "
            "Send the recording itself: a voice note, or an audio file such as OGG, MP3 or M4A.")


class AudioError(ValueError):
    """The bytes hold no readable sound."""


class AudioTooLong(AudioError):
    """The recording runs past the allowed length."""


class AudioTooDense(AudioError):
    """The recording has more channels × rate than a recording of speech could need."""

    def __init__(self, channels: int, rate: int) -> None:
        super().__init__(f"{channels} channels at {rate} Hz")
        self.channels, self.rate = channels, rate


class Playlist(AudioError):
    """A list of other files (HLS, ffconcat), which is never decoded."""


@dataclass
class Audio:
    """A recording checked from its header, decoded block by block on demand (never whole into memory)."""

    source: IO[bytes]  # kept open (and a temporary file kept alive) as long as the recording is
    duration_s: float  # from the header; 0 when the container does not say
    max_s: float
    channels: int
    rate: int
    reader: str  # "soundfile" or "ffmpeg"

    def blocks(self, rate: int) -> Iterator[np.ndarray]:
        """Mono float32 blocks at rate, in order; AudioTooLong as soon as the sound runs past max_s."""
        decoded, limit = 0, self.max_s * rate + rate  # a second of slack: headers round
        blocks = self._soundfile_blocks(rate) if self.reader == "soundfile" else self._ffmpeg_blocks(rate)
        for block in blocks:
            decoded += len(block)
            if decoded > limit:
                raise AudioTooLong(f"over {self.max_s:.0f} s")
            if not np.isfinite(block).all():
                raise AudioError("samples that are not numbers")
            yield block

    def _soundfile_blocks(self, rate: int) -> Iterator[np.ndarray]:
        self.source.seek(0)
        resampler = Resampler(self.rate, rate)
        frames = max(1, BLOCK_SAMPLES // self.channels)
        try:
            with sf.SoundFile(self.source) as audio:
                while len(block := audio.read(frames, dtype="float32", always_2d=True)):
                    yield resampler.feed(block.mean(axis=1))
        except sf.LibsndfileError as exc:  # damaged in the middle
            raise AudioError(str(exc)) from None
        yield resampler.flush()

    def _ffmpeg_blocks(self, rate: int) -> Iterator[np.ndarray]:
        command = ["ffmpeg", "-nostdin", "-v", "error", *FFMPEG_INPUT, "-i", _path_of(self.source),
                   "-t", str(self.max_s + 1), "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "pipe:1"]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
            assert process.stdout is not None
            try:
                while chunk := process.stdout.read(BLOCK_SAMPLES * 4):
                    yield np.frombuffer(chunk[: len(chunk) // 4 * 4], dtype="<f4").astype(np.float32)
                if process.wait() != 0:
                    errors.seek(0)
                    raise AudioError(errors.read()[-300:].decode(errors="replace"))
            finally:
                if process.poll() is None:  # the reader stopped early: too long, or the job ended
                    process.kill()
                    process.wait()


@dataclass
class Samples:
    """Sound already in memory (a warm-up sample, a test), with the same interface as Audio."""

    samples: np.ndarray
    rate: int
    duration_s: float = field(init=False)
    max_s: float = field(init=False, default=float("inf"))

    def __post_init__(self) -> None:
        self.duration_s = len(self.samples) / self.rate

    def blocks(self, rate: int) -> Iterator[np.ndarray]:
        """The samples at rate, in blocks of about a minute."""
        resampler, step = Resampler(self.rate, rate), 60 * self.rate
        for start in range(0, len(self.samples), step):
            yield resampler.feed(self.samples[start:start + step])
        yield resampler.flush()


def open_audio(source: IO[bytes], max_s: float) -> Audio:
    """The recording in source, checked from its header: AudioError (or a subclass) says why it cannot be used."""
    source.seek(0)
    head = source.read(4096)
    if not head:
        raise AudioError("the file is empty")
    if head.lstrip().startswith(PLAYLIST_MARKERS):
        raise Playlist("a playlist")
    source.seek(0)
    try:
        with sf.SoundFile(source) as audio:
            channels, rate, frames = audio.channels, audio.samplerate, audio.frames
        return _checked(Audio(source, frames / rate if rate else 0.0, max_s, channels, rate, "soundfile"))
    except sf.LibsndfileError:  # a container libsndfile does not know (MP4, M4A, WebM...), or damaged
        pass
    except RuntimeError as exc:  # libsndfile refuses some impossible headers this way
        raise AudioError(str(exc)) from None
    source = _on_disk(source)
    channels, rate, duration = _probe(_path_of(source))
    return _checked(Audio(source, duration, max_s, channels, rate, "ffmpeg"))


def _checked(audio: Audio) -> Audio:
    if audio.channels < 1 or audio.rate < 1:
        raise AudioError(f"{audio.channels} channels at {audio.rate} Hz")
    if audio.channels * audio.rate > MAX_SAMPLES_PER_S:
        raise AudioTooDense(audio.channels, audio.rate)
    if audio.duration_s > audio.max_s:
        raise AudioTooLong(f"{audio.duration_s:.0f} s")
    return audio


def _probe(path: str) -> tuple[int, int, float]:
    """Channels, rate and duration of the first audio stream, as ffprobe reads them with the same whitelist."""
    command = ["ffprobe", "-v", "error", *FFMPEG_INPUT, "-select_streams", "a:0", "-show_entries",
               "stream=channels,sample_rate,duration:format=duration,format_name", "-of", "json", path]
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFPROBE_TIMEOUT_S, check=False)
    except FileNotFoundError:
        log.error("ffmpeg is not installed: only formats soundfile reads (OGG, WAV, FLAC, MP3) work")
        raise AudioError("ffmpeg is missing") from None
    except subprocess.TimeoutExpired:
        raise AudioError("ffprobe took too long") from None
    error = done.stderr.decode(errors="replace")
    if "not on whitelist" in error:
        raise Playlist(error[-300:])
    try:
        found = json.loads(done.stdout or b"{}")
        [stream] = found.get("streams") or [{}]
        channels, rate = int(stream["channels"]), int(stream["sample_rate"])
    except (ValueError, KeyError, TypeError):
        raise AudioError(error[-300:] or "no audio stream") from None
    return channels, rate, _seconds(stream.get("duration")) or _seconds(found.get("format", {}).get("duration"))


def _seconds(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 0.0


def _on_disk(source: IO[bytes]) -> IO[bytes]:
    """source itself if it is a file with a name ffmpeg can open, else a temporary copy (deleted with it)."""
    if isinstance(getattr(source, "name", None), str):
        return source
    copy = tempfile.NamedTemporaryFile(prefix="pipegram-audio-")  # noqa: SIM115 -- lives as long as the Audio
    source.seek(0)
    while chunk := source.read(BLOCK_SAMPLES):
        copy.write(chunk)
    copy.flush()
    return copy


def _path_of(source: IO[bytes]) -> str:
    return str(source.name)


def for_pipeline(samples: np.ndarray, rate: int, pipe: Any) -> tuple[np.ndarray, int]:
    """Samples at the rate the pipeline's feature extractor expects (it would need torchaudio to resample), and it."""
    wanted = pipe.feature_extractor.sampling_rate
    return resample(samples, rate, wanted), wanted


def read_all(audio: Audio | Samples, rate: int, keep_s: float | None = None) -> np.ndarray:
    """The recording (or its first keep_s seconds) as one mono float32 array at rate."""
    kept: list[np.ndarray] = []
    wanted = None if keep_s is None else int(keep_s * rate)
    for block in audio.blocks(rate):
        kept.append(block)
        if wanted is not None and sum(map(len, kept)) >= wanted:
            break
    samples = np.concatenate(kept)[:wanted] if kept else np.zeros(0, dtype=np.float32)
    if samples.size == 0:
        raise AudioError("no samples decoded")
    return samples


def decode(data: bytes, rate: int, max_s: float) -> np.ndarray:
    """Mono float32 samples at rate; never decodes much more than max_s seconds."""
    return read_all(open_audio(io.BytesIO(data), max_s), rate)


def encode_voice(samples: np.ndarray, rate: int) -> bytes:
    """OGG/Opus bytes, the format Telegram plays as a voice note."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    if rate not in OPUS_RATES:
        samples, rate = resample(samples, rate, 48000), 48000
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), rate, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def shown_seconds(seconds: float) -> int:
    """A recording's length in whole seconds, as Telegram's apps show it (5.2 s is 0:05, anything at least 0:01)."""
    return max(1, int(seconds + 0.5)) if seconds > 0 else 0


def open_job_audio(job: Job, ctx: SkillContext) -> Audio:
    """The job's recording, opened from the Bot API server's copy or downloaded; BadInput says why it cannot be used."""
    limit_s, limit_bytes = ctx.settings.pipegram_max_audio_s, ctx.settings.download_limit_bytes
    if not job.file_id:
        raise BadInput(NO_FILE)
    if int(job.options.get("file_size") or 0) > limit_bytes:
        raise BadInput(too_big(ctx))
    if float(job.options.get("duration") or 0) > limit_s:
        raise BadInput(TOO_LONG.format(limit=_minutes(limit_s)))
    try:
        return open_audio(ctx.open_file(job.file_id), limit_s)
    except FileTooBig:
        raise BadInput(too_big(ctx)) from None
    except AudioError as exc:
        raise refusal(exc, limit_s) from None


def fetch_audio(job: Job, ctx: SkillContext, rate: int, keep_s: float | None = None) -> np.ndarray:
    """The job's recording (or its first keep_s seconds) decoded at rate; BadInput says why it cannot be used."""
    audio = open_job_audio(job, ctx)
    try:
        return read_all(audio, rate, keep_s)
    except AudioError as exc:
        raise refusal(exc, audio.max_s) from None


def refusal(exc: AudioError, limit_s: float) -> BadInput:
    """The sentence the user gets for an audio error: what went wrong and what to send instead."""
    if isinstance(exc, AudioTooLong):
        return BadInput(TOO_LONG.format(limit=_minutes(limit_s)))
    if isinstance(exc, AudioTooDense):
        log.warning("refused a recording of %s", exc)
        return BadInput(TOO_DENSE.format(channels=exc.channels, rate=exc.rate))
    if isinstance(exc, Playlist):
        log.warning("refused a playlist sent as a recording")
        return BadInput(PLAYLIST)
    log.info("unreadable audio (%s)", exc)
    return BadInput(UNREADABLE)


def too_big(ctx: SkillContext) -> str:
    """Why a file over the download limit is refused, and what to do."""
    if not ctx.settings.telegram_local_mode:
        return TOO_BIG
    return TOO_BIG_LOCAL.format(limit=f"{ctx.settings.download_limit_bytes // (1024 * 1024):,} MB")


def _minutes(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:g} minutes"
    return f"{seconds / 3600:g} hours"
