"""No process ever logs the bot token or the webhook secret.

Named to run last (pytest takes files in alphabetical order), so it reads the logs every end-to-end test
above produced: bots, workers, emulator, `pipegram up`, including 429s, killed workers and Redis restarts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_faults import PASSWORD

pytestmark = pytest.mark.e2e

TOKEN_SHAPED = re.compile(r"\b\d{4,}(?::|%3A)[A-Za-z0-9_-]{6,}")


def test_no_log_line_holds_a_token_or_secret(stack: Stack, log_dir: Path) -> None:
    stack.client.fail_next("sendMessage", 1, retry_after=1)
    asked = stack.client.send_text("one more message, with a 429 on the way", user_id=5999)
    stack.client.wait_for_replies(5999, after=asked["message_id"], timeout=60)
    # Pipegram's own processes; redis-server's and redis-sentinel's logs start with "<pid>:<role>", which
    # looks like a token.
    logs = {path.name: path.read_text(errors="replace") for path in log_dir.glob("*.log")
            if not path.name.startswith(("redis-", "sentinel-"))}
    assert {"main-bot.log", "main-worker.log", "emulator.log"} <= set(logs)
    for name, text in logs.items():
        assert not TOKEN_SHAPED.search(text), f"{name}: {TOKEN_SHAPED.search(text).group()}"  # type: ignore[union-attr]
        assert "s3cret-header" not in text and PASSWORD not in text, name
