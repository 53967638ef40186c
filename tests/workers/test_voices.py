"""Voices per language: the text's language picks the voice, loaded on demand, kept warm within a memory budget."""

import io
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from shared.jobs import Job
from shared.languages import find_language
from shared.settings import ConfigError, Settings
from workers.models import ModelSpec, load_pipeline
from workers.skill import BadInput, SkillContext
from workers.skills import say
from workers.tiny import ensure_tiny
from workers.voices import MMS_VOICES, Voices, model_bytes, voice_sources

CTX = SkillContext(redis=None, settings=Settings(_env_file=None))  # type: ignore[arg-type]
TWO_TINY_VOICES_MB = 0.2  # a tiny voice takes about 90 KB


def job(text: str = "", language: str = "en") -> Job:
    return Job(skill="say", chat_id=1, user_id=1, message_id=1, text=text, language=language)


@pytest.fixture
def voices(models_cache: Path) -> Voices:
    spec = ModelSpec("tiny", voice_memory_mb=TWO_TINY_VOICES_MB)
    return load_pipeline(say.TASK, say.TINY_MODEL, spec, models_cache, say.load)


@pytest.fixture
def loads(voices: Voices) -> list[str]:
    """The voices loaded, in order."""
    seen: list[str] = []
    load = voices.load
    voices.load = lambda source: seen.append(Path(source).name) or load(source)  # type: ignore[method-assign]
    return seen


def speak(voices: Voices, text: str, language: str = "en") -> Any:
    [spoken] = say.forward(voices, [say.preprocess(job(text), CTX)], ModelSpec("tiny"))
    return say.postprocess(spoken, job(text, language), CTX)


def test_a_german_text_is_read_by_the_german_voice_loaded_on_demand(voices: Voices, loads: list[str]) -> None:
    speech = say.preprocess(job("Guten Morgen, wie geht es dir?"), CTX)
    assert speech.language.tag == "de"
    [voice] = speak(voices, "Guten Morgen, wie geht es dir?").files
    assert loads == ["deu"] and list(voices.warm) == ["de"]
    assert sf.info(io.BytesIO(voice.data)).duration > 0
    speak(voices, "Schöne Grüße aus Köln, bis übermorgen!")  # umlauts are in the German voice's alphabet
    assert loads == ["deu"]  # still warm


def test_warm_voices_stay_within_the_memory_budget_least_recently_used_out(voices: Voices, loads: list[str]) -> None:
    for text in ("Guten Morgen, wie geht es dir?", "The weather is lovely today, isn't it?",
                 "Bonjour tout le monde, comment allez-vous ?"):
        speak(voices, text)
    assert loads == ["deu", "eng", "fra"]
    assert list(voices.warm) == ["en", "fr"]  # German, the least recently used, was dropped
    assert sum(size for _, size in voices.warm.values()) <= TWO_TINY_VOICES_MB * 2**20
    speak(voices, "Guten Abend, schlaf gut und träum was Schönes.")
    assert loads[-1] == "deu" and list(voices.warm) == ["fr", "de"]


def test_a_russian_text_is_romanized_for_a_voice_trained_on_latin_letters(voices: Voices) -> None:
    [voice] = speak(voices, "Доброе утро, как у тебя дела сегодня?").files
    assert sf.info(io.BytesIO(voice.data)).duration > 0


@pytest.mark.parametrize(("language", "said"), [
    ("en", "I have no voice for Chinese, so I can't read that out. I can speak: English, French, German, Russian."),
    ("de", "Für Chinesisch habe ich keine Stimme"),
])
def test_a_language_without_a_voice_gets_a_clear_answer(voices: Voices, language: str, said: str) -> None:
    with pytest.raises(BadInput, match=said):
        speak(voices, "今天天气很好，我们去公园散步吧。", language)
    assert voices.warm == {}  # nothing loaded for it


def test_voice_sources_from_a_template_a_folder_a_single_model_and_the_toml(models_cache: Path) -> None:
    mms = voice_sources("facebook/mms-tts-{lang}", {"de": "/models/my-german-voice", "cantonese": "x/yue"})
    assert mms["ru"] == "facebook/mms-tts-rus" and mms["de"] == "/models/my-german-voice" and mms["yue"] == "x/yue"
    assert "zh" not in mms and "ja" not in mms  # MMS-TTS has no Chinese or Japanese voice
    folder = voice_sources(str(ensure_tiny("voices", models_cache)), {})
    assert sorted(folder) == ["de", "en", "fr", "ru"]
    assert voice_sources("my/multilingual-tts", {}) == {"*": "my/multilingual-tts"}
    with pytest.raises(ConfigError, match="klingon"):
        voice_sources("facebook/mms-tts-{lang}", {"klingon": "x"})


def test_every_mms_voice_is_of_a_language_we_name() -> None:
    assert all(getattr(find_language(tag), "tag", None) == tag for tag in MMS_VOICES)


def test_the_models_toml_sets_voices_and_their_budget(tmp_path: Path) -> None:
    from workers.models import resolve_specs

    config = tmp_path / "models.toml"
    config.write_text('[say]\nvoice_memory_mb = 300\n[say.voices]\nde = "/models/german"\n')
    spec = resolve_specs(str(config), ["say"])["say"]
    assert (spec.model, spec.voices, spec.voice_memory_mb) == ("facebook/mms-tts-{lang}", {"de": "/models/german"},
                                                               300)
    assert model_bytes(object()) == 0
