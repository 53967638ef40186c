"""The speech skills with tiny random models through the real `pipeline()` path; parsing and rendering without one."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pipegram.samples import sounds
from shared.jobs import Job
from shared.settings import Settings
from workers import audio, progress
from workers.models import ModelSpec, load_pipeline
from workers.skill import BadInput, SkillContext
from workers.skills import chat, classify_sound, say, transcribe

TINY = ModelSpec("tiny")


def load(skill, cache: Path):
    return load_pipeline(skill.TASK, skill.TINY_MODEL, TINY, cache, getattr(skill, "load", None))


def ctx_with(data: bytes) -> SkillContext:
    return SkillContext(redis=None, settings=Settings(_env_file=None), download=lambda _: data)  # type: ignore[arg-type]


def job(skill: str, text: str = "", **options) -> Job:
    return Job(skill=skill, chat_id=1, user_id=1, message_id=7, text=text, file_id="FILE", options=options)


@pytest.fixture(scope="module")
def whisper(models_cache: Path):
    return load(transcribe, models_cache)


def test_a_spoken_voice_note_is_transcribed(whisper) -> None:
    recording = transcribe.preprocess(job("transcribe"), ctx_with(sounds.spoken("hello there, how are you")))
    assert recording.language is None and 1.0 < recording.audio.duration_s < 5.0
    [transcript] = transcribe.forward(whisper, [recording], TINY)
    assert transcript.text and 1.0 < transcript.duration_s < 5.0
    assert transcribe.postprocess(transcript, job("transcribe"), ctx_with(b"")).text == transcript.text


def test_45_seconds_transcribe_in_windows_with_timestamps_in_a_set_language(whisper) -> None:
    recording = transcribe.preprocess(job("transcribe", speech_language="de"),
                                      ctx_with(sounds.encode(sounds.tone(45.0, 16_000), 16_000)))
    assert recording.language == "de"
    [transcript] = transcribe.forward(whisper, [recording], TINY)
    assert transcript.duration_s == pytest.approx(45.0, abs=0.1)
    assert transcript.segments and all(0 <= start <= 45 for start, _, _ in transcript.segments)
    assert any(start >= 20 for start, _, _ in transcript.segments)  # the second window was heard too


def test_a_long_recording_reports_its_progress_window_by_window(whisper) -> None:
    recording = transcribe.preprocess(job("transcribe"), ctx_with(sounds.encode(sounds.tone(70.0, 16_000), 16_000)))
    reports: list[tuple[int, int]] = []
    with progress.listening(lambda done, total: reports.append((done, total))):
        transcribe.forward(whisper, [recording], TINY)
    assert reports == [(1, 3), (2, 3), (3, 3)]  # windows of up to 30 s


def test_windows_batched_in_one_call_hear_what_one_at_a_time_hears_and_report_progress_per_batch(whisper) -> None:
    sound = sounds.tone(70.0, 16_000) * np.linspace(0.2, 1.0, 70 * 16_000, dtype=np.float32)
    recording = transcribe.Recording(audio.Samples(sound, 16_000), "en")
    [alone] = transcribe.forward(whisper, [recording], TINY)
    calls: list[int] = []
    reports: list[tuple[int, int]] = []

    class Recorded:  # the real pipeline, noting how many windows each call gets
        feature_extractor, device = whisper.feature_extractor, whisper.device

        def __call__(self, windows: list[np.ndarray], **kwargs):
            calls.append(len(windows))
            return whisper(windows, **kwargs)

    with progress.listening(lambda done, total: reports.append((done, total))):
        [together] = transcribe.forward(Recorded(), [recording], ModelSpec("tiny", batch_size=2))
    # One report per model call, each as far as the recording's clock has got.
    assert calls == [2, 1] and len(reports) == 2 and reports[0] < reports[1] == (3, 3)
    assert together == alone and alone.segments


def test_on_cuda_windows_go_eight_at_a_time_unless_batch_size_asks_for_more() -> None:
    on = {kind: type("Pipe", (), {"device": type("Device", (), {"type": kind})()})() for kind in ("cpu", "cuda")}
    assert transcribe.windows_per_call(on["cuda"], TINY) == 8
    assert transcribe.windows_per_call(on["cuda"], ModelSpec("tiny", batch_size=16)) == 16
    assert transcribe.windows_per_call(on["cpu"], TINY) == 1
    assert transcribe.windows_per_call(on["cpu"], ModelSpec("tiny", batch_size=4)) == 4


def test_windows_end_at_pauses_and_silent_ones_skip_the_model() -> None:
    rate = 16_000
    speech = sounds.tone(35.0, rate)
    speech[int(22.5 * rate):int(23.0 * rate)] = 0  # a pause at 22.5-23 s
    recording = np.concatenate([speech, np.zeros(60 * rate, dtype=np.float32), sounds.tone(5.0, rate)])
    blocks = (recording[i:i + 7_777] for i in range(0, len(recording), 7_777))
    cut = [(w.start_s, w.end_s, w.silent) for w in transcribe.windows(blocks, rate)]
    assert 22.5 < cut[0][1] < 23.0  # at the pause, not in the middle of a word at 30 s
    assert [silent for _, _, silent in cut] == [False, False, True, False]
    assert all(end - start <= 30 for start, end, _ in cut)
    assert cut[-1][1] == pytest.approx(100.0) and all(a[1] == b[0] for a, b in zip(cut, cut[1:], strict=False))


class CountingPipe:
    """Stands in for a Whisper pipeline at 8 kHz: records the windows it was given, hears one word in each."""

    feature_extractor = type("FeatureExtractor", (), {"sampling_rate": 8_000})()

    def __init__(self) -> None:
        self.calls: list[tuple[list[np.ndarray], dict]] = []

    def __call__(self, windows: list[np.ndarray], **kwargs) -> list[dict]:
        self.calls.append((windows, kwargs))
        return [{"text": " word", "chunks": [{"timestamp": (1.0, 2.0), "text": " word"}]} for _ in windows]


def test_an_hour_of_mostly_silence_reaches_the_model_only_where_there_is_sound() -> None:
    rate, hour = 8_000, 3600
    sound = np.zeros(hour * rate, dtype=np.float32)
    for minute in (0, 30, 59):
        sound[minute * 60 * rate:(minute * 60 + 3) * rate] = sounds.tone(3.0, rate)
    pipe = CountingPipe()
    recording = transcribe.Recording(audio.Samples(sound, rate), "fr")
    [transcript] = transcribe.forward(pipe, [recording], ModelSpec("tiny", batch_size=2, generate={"num_beams": 2}))
    windows = [window for batch, _ in pipe.calls for window in batch]
    assert len(windows) == 3 and all(len(window) <= 30 * rate for window in windows)
    assert pipe.calls[0][1]["return_timestamps"] is True
    assert pipe.calls[0][1]["generate_kwargs"] == {"num_beams": 2, "language": "fr"}
    # Each word is placed on the recording's clock, in the window that held its sound.
    assert [minute for minute in (0, 30, 59) for start, _, _ in transcript.segments
            if minute * 60 - 30 < start < minute * 60 + 3] == [0, 30, 59]
    assert transcript.duration_s == pytest.approx(hour)


def test_an_unknown_spoken_language_is_refused_with_advice() -> None:
    with pytest.raises(BadInput, match="/speechlang auto"):
        transcribe.preprocess(job("transcribe", speech_language="ga"), ctx_with(b""))  # Irish: not in Whisper


def transcript_of(*segments: tuple[float, float | None, str], duration_s: float = 60.0) -> transcribe.Transcript:
    return transcribe.Transcript(list(segments), duration_s)


def test_transcript_replies_long_as_a_file_srt_and_vtt_as_documents_voice_mode_on_to_chat() -> None:
    ctx = ctx_with(b"")
    long = transcript_of(*[(float(i), float(i) + 1, "word " * 10) for i in range(100)], duration_s=100.0)
    reply = transcribe.postprocess(long, job("transcribe"), ctx)
    assert reply.text.split() == long.text.split() and [f.filename for f in reply.files] == ["transcript.txt"]
    [srt] = transcribe.postprocess(long, job("transcribe", srt=True), ctx).files
    assert (srt.kind, srt.filename) == ("document", "transcript.srt") and srt.data.startswith(b"1\n00:00:00,000")
    [vtt] = transcribe.postprocess(long, job("transcribe", vtt=True), ctx).files
    assert vtt.filename == "transcript.vtt" and vtt.data.startswith(b"WEBVTT\n\n00:00:00.000 --> ")
    voice = transcribe.postprocess(transcript_of((0.0, 1.0, "hi there")),
                                   job("transcribe", voice_mode=True, length="short"), ctx)
    [followup] = voice.followups
    assert (followup.skill, followup.text, followup.options) == ("chat", "hi there", {"speak": True,
                                                                                     "length": "short"})
    assert (followup.chat_id, followup.message_id) == (1, 7)
    assert transcribe.postprocess(transcript_of(), job("transcribe"), ctx).text == transcribe.NOTHING_HEARD
    assert transcribe.postprocess(transcript_of(), job("transcribe", vtt=True), ctx).text == transcribe.NOTHING_HEARD


def test_a_transcript_comes_in_paragraphs_at_pauses_with_timestamps_or_as_a_file_only_on_request() -> None:
    ctx, heard = ctx_with(b""), transcript_of((0.0, 2.0, " Hello there."), (2.1, 4.0, "How are you?"),
                                              (65.0, 67.0, "After a pause."), duration_s=70.0)
    assert transcribe.postprocess(heard, job("transcribe"), ctx).text == \
        "Hello there. How are you?\n\nAfter a pause."
    assert transcribe.postprocess(heard, job("transcribe", timestamps=True), ctx).text == \
        "[0:00] Hello there. How are you?\n\n[1:05] After a pause."
    only_file = transcribe.postprocess(heard, job("transcribe", reply="file"), ctx)
    [document] = only_file.files
    assert only_file.text == "" and document.filename == "transcript.txt"
    assert document.data.decode() == "Hello there. How are you?\n\nAfter a pause."


def test_a_chat_answer_asked_to_speak_goes_on_to_say(redis_url: str) -> None:
    import redis

    ctx = SkillContext(redis=redis.Redis.from_url(redis_url), settings=Settings(_env_file=None))
    [followup] = chat.postprocess("the answer", job("chat", "question", speak=True), ctx).followups
    assert (followup.skill, followup.text) == ("say", "the answer")
    assert chat.postprocess("the answer", job("chat", "question"), ctx).followups == ()


def test_say_returns_an_ogg_opus_voice_note(models_cache: Path) -> None:
    voices = load(say, models_cache)
    speech = say.preprocess(job("say", "  hello\n there "), ctx_with(b""))
    assert speech == say.Speech("hello there")
    [spoken] = say.forward(voices, [speech], TINY)
    [voice] = say.postprocess(spoken, job("say"), ctx_with(b"")).files
    info = sf.info(io.BytesIO(voice.data))
    assert voice.kind == "voice" and (info.format, info.subtype) == ("OGG", "OPUS") and info.duration > 0
    with pytest.raises(BadInput, match="pronounce"):
        say.forward(voices, [say.Speech("日本語")], TINY)  # Japanese letters to the English voice


@pytest.mark.parametrize("text", ["", "x" * (say.MAX_CHARS + 1)])
def test_say_refuses_nothing_and_too_much(text: str) -> None:
    with pytest.raises(BadInput):
        say.preprocess(job("say", text), ctx_with(b""))


def test_labels_parse_from_commas_and_lines() -> None:
    assert classify_sound.parse_labels(" dog, vacuum cleaner ,,\nrain, dog") == ["dog", "vacuum cleaner", "rain"]


@pytest.mark.parametrize("labels", ["dog", "", ",".join(f"l{n}" for n in range(21))])
def test_classify_needs_two_to_twenty_labels(labels: str) -> None:
    with pytest.raises(BadInput):
        classify_sound.preprocess(job("classify_sound", labels), ctx_with(sounds.encode(sounds.tone(1.0), 48_000)))


def test_classify_ranks_every_label_with_a_score(models_cache: Path) -> None:
    pipe = load(classify_sound, models_cache)
    question = classify_sound.preprocess(job("classify_sound", "dog, vacuum cleaner"),
                                         ctx_with(sounds.encode(sounds.tone(3.0), 48_000)))
    [ranking] = classify_sound.forward(pipe, [question], TINY)
    assert {label for label, _ in ranking} == {"dog", "vacuum cleaner"}
    assert sum(score for _, score in ranking) == pytest.approx(1.0, abs=1e-3)
    assert [score for _, score in ranking] == sorted((score for _, score in ranking), reverse=True)
    text = classify_sound.postprocess(ranking, job("classify_sound"), ctx_with(b"")).text
    assert "1. " in text and "2. " in text and np.isfinite(ranking[0][1])


@pytest.mark.parametrize("skill", [transcribe, say, classify_sound], ids=lambda skill: skill.__name__.rsplit(".")[-1])
def test_each_speech_skill_warms_up_on_its_own_sample(skill, models_cache: Path) -> None:
    assert len(skill.forward(load(skill, models_cache), [skill.WARMUP], TINY)) == 1
