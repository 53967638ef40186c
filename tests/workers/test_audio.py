"""Audio in and out: decoding any recording to 16 kHz mono float32, encoding voice notes, and the input limits."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from shared.jobs import Job
from shared.settings import Settings
from tests import sounds
from workers.audio import (
    TOO_BIG,
    TOO_LONG,
    UNREADABLE,
    AudioError,
    AudioTooLong,
    decode,
    encode_voice,
    fetch_audio,
)
from workers.sender import FileTooBig
from workers.skill import BadInput, SkillContext


def peak_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


def test_a_48khz_opus_voice_note_becomes_16khz_mono_float32_with_its_pitch() -> None:
    samples = decode(sounds.encode(sounds.tone(2.0), 48_000), 16_000, 600)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) - 32_000) < 1_000
    assert abs(peak_hz(samples, 16_000) - 440) < 5


def test_stereo_wav_at_44_1khz_is_downmixed_and_resampled() -> None:
    stereo = np.stack([sounds.tone(1.0, 44_100), sounds.tone(1.0, 44_100)], axis=1)
    samples = decode(sounds.encode(stereo, 44_100, "WAV", "PCM_16"), 16_000, 600)
    assert samples.ndim == 1 and abs(len(samples) - 16_000) <= 1
    assert abs(peak_hz(samples, 16_000) - 440) < 5


def test_a_video_note_mp4_is_read_through_ffmpeg() -> None:
    samples = decode(sounds.video_note(2.0), 16_000, 600)
    assert abs(len(samples) / 16_000 - 2.0) < 0.1
    assert abs(peak_hz(samples, 16_000) - 440) < 5


@pytest.mark.parametrize("data", [b"", sounds.corrupt_ogg(), b"%PDF-1.4 not a recording" * 50],
                         ids=["empty", "corrupt-ogg", "not-audio"])
def test_empty_corrupt_and_non_audio_bytes_raise_audio_error(data: bytes) -> None:
    with pytest.raises(AudioError):
        decode(data, 16_000, 600)


@pytest.mark.parametrize("fmt", ["wav", "m4a"])
def test_recordings_over_the_limit_stop_early(fmt: str) -> None:
    three_s = sounds.tone(3.0, 16_000)
    data = (sounds.encode(three_s, 16_000, "WAV", "PCM_16") if fmt == "wav"
            else sounds.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac"], ".m4a"))
    with pytest.raises(AudioTooLong):
        decode(data, 16_000, 2)
    assert len(decode(data, 16_000, 5)) > 2 * 16_000


@pytest.mark.parametrize("rate", [16_000, 22_050, 48_000])
def test_encoded_voice_notes_are_ogg_opus_of_the_same_length(rate: int) -> None:
    data = encode_voice(sounds.tone(1.5, rate) * 5, rate)  # out of range on purpose: clipped, not wrapped
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1)
    assert abs(info.duration - 1.5) < 0.05


def context(download, max_audio_s: float = 600) -> SkillContext:
    settings = Settings(_env_file=None, pipegram_max_audio_s=max_audio_s)
    return SkillContext(redis=None, settings=settings, download=download)  # type: ignore[arg-type]


def voice_job(**options) -> Job:
    return Job(skill="transcribe", chat_id=1, user_id=1, message_id=1, file_id="FILE", options=options)


def never(file_id: str) -> bytes:
    raise AssertionError("should not download")


def over_the_limit(file_id: str) -> bytes:
    raise FileTooBig(file_id)  # what the sender raises when getFile says "file is too big"


@pytest.mark.parametrize(("options", "download", "message"), [
    ({"file_size": 21 * 1024 * 1024}, never, TOO_BIG),
    ({"duration": 601}, never, TOO_LONG.format(limit="10 minutes")),
    ({}, over_the_limit, TOO_BIG),
    ({}, lambda _: sounds.corrupt_ogg(), UNREADABLE),
    ({}, lambda _: b"", UNREADABLE),
], ids=["declared-size", "declared-duration", "getfile-too-big", "corrupt", "empty"])
def test_fetch_refuses_with_a_reason_and_what_to_do(options, download, message) -> None:
    with pytest.raises(BadInput) as refused:
        fetch_audio(voice_job(**options), context(download), 16_000)
    assert str(refused.value) == message


def test_fetch_checks_the_real_length_when_telegram_reports_none() -> None:
    three_s = sounds.encode(sounds.tone(3.0), 48_000)
    with pytest.raises(BadInput) as refused:
        fetch_audio(voice_job(), context(lambda _: three_s, max_audio_s=2), 16_000)
    assert str(refused.value) == TOO_LONG.format(limit="2 seconds")
