"""Test recordings made at test time (no binary fixtures): tones with numpy, speech with espeak-ng + ffmpeg."""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
from math import ceil
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


def _crc(data: bytes, poly: int, bits: int) -> int:
    top, mask, crc = 1 << (bits - 1), (1 << bits) - 1, 0
    for byte in data:
        crc ^= byte << (bits - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & mask if crc & top else (crc << 1) & mask
    return crc


def _utf8_number(n: int) -> bytes:
    """FLAC's frame number coding: UTF-8's scheme stretched to 36 bits."""
    return chr(n).encode("utf-8", "surrogatepass")


def flac_silence(seconds: float, channels: int, rate: int) -> bytes:
    """A FLAC of digital silence written frame by frame (constant subframes): a few hundred kilobytes that decode
    to channels × rate × seconds samples. 590 s on 8 channels at 655,350 Hz is 12 GB as float32."""
    block, total = 65535, int(seconds * rate)
    info = (struct.pack(">HH", block, block) + bytes(6)
            + ((rate << 44) | ((channels - 1) << 41) | (15 << 36) | total).to_bytes(8, "big") + bytes(16))
    out = [b"fLaC", bytes([0x80, 0, 0, len(info)]), info]  # the last (only) metadata block: STREAMINFO
    subframes = b"\x00\x00\x00" * channels  # CONSTANT subframe (type 0, no wasted bits), value 0 in 16 bits
    for number in range(ceil(total / block)):
        size = min(block, total - number * block)
        # Block size in 16 bits after the frame number; rate and depth as in STREAMINFO.
        header = (b"\xff\xf8" + bytes([0x70, ((channels - 1) << 4) | 0x08]) + _utf8_number(number)
                  + struct.pack(">H", size - 1))
        header += bytes([_crc(header, 0x07, 8)])
        frame = header + subframes
        out.append(frame + struct.pack(">H", _crc(frame, 0x8005, 16)))
    return b"".join(out)


def wav_header_only(rate: int, channels: int = 1, frames: int = 48_000) -> bytes:
    """A 16-bit WAV of silence whose header declares any sampling rate, however absurd."""
    data = bytes(frames * channels * 2)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * channels * 2) & 0xFFFFFFFF, channels * 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def flac_with_tones(seconds: float, rate: int, channels: int = 1, tones_at: tuple[float, ...] = (0.0,),
                    tone_s: float = 3.0) -> bytes:
    """A long FLAC of silence with a few seconds of tone on every channel at each of tones_at, written block by
    block (fast: libFLAC packs silence into almost nothing; the samples are never all in memory)."""
    buffer, block = io.BytesIO(), rate * 10
    starts = [int(at * rate) for at in tones_at]
    with sf.SoundFile(buffer, "w", rate, channels, format="FLAC", subtype="PCM_16") as out:
        for offset in range(0, int(seconds * rate), block):
            frames = min(block, int(seconds * rate) - offset)
            chunk = np.zeros((frames, channels), dtype=np.float32)
            for start in starts:
                begin, end = max(start, offset), min(start + int(tone_s * rate), offset + frames)
                if begin < end:
                    t = np.arange(begin, end) / rate
                    chunk[begin - offset:end - offset] = (0.3 * np.sin(2 * np.pi * 440 * t))[:, None]
            out.write(chunk)
    return buffer.getvalue()
