"""One worker node under mixed load: a long transcription never holds up a chat (they run in different
processes), and photos that arrive together share one model call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipegram.samples import sounds
from pipegram.samples.images import encode, scene
from tests.e2e.conftest import Stack, stack_with_models
from tests.processes import wait_until

pytestmark = pytest.mark.e2e

# Each 30-s window makes the tiny Whisper write 100 tokens (about a second here): 6 minutes take several seconds.
# Photos wait up to 2 s for others to join their detection call (a loaded machine may enqueue them slowly).
MODELS = ("[transcribe.generate]\nmin_new_tokens = 100\nmax_new_tokens = 100\n"
          "[detect]\nbatch_window_ms = 2000\n")
USER = 7801


@pytest.fixture(scope="module")
def node(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    stack = stack_with_models("long-jobs", "780780:long-jobs-token", MODELS, 13, emulator_url, redis_url, log_dir,
                              models_cache)
    yield stack
    stack.stop()


def test_a_chat_is_answered_while_the_same_node_transcribes_a_long_recording(node: Stack) -> None:
    client = node.client
    recording = client.send_file("audio", sounds.encode(sounds.tone(360.0, 16_000), 16_000),
                                 filename="meeting.ogg", mime_type="audio/ogg", user_id=USER, duration=360)
    wait_until(lambda: f"skill=transcribe chat={USER} started" in node.worker.log(), "the transcription starting",
               60, node.worker)
    question = client.send_text("hello, are you there?", user_id=USER)
    [answer] = client.wait_for_replies(USER, after=question["message_id"], timeout=60)
    assert answer["reply_to_message_id"] == question["message_id"]
    assert f"skill=transcribe chat={USER} answered" not in node.worker.log()  # still transcribing
    [transcript] = [reply for reply in client.wait_for_replies(USER, 2, after=recording["message_id"], timeout=300)
                    if reply["reply_to_message_id"] == recording["message_id"]]
    assert transcript["sent_at"] - answer["sent_at"] > 1.0, "the transcription was too short to show anything"


def test_photos_sent_together_for_detection_share_one_model_call(node: Stack) -> None:
    users = [7811, 7812, 7813]
    asked = {user: node.client.send_file("photo", encode(scene(300 + 20 * n, 240), "JPEG"), filename="p.jpg",
                                         mime_type="image/jpeg", user_id=user, caption="/detect")
             for n, user in enumerate(users)}
    for user, message in asked.items():
        [reply] = node.client.wait_for_replies(user, after=message["message_id"], timeout=120)
        assert reply["method"] == "sendPhoto" and " × " in reply["message"]["caption"]
    sizes = [int(n) for n in re.findall(r"detect: one model call for (\d+) jobs", node.worker.log())]
    assert sum(sizes) == len(users) and max(sizes) > 1, sizes
