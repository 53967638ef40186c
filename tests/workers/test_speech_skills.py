"""The speech skills with tiny random models through the real `pipeline()` path; parsing and rendering without one."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from shared.jobs import Job
from shared.settings import Settings
from tests import sounds
from workers import progress
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
    assert recording.language is None and not recording.subtitles
    [transcript] = transcribe.forward(whisper, [recording], TINY)
    assert transcript.text and 1.0 < transcript.duration_s < 5.0
    assert transcribe.postprocess(transcript, job("transcribe"), ctx_with(b"")).text == transcript.text


def test_45_seconds_transcribe_in_chunks_with_timestamps_in_a_set_language(whisper) -> None:
    recording = transcribe.preprocess(job("transcribe", speech_language="de", srt=True),
                                      ctx_with(sounds.encode(sounds.tone(45.0, 16_000), 16_000)))
    assert recording.language == "de" and recording.subtitles
    [transcript] = transcribe.forward(whisper, [recording], TINY)
    assert transcript.duration_s == pytest.approx(45.0, abs=0.1)
    assert transcript.segments and all(start is not None for start, _, _ in transcript.segments)


def test_a_long_recording_reports_its_progress_chunk_by_chunk(whisper) -> None:
    recording = transcribe.preprocess(job("transcribe"), ctx_with(sounds.encode(sounds.tone(70.0, 16_000), 16_000)))
    reports: list[tuple[int, int]] = []
    with progress.listening(lambda done, total: reports.append((done, total))):
        transcribe.forward(whisper, [recording], TINY)
    assert reports == [(1, 3), (2, 3), (3, 3)]  # 30 s windows overlapping by 5 s on each side
    assert [transcribe.chunk_count(s) for s in (5, 30, 45, 70)] == [1, 1, 2, 3]
    assert "generate" not in vars(whisper.model)  # the model is left as it was


def test_an_unknown_spoken_language_is_refused_with_advice() -> None:
    with pytest.raises(BadInput, match="/speechlang auto"):
        transcribe.preprocess(job("transcribe", speech_language="ga"), ctx_with(b""))  # Irish: not in Whisper


def test_srt_cues_are_numbered_timed_and_kept_within_the_recording() -> None:
    srt = transcribe.to_srt([(0.0, 1.5, " Hello."), (1.5, None, " there "), (3600.2, 3700.0, "past the end"),
                             (2.0, 2.5, "  ")], duration_s=3661.0)
    assert srt == ("1\n00:00:00,000 --> 00:00:01,500\nHello.\n\n"
                   "2\n00:00:01,500 --> 01:01:01,000\nthere\n\n"
                   "3\n01:00:00,200 --> 01:01:01,000\npast the end\n")


def test_transcript_replies_long_as_a_file_srt_as_a_document_voice_mode_on_to_chat() -> None:
    ctx = ctx_with(b"")
    long = transcribe.Transcript("word " * 1000, [(0.0, 2.0, "word")], 2.0)
    reply = transcribe.postprocess(long, job("transcribe"), ctx)
    assert reply.text == long.text and [f.filename for f in reply.files] == ["transcript.txt"]
    [srt] = transcribe.postprocess(long, job("transcribe", srt=True), ctx).files
    assert (srt.kind, srt.filename) == ("document", "transcript.srt") and srt.data.startswith(b"1\n00:00:00,000")
    voice = transcribe.postprocess(transcribe.Transcript("hi there", [], 1.0),
                                   job("transcribe", voice_mode=True, length="short"), ctx)
    [followup] = voice.followups
    assert (followup.skill, followup.text, followup.options) == ("chat", "hi there", {"speak": True,
                                                                                     "length": "short"})
    assert (followup.chat_id, followup.message_id) == (1, 7)
    assert transcribe.postprocess(transcribe.Transcript("", [], 1.0), job("transcribe"), ctx).text == \
        transcribe.NOTHING_HEARD


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


class EightKilohertzPipe:
    """Stands in for a pipeline whose model hears 8 kHz: records what it was given."""

    feature_extractor = type("FeatureExtractor", (), {"sampling_rate": 8_000})()

    def __call__(self, audio: dict, **kwargs) -> dict:
        self.audio, self.kwargs = audio, kwargs
        return {"text": " heard", "chunks": [{"timestamp": (0.0, None), "text": " heard"}]}


def test_audio_reaches_the_pipeline_at_its_own_rate_with_chunking_and_timestamps() -> None:
    pipe = EightKilohertzPipe()
    recording = transcribe.Recording(sounds.tone(2.0, 16_000), "fr", subtitles=False)
    [transcript] = transcribe.forward(pipe, [recording], ModelSpec("tiny", generate={"num_beams": 2}))
    assert pipe.audio["sampling_rate"] == 8_000 and len(pipe.audio["raw"]) == 16_000
    assert pipe.kwargs["chunk_length_s"] == 30 and pipe.kwargs["return_timestamps"] is True
    assert pipe.kwargs["generate_kwargs"] == {"num_beams": 2, "language": "fr"}
    assert transcript == transcribe.Transcript("heard", [(0.0, None, " heard")], 2.0)


@pytest.mark.parametrize("skill", [transcribe, say, classify_sound], ids=lambda skill: skill.__name__.rsplit(".")[-1])
def test_each_speech_skill_warms_up_on_its_own_sample(skill, models_cache: Path) -> None:
    assert len(skill.forward(load(skill, models_cache), [skill.WARMUP], TINY)) == 1
