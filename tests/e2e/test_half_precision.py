"""Every skill in bf16, the dtype a GPU worker picks, end to end: one job per skill through the real bot and worker,
answered with the same shape of reply as the fp32 stack gives (a photo for a photo, a voice note for /say...)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipegram.samples import sounds
from pipegram.samples.images import encode, scene
from shared.skills import SKILL_QUEUES
from tests.e2e.conftest import Stack, stack_on_own_redis
from workers import texts

# The first test also starts the bf16 stack (and, run alone, the shared fp32 one): room for a loaded machine.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

TOKEN = "191919:half-precision-token"
PHOTO = encode(scene(96, 72), "JPEG")
CLIP = sounds.spoken("hello there, this is a voice note in half precision")


def ask_text(text: str) -> Callable[[Stack, int], dict]:
    return lambda stack, user: stack.client.send_text(text, user_id=user)


def ask_photo(caption: str | None = None) -> Callable[[Stack, int], dict]:
    fields = {"caption": caption} if caption else {}
    return lambda stack, user: stack.client.send_file("photo", PHOTO, filename="p.jpg", mime_type="image/jpeg",
                                                      user_id=user, **fields)


def ask_audio(caption: str | None = None) -> Callable[[Stack, int], dict]:
    fields = {"caption": caption} if caption else {}
    return lambda stack, user: stack.client.send_file("voice", CLIP, filename="v.ogg", mime_type="audio/ogg",
                                                      user_id=user, duration=3, **fields)


def ask_find(stack: Stack, user: int) -> dict:
    """Two messages the bot keeps (and the chat skill answers: wait for that), then a search over them."""
    for text in ("the cat sat on the mat", "we meet on friday at noon"):
        sent = stack.client.send_text(text, user_id=user)
        stack.client.wait_for_replies(user, after=sent["message_id"], timeout=120)
    return stack.client.send_text("/find when is the meeting", user_id=user)


JOBS: dict[str, Callable[[Stack, int], dict]] = {
    "chat": ask_text("hello there, how are you?"),
    "translate": ask_text("/translate french good morning my friend"),
    "summarize": ask_text("/summarize " + "The bot answers every message once. It runs on its own machines. " * 8),
    "similar": ask_text("/similar the cat sat | a kitten sat"),
    "find": ask_find,
    "detect": ask_photo(),
    "segment": ask_photo("/segment"),
    "describe": ask_photo("/caption"),
    "transcribe": ask_audio(),
    "say": ask_text("/say hello there"),
    "classify_sound": ask_audio("/classify speech, music"),
}


@pytest.fixture(scope="module")
def half_stack(emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """Every skill's tiny model forced to bf16 by the models TOML, on a Redis of its own."""
    models = "".join(f'[{skill}]\ndtype = "bfloat16"\n' for skill in SKILL_QUEUES)
    with stack_on_own_redis("half", TOKEN, models, emulator_url, log_dir, models_cache) as stack:
        yield stack


def answer(stack: Stack, user: int, skill: str) -> dict:
    asked = JOBS[skill](stack, user)
    [reply] = stack.client.wait_for_replies(user, after=asked["message_id"], timeout=120)
    assert reply["reply_to_message_id"] == asked["message_id"]
    return reply


def shape(reply: dict) -> tuple:
    """What a user sees the reply as, whatever random words a tiny model picked: its kind, its size for a photo,
    its file name for a document, and the marker a text starts with (an emoji or a fixed heading)."""
    message = reply["message"]
    if "photo" in message:
        largest = message["photo"][-1]
        return "photo", largest["width"], largest["height"], re.sub(r"\d+", "N", message.get("caption", ""))[:3]
    if "voice" in message:
        return "voice", message["voice"]["duration"] > 0
    if "document" in message:
        return "document", message["document"]["file_name"]
    text = message["text"]
    return "text", text[:1] if not text[:1].isalnum() else "word", text.count("\n") > 0


def test_every_model_was_loaded_in_bf16(half_stack: Stack) -> None:
    log = half_stack.worker.log()
    loaded = re.findall(r"loading (\S+) model .* on cpu \((torch\.\w+)\)", log)
    assert len(loaded) >= len(SKILL_QUEUES) and {dtype for _, dtype in loaded} == {"torch.bfloat16"}, loaded


@pytest.mark.parametrize("skill", list(JOBS))
def test_each_skill_answers_in_bf16_as_it_does_in_fp32(half_stack: Stack, stack: Stack, skill: str) -> None:
    user = 19_100 + list(JOBS).index(skill)
    half, full = answer(half_stack, user, skill), answer(stack, user, skill)
    assert half["message"].get("text") not in (texts.FAILED, texts.TOO_SLOW)
    assert shape(half) == shape(full), (half["message"], full["message"])
