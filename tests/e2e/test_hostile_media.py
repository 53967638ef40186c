"""Hostile media, part of the bad-input corpus: decompression bombs, playlists, huge photos. Each gets one clear
answer through the real bot and worker, the worker process that serves it (speech's pool child, or the vision
process) stays within a memory bound (its peak RSS, from /proc) and keeps serving, never killed and restarted."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipegram.samples import sounds
from pipegram.samples.images import encode, scene
from tests.e2e.conftest import Stack
from tests.processes import PeakMemory, pool_child_pid
from workers import audio
from workers.images import PHOTO_MAX_BYTES

pytestmark = pytest.mark.e2e

FIRST_USER = 23_000


@cache
def local_media(folder: str) -> Path:
    """A real recording on the worker's disk, which a playlist would make ffmpeg read."""
    path = Path(folder) / "private-recording.wav"
    path.write_bytes(sounds.encode(sounds.tone(2.0), 48_000, "WAV", "PCM_16"))
    return path


def noise_photo() -> bytes:
    """13.5 MP of noise, 8 MB as a JPEG at quality 75: annotated and saved at 90 it is over sendPhoto's 10 MB."""
    pixels = np.random.default_rng(7).integers(0, 256, (3000, 4500, 3), dtype=np.uint8)
    return encode(Image.fromarray(pixels), "JPEG", quality=75)


@dataclass(frozen=True)
class Hostile:
    name: str
    kind: str
    make: Callable[[Path], bytes]
    filename: str
    mime: str
    expect: Callable[[dict], bool]  # what the one reply must be
    max_growth_mb: float  # how far the serving process's resident memory may rise while it answers
    caption: str | None = None
    skill: str = "transcribe"  # whose process is measured


def says(text: str) -> Callable[[dict], bool]:
    return lambda message: message.get("text") == text


def a_transcript(message: dict) -> bool:
    return bool(message.get("text", "").strip()) and message["text"] not in (audio.UNREADABLE, audio.PLAYLIST)


def a_photo_sized(size: tuple[int, int]) -> Callable[[dict], bool]:
    return lambda message: "photo" in message and (message["photo"][-1]["width"],
                                                   message["photo"][-1]["height"]) == size


def a_photo_within_limits(message: dict) -> bool:
    return "photo" in message and message["photo"][-1]["file_size"] <= PHOTO_MAX_BYTES


CASES = [
    # 590 s of silence on 8 channels at 655,350 Hz: 200 KB, 12 GB as float32. Refused from its header.
    Hostile("FLAC bomb", "audio", lambda _: sounds.flac_silence(590, 8, 655_350), "bomb.flac", "audio/flac",
            says(audio.TOO_DENSE.format(channels=8, rate=655_350)), 50),
    Hostile("WAV declaring 2 GHz", "audio", lambda _: sounds.wav_header_only(2**31 - 1), "fast.wav", "audio/wav",
            says(audio.TOO_DENSE.format(channels=1, rate=2**31 - 1)), 50),
    # 5 minutes on 8 channels at 48 kHz: 460 MB as float32 at once; decoded and downmixed block by block.
    Hostile("8-channel recording", "audio", lambda _: sounds.flac_with_tones(300, 48_000, 8, (140.0,), 20.0),
            "surround.flac", "audio/flac", a_transcript, 150),
    Hostile("HLS playlist", "audio",
            lambda tmp: f"#EXTM3U\n#EXTINF:2.0,\n{local_media(str(tmp))}\n#EXT-X-ENDLIST\n".encode(),
            "list.m3u8", "audio/x-mpegurl", says(audio.PLAYLIST), 50),
    Hostile("ffmpeg concat list", "audio", lambda tmp: f"ffconcat version 1.0\nfile {local_media(str(tmp))}\n".encode(),
            "list.ffconcat", "audio/mpeg", says(audio.PLAYLIST), 50),
    # SAM post-processes every mask of a point batch at the size it is given: tens of GB at 12 MP.
    Hostile("12 MP photo to /segment", "document", lambda _: encode(scene(4000, 3000), "JPEG"), "big.jpg",
            "image/jpeg", a_photo_sized((4000, 3000)), 400, caption="/segment", skill="segment"),
    Hostile("annotated copy over 10 MB", "document", lambda _: noise_photo(), "noise.jpg", "image/jpeg",
            a_photo_within_limits, 600, skill="detect"),
]


SKILLS = ("transcribe", "segment", "detect")


@pytest.fixture(scope="module")
def child(stack: Stack) -> dict[str, int]:
    """The process that serves each skill on the shared stack: speech's pool child, the vision process."""
    return serving(stack)


def serving(stack: Stack) -> dict[str, int]:
    """Which process serves each skill now (the last to warm it)."""
    return {skill: pool_child_pid(stack.worker, skill) for skill in SKILLS}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_media_gets_one_clear_answer_in_bounded_memory(stack: Stack, child: dict[str, int], tmp_path: Path,
                                                               case: Hostile) -> None:
    user, data = FIRST_USER + CASES.index(case), case.make(tmp_path)
    with PeakMemory(child[case.skill]) as memory:
        asked = stack.client.send_file(case.kind, data, filename=case.filename, mime_type=case.mime, user_id=user,
                                       caption=case.caption)
        [reply] = stack.client.wait_for_replies(user, after=asked["message_id"], timeout=180)
    message = reply["message"]
    assert case.expect(message), message.get("text") or {k: v for k, v in message.items() if k != "chat"}
    assert reply["reply_to_message_id"] == asked["message_id"]
    assert memory.growth_mb < case.max_growth_mb, f"the worker grew by {memory.growth_mb:.0f} MB"
    print(f"\n{case.name}: worker peak +{memory.growth_mb:.0f} MB")
    assert stack.client.sent(user, after=message["message_id"], wait=0.5) == []
    assert stack.worker.popen.poll() is None and serving(stack) == child


def test_after_the_hostile_media_the_same_processes_still_transcribe_and_detect(stack: Stack,
                                                                                child: dict[str, int]) -> None:
    user = FIRST_USER + 99
    voice = stack.client.send_file("voice", sounds.encode(sounds.tone(2.0), 48_000), filename="v.ogg",
                                   mime_type="audio/ogg", user_id=user, duration=2)
    [heard] = stack.client.wait_for_replies(user, after=voice["message_id"], timeout=60)
    assert a_transcript(heard["message"])
    photo = stack.client.send_file("photo", encode(scene(), "JPEG"), filename="p.jpg", mime_type="image/jpeg",
                                   user_id=user)
    [seen] = stack.client.wait_for_replies(user, after=photo["message_id"], timeout=60)
    assert "photo" in seen["message"] and Image.open(io.BytesIO(stack.client.download(
        seen["message"]["photo"][-1]["file_id"]))).size == scene().size
    assert serving(stack) == child
