"""Test recordings made at test time (no binary fixtures): tones with numpy, speech with espeak-ng + ffmpeg."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf


def tone(seconds: float, rate: int = 48_000, hz: float = 440.0) -> np.ndarray:
    """A quiet sine wave, float32."""
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def encode(samples: np.ndarray, rate: int, fmt: str = "OGG", subtype: str | None = "OPUS") -> bytes:
    """Samples in a soundfile format: OGG/Opus (a Telegram voice note) by default."""
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def ffmpeg(args: list[str], suffix: str) -> bytes:
    """The bytes of a file ffmpeg writes from the given input arguments."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out{suffix}"
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(out)], check=True, cwd=tmp)
        return out.read_bytes()


def spoken(text: str) -> bytes:
    """Speech from espeak-ng, as an OGG/Opus voice note at 48 kHz."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), text], check=True)
        return ffmpeg(["-i", str(wav), "-ac", "1", "-ar", "48000", "-c:a", "libopus"], ".ogg")


def video_note(seconds: float = 2.0) -> bytes:
    """A round-video-note-like MP4: a 240x240 picture with a tone, which soundfile cannot read."""
    return ffmpeg(["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-f", "lavfi",
                   "-i", f"color=c=blue:s=240x240:d={seconds}", "-shortest", "-c:v", "libx264", "-c:a", "aac",
                   "-pix_fmt", "yuv420p"], ".mp4")


def corrupt_ogg() -> bytes:
    """An OGG page header followed by garbage."""
    return b"OggS\x00\x02" + bytes(range(256)) * 8
