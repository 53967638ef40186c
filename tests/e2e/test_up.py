"""`pipegram up` on a bare machine: it starts a private Redis, the emulator, a worker and the bot."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import httpx
import pytest
import redis

from emulator.client import EmulatorClient
from pipegram import LOCAL_TOKEN
from tests.processes import PIPEGRAM, free_port, start, wait_until

pytestmark = pytest.mark.e2e


def test_up_runs_everything_and_ctrl_c_stops_it(log_dir: Path, models_cache: Path) -> None:
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    port = free_port()
    env = {"REDIS_URL": unreachable, "PIPEGRAM_MODELS": "tiny", "PIPEGRAM_CACHE_DIR": str(models_cache)}
    saved = {k: os.environ.pop(k) for k in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL") if k in os.environ}
    try:
        up = start("up", [*PIPEGRAM, "up", "--emulator-port", str(port)], log_dir, env)
    finally:
        os.environ.update(saved)
    client = EmulatorClient(f"http://127.0.0.1:{port}", LOCAL_TOKEN)
    try:
        wait_until(lambda: "pipegram chat" in up.log(), "up printing how to talk to the bot", 60, up)
        private = re.search(r"private Redis at (redis://\S+)", up.log())
        assert private, up.tail()
        assert f"open http://127.0.0.1:{port}/" in up.log()
        assert "Pipegram web chat" in httpx.get(f"http://127.0.0.1:{port}/").text
        wait_until(lambda: client.calls("getUpdates"), "the bot polling", 60, up)
        client.send_text("hello there", user_id=4242)
        [reply] = client.wait_for_replies(4242, timeout=120)
        assert reply["message"]["text"].strip()
    finally:
        up.popen.send_signal(signal.SIGINT)
        up.popen.wait(60)
        client.close()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(private.group(1), socket_connect_timeout=1).ping()
    with pytest.raises(httpx.ConnectError):
        EmulatorClient(f"http://127.0.0.1:{port}", LOCAL_TOKEN).state()
