"""Audio in and out: decoding any recording to 16 kHz mono float32, encoding voice notes, and the input limits."""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipegram.samples import sounds
from shared.jobs import Job
from shared.settings import Settings
from workers.audio import (
    PLAYLIST,
    TOO_BIG,
    TOO_DENSE,
    TOO_LONG,
    UNREADABLE,
    AudioError,
    AudioTooDense,
    AudioTooLong,
    Playlist,
    Samples,
    _probe,
    decode,
    encode_voice,
    fetch_audio,
    open_audio,
    read_all,
)
from workers.resampling import Resampler, resample
from workers.skill import BadInput, FileTooBig, SkillContext


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


def peak_bytes(work: Callable[[], object]) -> int:
    """The most memory Python (numpy included) held at once while work ran, over what it held before."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("source", "target"), [(48_000, 16_000), (44_100, 16_000), (22_050, 16_000), (8_000, 16_000)])
def test_resampling_block_by_block_gives_the_samples_of_one_call_on_the_whole(source: int, target: int) -> None:
    sound = np.random.default_rng(1).normal(0, 0.2, source * 3).astype(np.float32)
    resampler = Resampler(source, target)
    blocks = [resampler.feed(sound[start:start + 10_007]) for start in range(0, len(sound), 10_007)]
    streamed = np.concatenate([*blocks, resampler.flush()])
    whole = resample(sound, source, target)
    assert len(streamed) == len(whole)
    assert np.abs(streamed - whole).max() < 1e-5


def test_a_flac_bomb_is_refused_from_its_header_without_decoding() -> None:
    bomb = sounds.flac_silence(590, 8, 655_350)  # 200 KB on disk, 12 GB as float32
    began = time.monotonic()
    with pytest.raises(AudioTooDense) as refused:
        open_audio(io.BytesIO(bomb), 600)
    assert time.monotonic() - began < 5
    assert (refused.value.channels, refused.value.rate) == (8, 655_350)


@pytest.mark.parametrize("rate", [655_350, 2**31 - 1, 4_000_000_000])
def test_a_wav_declaring_an_absurd_rate_is_refused(rate: int) -> None:
    with pytest.raises(AudioError):  # too dense, or (over 32 bits signed) unreadable
        decode(sounds.wav_header_only(rate), 16_000, 600)


def test_eight_channels_are_downmixed_block_by_block_in_bounded_memory() -> None:
    seconds, rate = 20, 48_000
    surround = np.stack([sounds.tone(seconds, rate, hz=440.0 if channel < 4 else 0.0) for channel in range(8)], axis=1)
    data = sounds.encode(surround, rate, "FLAC", "PCM_16")
    del surround
    kept: list[np.ndarray] = []
    peak = peak_bytes(lambda: kept.append(decode(data, 16_000, 600)))
    [samples] = kept
    assert abs(len(samples) - seconds * 16_000) <= 1 and abs(peak_hz(samples, 16_000) - 440) < 5
    whole_as_float32 = seconds * rate * 8 * 4  # 30 MB: what reading every channel at once would hold
    assert peak < whole_as_float32 / 2, f"{peak / 1e6:.1f} MB"


def test_a_stream_holds_a_block_at_a_time_not_the_recording() -> None:
    audio = open_audio(io.BytesIO(sounds.flac_silence(600, 1, 48_000)), 600)
    assert audio.duration_s == pytest.approx(600.0)
    count: list[int] = []
    peak = peak_bytes(lambda: count.append(sum(len(block) for block in audio.blocks(16_000))))
    assert count == [600 * 16_000]
    assert peak < 600 * 16_000 * 4 / 4, f"{peak / 1e6:.1f} MB"  # a quarter of the whole at 16 kHz (38 MB)


HLS = b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2.0,\n{target}\n#EXT-X-ENDLIST\n"
CONCAT = b"ffconcat version 1.0\nfile {target}\n"


@pytest.mark.parametrize("playlist", [HLS, CONCAT], ids=["hls", "concat"])
def test_playlists_are_never_followed(playlist: bytes, tmp_path: Path) -> None:
    target = tmp_path / "secret.wav"
    target.write_bytes(sounds.encode(sounds.tone(2.0), 48_000, "WAV", "PCM_16"))
    listed = playlist.replace(b"{target}", str(target).encode())
    with pytest.raises(Playlist):
        decode(listed, 16_000, 600)
    # Even past the sniffing of its first bytes, ffmpeg's whitelist refuses the playlist demuxers.
    path = tmp_path / "upload"
    path.write_bytes(listed)
    with pytest.raises(Playlist):
        _probe(str(path))


def test_ffmpeg_input_is_checked_from_its_header_too() -> None:
    dense = sounds.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=96000", "-ac", "8",
                           "-c:a", "aac"], ".m4a")
    with pytest.raises(AudioTooDense):
        open_audio(io.BytesIO(dense), 600)
    long = sounds.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-c:a", "aac"], ".m4a")
    with pytest.raises(AudioTooLong):
        open_audio(io.BytesIO(long), 3)


def test_in_memory_samples_stream_like_a_file() -> None:
    samples = Samples(sounds.tone(2.5, 48_000), 48_000)
    assert samples.duration_s == 2.5
    assert abs(len(read_all(samples, 16_000)) - 40_000) <= 1
    assert len(read_all(samples, 16_000, keep_s=1.0)) == 16_000


@pytest.mark.parametrize(("data", "message"), [
    (sounds.flac_silence(590, 8, 655_350), TOO_DENSE.format(channels=8, rate=655_350)),
    (HLS.replace(b"{target}", b"/etc/hostname"), PLAYLIST),
], ids=["flac-bomb", "hls"])
def test_hostile_files_get_a_sentence_that_says_what_to_send(data: bytes, message: str) -> None:
    with pytest.raises(BadInput) as refused:
        fetch_audio(voice_job(), context(lambda _: data), 16_000)
    assert str(refused.value) == message
