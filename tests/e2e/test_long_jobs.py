"""A long transcription never holds up a chat on the same worker node: they run in different processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import sounds
from tests.e2e.conftest import stack_with_models
from tests.processes import wait_until

pytestmark = pytest.mark.e2e

# Each 30-s window makes the tiny Whisper write 100 tokens (about a second here): 6 minutes take several seconds.
MODELS = "[transcribe.generate]\nmin_new_tokens = 100\nmax_new_tokens = 100\n"
USER = 7801


def test_a_chat_is_answered_while_the_same_node_transcribes_a_long_recording(
        emulator_url: str, own_redis_url: str, log_dir: Path, models_cache: Path) -> None:
    stack = stack_with_models("long-jobs", "780780:long-jobs-token", MODELS, 0, emulator_url, own_redis_url, log_dir,
                              models_cache)
    try:
        client = stack.client
        recording = client.send_file("audio", sounds.encode(sounds.tone(360.0, 16_000), 16_000),
                                     filename="meeting.ogg", mime_type="audio/ogg", user_id=USER, duration=360)
        wait_until(lambda: "skill=transcribe chat=7801 started" in stack.worker.log(), "the transcription starting",
                   60, stack.worker)
        question = client.send_text("hello, are you there?", user_id=USER)
        [answer] = client.wait_for_replies(USER, after=question["message_id"], timeout=60)
        assert answer["reply_to_message_id"] == question["message_id"]
        assert "skill=transcribe chat=7801 answered" not in stack.worker.log()  # still transcribing
        [transcript] = [reply for reply in client.wait_for_replies(USER, 2, after=recording["message_id"],
                                                                   timeout=300)
                        if reply["reply_to_message_id"] == recording["message_id"]]
        assert transcript["sent_at"] - answer["sent_at"] > 1.0, "the transcription was too short to show anything"
    finally:
        stack.stop()
