"""The `pipegram` command as an operator uses it."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import redis

from emulator.client import EmulatorClient
from pipegram.ports import free_port
from shared.keys import prefs_key
from tests.processes import PIPEGRAM, ROOT, start, taken_port


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PIPEGRAM, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_models_pull_builds_tiny_models_ahead_of_time(tmp_path: Path) -> None:
    result = run("models", "pull", PIPEGRAM_MODELS="tiny", PIPEGRAM_CACHE_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("chat: tiny -> "))
    folder = Path(line.split(" -> ", 1)[1])
    assert folder.is_relative_to(tmp_path) and (folder / "config.json").is_file()
    assert oct((folder / "model.safetensors").stat().st_mode)[-3:] == "644"


def test_a_missing_models_file_is_reported_plainly(tmp_path: Path) -> None:
    result = run("models", "pull", PIPEGRAM_MODELS=str(tmp_path / "nope.toml"))
    assert result.returncode != 0
    assert "PIPEGRAM_MODELS must be 'default', 'tiny' or a TOML file" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_every_command_with_a_line_of_its_own() -> None:
    result = run("--help")
    listed = re.findall(r"^    ([a-z]+) +\S", result.stdout, flags=re.MULTILINE)  # a command, then its help
    assert listed == ["up", "bot", "worker", "status", "emulator", "chat", "models"], result.stdout


def test_the_emulator_takes_its_token_from_the_environment_never_the_command_line() -> None:
    result = run("emulator", "--token", "1:on-the-command-line")
    assert result.returncode == 1 and "set EMULATOR_TOKEN" in result.stderr
    assert "1:on-the-command-line" not in result.stderr and "--token" not in run("emulator", "--help").stdout


def test_an_emulator_given_emulator_token_serves_that_bot_only(tmp_path: Path) -> None:
    port = free_port()
    emulator = start("emulator", [*PIPEGRAM, "emulator", "--port", str(port)], tmp_path,
                     {"EMULATOR_TOKEN": "5:only-this-bot"})
    try:
        EmulatorClient(f"http://127.0.0.1:{port}", "5:only-this-bot").wait_until_up(30)
        assert httpx.get(f"http://127.0.0.1:{port}/bot5:only-this-bot/getMe").json()["ok"]
        assert httpx.get(f"http://127.0.0.1:{port}/bot6:another-bot/getMe").status_code == 401
    finally:
        emulator.stop()


def test_a_taken_metrics_port_stops_up_the_bot_and_the_worker_at_start(tmp_path: Path) -> None:
    """Never a health URL that answers for another process: each says which setting to change, and exits."""
    nowhere = {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "PIPEGRAM_METRICS_LISTEN": "127.0.0.1",
               "PIPEGRAM_RUN_DIR": str(tmp_path), "PIPEGRAM_MODELS": "tiny", "PIPEGRAM_CACHE_DIR": str(tmp_path)}
    bot = {"TELEGRAM_BOT_TOKEN": "1:never-used", "TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}"}
    with taken_port() as port:
        results = {
            "up": run("up", **nowhere, PIPEGRAM_METRICS_PORT=str(port)),
            "bot": run("bot", **nowhere, **bot, PIPEGRAM_METRICS_PORT=str(port)),
            "worker": run("worker", **nowhere, PIPEGRAM_WORKER_METRICS_PORT=str(port)),
            "worker's embed sibling": run("worker", **nowhere, PIPEGRAM_WORKER_METRICS_PORT=str(port - 1)),
        }
    for who, result in results.items():
        assert result.returncode == 1, f"{who}: {result.stdout}{result.stderr}"
        assert f"cannot serve metrics on port {port}" in result.stderr, f"{who}: {result.stderr}"
        assert "Traceback" not in result.stderr, f"{who}: {result.stderr}"
    assert "PIPEGRAM_METRICS_PORT" in results["bot"].stderr and "Redis " not in results["up"].stdout


def test_status_says_in_one_sentence_that_no_redis_answers() -> None:
    url = f"redis://:secret@127.0.0.1:{free_port()}/0"
    began = time.monotonic()
    result = run("status", REDIS_URL=url)
    assert result.returncode == 1 and time.monotonic() - began < 30  # no 30 s of retries
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"No Redis answers at redis://:***@127.0.0.1:{url.rsplit(':', 1)[1]}" in result.stderr
    assert "secret" not in result.stderr


def test_status_tells_a_foreign_redis_and_an_idle_pipegram_apart(own_redis_url: str) -> None:
    base = own_redis_url.rsplit("/", 1)[0]
    foreign, idle = redis.Redis.from_url(f"{base}/12"), redis.Redis.from_url(f"{base}/13")
    foreign.set("session:42", "another application's")
    idle.hset(prefs_key(42), "voice", "on")  # Pipegram ran here once; no worker runs now
    elsewhere, asleep = run("status", REDIS_URL=f"{base}/12"), run("status", REDIS_URL=f"{base}/13")
    assert elsewhere.returncode == 1 and elsewhere.stdout == ""
    assert elsewhere.stderr.startswith(f"No Pipegram runs on {base}/12: ") and len(elsewhere.stderr.splitlines()) == 1
    assert asleep.returncode == 1 and "Workers online: 0" in asleep.stdout
    assert asleep.stderr.startswith(f"No worker is online on {base}/13")
