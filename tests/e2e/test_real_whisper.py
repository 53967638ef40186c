"""Real Whisper tiny.en through the real bot and worker: spoken words come back, a 45-s note is heard in every
window, and subtitles stay in order and within the recording."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import redis
import soundfile as sf
from scipy.signal import resample_poly

from pipegram.samples import sounds
from shared.status import read_status
from tests.e2e.conftest import Stack, stack_on_own_redis
from tests.e2e.test_transcripts import srt_cues

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]  # the first test also builds tiny.en and the stack

TOKEN = "181818:real-whisper-token"
RATE = 48_000
FIRST = "the quick brown fox jumps over the lazy dog"
MIDDLE = "please send the weekly report to the finance team"
LAST = "tomorrow morning we will visit the old museum in the city"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def share_heard(spoken: str, transcript: str) -> float:
    """The fraction of the spoken words that appear in the transcript."""
    heard = set(words(transcript))
    said = words(spoken)
    return sum(word in heard for word in said) / len(said)


def speech(text: str) -> np.ndarray:
    """espeak-ng's voice for text, mono float32 at RATE."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), text], check=True)
        samples, rate = sf.read(wav, dtype="float32")
    return resample_poly(samples, RATE, rate).astype(np.float32)


def note_45_s() -> bytes:
    """45 s with a sentence at 0 s, 15 s and 33 s: Whisper hears it as two windows (about 0-27 s and the rest)."""
    samples = np.zeros(45 * RATE, dtype=np.float32)
    for at, text in ((0, FIRST), (15, MIDDLE), (33, LAST)):
        said = speech(text)
        samples[at * RATE:at * RATE + len(said)] = said
    return sounds.encode(samples, RATE)


@pytest.fixture(scope="module")
def real_stack(emulator_url: str, log_dir: Path, models_cache: Path, whisper_tiny_en: Path) -> Iterator[Stack]:
    """Speech skills on their own Redis, transcribe with the real tiny.en (the others tiny)."""
    models = f'[transcribe]\nmodel = "{whisper_tiny_en}"\ndevice = "cpu"\n'
    with stack_on_own_redis("realwhisper", TOKEN, models, emulator_url, log_dir, models_cache,
                            queues=("speech",)) as stack:
        yield stack


def ask(stack: Stack, user: int, data: bytes, duration: int, caption: str | None = None) -> dict:
    fields = {"caption": caption} if caption else {}
    voice = stack.client.send_file("voice", data, filename="voice.ogg", mime_type="audio/ogg", user_id=user,
                                   duration=duration, **fields)
    [reply] = stack.client.wait_for_replies(user, after=voice["message_id"], timeout=180)
    assert reply["reply_to_message_id"] == voice["message_id"]
    return reply


def test_the_transcript_of_a_spoken_note_has_most_of_its_words(real_stack: Stack) -> None:
    reply = ask(real_stack, 18001, sounds.spoken(f"{FIRST}. {MIDDLE}."), 6)
    assert share_heard(f"{FIRST} {MIDDLE}", reply["message"]["text"]) >= 0.7, reply["message"]["text"]


def test_a_45_second_note_is_transcribed_across_all_its_windows(real_stack: Stack) -> None:
    text = ask(real_stack, 18002, note_45_s(), 45)["message"]["text"]
    for sentence in (FIRST, MIDDLE, LAST):
        assert share_heard(sentence, text) >= 0.6, (sentence, text)


def test_srt_timestamps_increase_and_stay_within_the_clip(real_stack: Stack) -> None:
    reply = ask(real_stack, 18003, note_45_s(), 45, caption="/srt")
    assert reply["method"] == "sendDocument"
    cues = srt_cues(real_stack.client.download(reply["message"]["document"]["file_id"]).decode())
    assert len(cues) >= 3
    starts = [start for start, _, _ in cues]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(0 <= start < end <= 45.0 + 1e-3 for start, end, _ in cues)
    # The last sentence, spoken from 33 s in the second window (which starts past 20 s), is cued on the
    # recording's clock, not the window's.
    last = [start for start, _, text in cues if share_heard(LAST, text) >= 0.5]
    assert last and last[0] >= 25.0, cues


def test_the_worker_logs_and_announces_which_model_each_skill_loaded(real_stack: Stack, whisper_tiny_en: Path) -> None:
    [worker] = read_status(redis.Redis.from_url(real_stack.redis_url))["workers"]
    assert worker["models"] == {"transcribe": str(whisper_tiny_en), "say": "tiny", "classify_sound": "tiny"}
    assert re.search(rf"skill transcribe warm in [\d.]+ s \(pid \d+\): {re.escape(str(whisper_tiny_en))}",
                     real_stack.worker.log())
