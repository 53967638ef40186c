"""Recordings past 20 MB and an hour long: through an emulator playing Telegram's Bot API server in local mode
(files on a disk shared with the worker), and the same file on the cloud stack, which must say why it can't."""

from __future__ import annotations

import re
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from emulator.client import EmulatorClient
from pipegram.samples import sounds
from tests.e2e.conftest import Stack, start_stack
from tests.processes import PIPEGRAM, PeakMemory, Process, free_port, pool_child_pid, start
from workers import audio

pytestmark = pytest.mark.e2e

TOKEN = "767676:local-mode-token"
DB = 14  # no other test uses this Redis database
USER = 7601


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Bot API server's working directory, a volume shared with the worker."""
    return tmp_path_factory.mktemp("telegram-bot-api")


@pytest.fixture(scope="module")
def local_emulator(log_dir: Path, files_dir: Path) -> Iterator[str]:
    port = free_port()
    proc: Process = start("local-emulator", [*PIPEGRAM, "emulator", "--port", str(port), "--local", "--files-dir",
                                             str(files_dir)], log_dir)
    url = f"http://127.0.0.1:{port}"
    try:
        EmulatorClient(url, "1:probe").wait_until_up(30)
        yield url
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def local(local_emulator: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """A bot and a speech worker in local mode; every job gets a status message, to show its progress."""
    stack = start_stack("local", TOKEN, local_emulator, f"{redis_url.rsplit('/', 1)[0]}/{DB}", log_dir,
                        cache=models_cache, queues=("speech",),
                        shared_env={"TELEGRAM_LOCAL_MODE": "true", "PIPEGRAM_STATUS_AFTER_S": "0"})
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def sixty_mb() -> bytes:
    """A 60 MB WAV: 5.2 minutes of 48 kHz stereo, silent but for 20 s of tone in the middle."""
    rate, seconds = 48_000, 60 * 1024 * 1024 // (48_000 * 4)
    samples = np.zeros((rate * seconds, 2), dtype=np.int16)
    tone = (sounds.tone(20.0, rate) * 32767).astype(np.int16)
    samples[150 * rate:170 * rate] = tone[:, None]
    data = samples.tobytes()
    fmt = struct.pack("<HHIIHH", 1, 2, rate, rate * 4, 4, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def is_status(item: dict) -> bool:
    """Whether a sent item is a job's status message ("⏳ Queued…", then edited as the job goes)."""
    return (item["edits"] or [item["message"].get("text", "")])[0].startswith("⏳")


def wait_for_answer(stack: Stack, user: int, asked: dict, timeout: float = 300) -> dict:
    """The bot's answer to asked, past the status message it sends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        since = time.time()
        answers = [item["message"] for item in stack.client.sent(user, after=asked["message_id"])
                   if item["reply_to_message_id"] == asked["message_id"] and not is_status(item)]
        if answers:
            return answers[0]
        stack.client.sent(user, changed_since=since, wait=5)
    raise TimeoutError(f"no answer to message {asked['message_id']} within {timeout} s")


def test_a_60_mb_recording_is_transcribed_from_the_servers_disk(local: Stack, files_dir: Path,
                                                                sixty_mb: bytes) -> None:
    assert len(sixty_mb) > 60_000_000
    asked = local.client.send_file("audio", sixty_mb, filename="meeting.wav", mime_type="audio/wav", user_id=USER)
    file_id = asked["audio"]["file_id"]
    with PeakMemory(pool_child_pid(local.worker, "transcribe")) as memory:
        message = wait_for_answer(local, USER, asked)
    assert message.get("text") and message["text"] not in (audio.TOO_BIG, audio.UNREADABLE), message
    # getFile answered an absolute path in the shared folder, and the worker read it there: no HTTP download.
    assert file_id in {call["params"].get("file_id") for call in local.client.calls("getFile")}
    assert file_id not in {call["params"].get("file_id") for call in local.client.calls("downloadFile")}
    assert any(path.stat().st_size == len(sixty_mb) for path in files_dir.rglob("*.wav"))
    assert memory.growth_mb < 100, f"{memory.growth_mb:.0f} MB for a 60 MB file"


def test_the_same_file_on_telegrams_cloud_gets_the_clear_too_big_answer(stack: Stack, sixty_mb: bytes) -> None:
    user = 7602
    asked = stack.client.send_file("audio", sixty_mb, filename="meeting.wav", mime_type="audio/wav", user_id=user)
    [reply] = stack.client.wait_for_replies(user, after=asked["message_id"], timeout=60)
    assert reply["message"]["text"] == audio.TOO_BIG
    assert "20 MB" in audio.TOO_BIG and "TELEGRAM_LOCAL_MODE" in audio.TOO_BIG  # why, and how to lift it


def test_an_hour_long_recording_is_transcribed_in_bounded_memory_with_progress(local: Stack) -> None:
    user, bursts = USER + 1, tuple(range(10, 3600, 300))  # a sound every 5 minutes; silence between
    hour = sounds.flac_with_tones(3600, 16_000, 1, bursts, 3.0)
    began = time.monotonic()
    with PeakMemory(pool_child_pid(local.worker, "transcribe")) as memory:
        asked = local.client.send_file("audio", hour, filename="hour.flac", mime_type="audio/flac", user_id=user,
                                       caption="/transcribe timestamps")
        message = wait_for_answer(local, user, asked)
    took = time.monotonic() - began
    # The transcript comes in paragraphs at the pauses, each stamped with where it starts in the hour.
    stamps = [int(h) * 3600 + int(m) * 60 + int(s)
              for h, m, s in re.findall(r"^\[(\d):(\d\d):(\d\d)\] \S", message["text"], re.MULTILINE)]
    assert len(stamps) >= len(bursts) // 2 and stamps == sorted(stamps), message["text"][:500]
    assert all(any(-30 <= burst - stamp <= 30 for burst in bursts) for stamp in stamps)
    # Never the hour at once: 230 MB as float32 at 16 kHz.
    assert memory.growth_mb < 120, f"the worker grew by {memory.growth_mb:.0f} MB"
    # The status message counted the 30-second windows as they went.
    [status] = [item for item in local.client.sent(user, after=asked["message_id"]) if is_status(item)]
    shown = [*status["edits"], status["message"]["text"]]
    assert any(re.search(r"\[\d+/120\]", text) for text in shown), shown
    print(f"\n60-minute recording: transcribed in {took:.1f} s, worker peak +{memory.growth_mb:.0f} MB")
