"""Languages end to end: the source of a translation detected in the worker, and /say in the text's language with
a bounded number of warm voices. One stack of its own: its voice budget fits two tiny voices."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf

from tests.e2e.conftest import Stack, stack_with_models
from workers import texts as worker_texts

pytestmark = pytest.mark.e2e

TOKEN = "747474:multilingual-test-token"
DB = 12  # no other test uses this Redis database
# A tiny voice takes about 90 KB: two fit, a third pushes out the least recently used.
MODELS = "[say]\nvoice_memory_mb = 0.2\n"


@pytest.fixture(scope="module")
def languages_stack(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    stack = stack_with_models("multilingual", TOKEN, MODELS, DB, emulator_url, redis_url, log_dir, models_cache)
    yield stack
    stack.stop()


def answer(stack: Stack, user_id: int, text: str) -> tuple[dict, str]:
    """Send a message; return the bot's reply to it and what the worker logged while answering it."""
    logged = len(stack.worker.log())
    sent = stack.client.send_text(text, user_id=user_id)
    [reply] = stack.client.wait_for_replies(user_id, after=sent["message_id"], timeout=90)
    assert reply["reply_to_message_id"] == sent["message_id"]
    return reply, stack.worker.log()[logged:]


@pytest.mark.parametrize(("text", "code", "header"), [
    ("Bonjour tout le monde, comment allez-vous ?", "fra_Latn", "🌐 From French to German:\n"),
    ("Buenos días, amigos", "spa_Latn", "🌐 From Spanish (detected) to German:\n"),  # three words: a guess
    ("Сегодня хорошая погода, и мы идём гулять в парк.", "rus_Cyrl", "🌐 From Russian to German:\n"),
    ("今天天氣很好，我們去公園散步吧。", "zho_Hant", "🌐 From Chinese (Traditional)"),
], ids=["french", "spanish-3-words", "russian", "traditional-chinese"])
def test_the_source_language_is_detected_and_reaches_the_model(languages_stack: Stack, text: str, code: str,
                                                                header: str) -> None:
    reply, logged = answer(languages_stack, 7401, f"/translate german {text}")
    assert reply["message"]["text"].startswith(header)
    assert f": source {code} detected" in logged  # the job's source, as the worker read it
    assert f"generating 1 text(s) from {code} to deu_Latn" in logged  # what the seq2seq model was given


def test_a_named_source_overrides_detection(languages_stack: Stack) -> None:
    reply, logged = answer(languages_stack, 7402, "/translate es>de Bonjour tout le monde, comment allez-vous ?")
    assert reply["message"]["text"].startswith("🌐 From Spanish to German:\n")
    assert "detected" not in logged and "generating 1 text(s) from spa_Latn to deu_Latn" in logged


def test_say_speaks_in_the_voice_of_the_texts_language_and_keeps_two_warm(languages_stack: Stack) -> None:
    reply, logged = answer(languages_stack, 7403, "/say Guten Morgen, wie geht es dir?")
    assert reply["method"] == "sendVoice"
    voice = languages_stack.client.download(reply["message"]["voice"]["file_id"])
    assert sf.info(io.BytesIO(voice)).duration > 0
    assert "voice de loaded from" in logged and "/voices-v1/deu" in logged
    # The worker's warmup loaded English first; each new voice now pushes out the least recently used one.
    _, logged = answer(languages_stack, 7403, "/say Bonjour tout le monde, comment allez-vous ?")
    assert "voice en dropped" in logged and "voice fr loaded from" in logged and "(2 warm: de, fr)" in logged
    _, logged = answer(languages_stack, 7403, "/say Доброе утро, как у тебя дела сегодня?")
    assert "voice de dropped" in logged and "voice ru loaded from" in logged and "(2 warm: fr, ru)" in logged
    _, logged = answer(languages_stack, 7403, "/say Bonjour encore, mes amis, à bientôt !")
    assert "loaded" not in logged  # French is still warm


def test_a_language_without_a_voice_gets_a_clear_answer(languages_stack: Stack) -> None:
    reply, _ = answer(languages_stack, 7404, "/say 今天天气很好，我们去公园散步吧。")
    assert reply["message"]["text"] == worker_texts.NO_VOICE.format(
        language="Chinese", languages="English, French, German, Russian")
