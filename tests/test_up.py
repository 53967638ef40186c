"""`pipegram up`'s choices before it starts anything: which Redis it writes into, and which ports it serves on."""

from __future__ import annotations

import io
import json
import queue
from pathlib import Path

import pytest
import redis

from pipegram.output import Event, events_of, pump
from pipegram.up import Up
from shared.settings import ConfigError, Settings
from tests.processes import redis_answers, start_redis, taken_port


def up_with(tmp_path: Path, explicit: set[str], **values: object) -> Up:
    """An Up whose settings hold `values`, of which only `explicit` count as set by the user."""
    return Up(Settings.model_construct(_fields_set=explicit, pipegram_run_dir=tmp_path, **values), verbose=False)


@pytest.fixture
def database(own_redis_url: str) -> tuple[str, redis.Redis]:
    """An empty database, on a Redis of the test's own."""
    return own_redis_url, redis.Redis.from_url(own_redis_url)


def test_a_default_database_with_other_keys_is_left_alone(tmp_path: Path, database: tuple[str, redis.Redis],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    url, r = database
    r.set("session:42", "another application's")
    up = up_with(tmp_path, set(), redis_url=url)
    try:
        up.redis()
        assert up.env["REDIS_URL"] != url and redis_answers(up.env["REDIS_URL"])
    finally:
        up.stop()
    assert r.keys() == [b"session:42"]
    assert "holds keys Pipegram did not create (e.g. 'session:42')" in capsys.readouterr().out


def test_a_default_database_with_only_pipegram_keys_is_used(tmp_path: Path, database: tuple[str, redis.Redis],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    url, r = database
    r.hset("pipegram:prefs:42", "voice", "on")
    r.lpush("text", "{}")
    r.set("_kombu.binding.text", "")
    up = up_with(tmp_path, set(), redis_url=url)
    up.redis()
    assert up.env["REDIS_URL"] == url and not up.children
    assert f"Redis      {url}, the default" in capsys.readouterr().out


def test_a_database_the_user_names_is_used_whatever_it_holds(tmp_path: Path,
                                                             database: tuple[str, redis.Redis]) -> None:
    url, r = database
    r.set("session:42", "another application's")
    up = up_with(tmp_path, {"redis_url"}, redis_url=url)
    up.redis()
    assert not up.children  # no Redis of its own: the children read REDIS_URL as the user set it


def test_default_metrics_ports_move_when_taken_and_chosen_ones_must_be_free(tmp_path: Path) -> None:
    with taken_port() as port:
        moved = up_with(tmp_path, set(), pipegram_metrics_port=port, pipegram_worker_metrics_port=port,
                        pipegram_metrics_listen="127.0.0.1")
        line = moved.metrics_ports()
        bot, worker = int(moved.env["PIPEGRAM_METRICS_PORT"]), int(moved.env["PIPEGRAM_WORKER_METRICS_PORT"])
        assert port not in (bot, worker, worker + 1)
        assert line is not None and f"bot :{bot}" in line and f"worker :{worker} and :{worker + 1}" in line
        chosen = up_with(tmp_path, {"pipegram_worker_metrics_port"}, pipegram_metrics_port=0,
                         pipegram_worker_metrics_port=port, pipegram_metrics_listen="127.0.0.1")
        with pytest.raises(ConfigError, match=f"port {port} .*PIPEGRAM_WORKER_METRICS_PORT"):
            chosen.metrics_ports()


def test_the_terminal_gets_the_conversation_and_problems_not_the_noise() -> None:
    def seen(line: str, jobs: bool = False) -> list[tuple[str, str]]:
        return [(event.kind, event.value) for event in events_of("worker", line, jobs)]

    at = "2026-01-31 12:00:05,123"
    said = f"{at} INFO emulator.chat MainProcess: Alice → bot: hello"
    assert seen(said) == [("show", "12:00:05  Alice → bot: hello")]
    assert seen(f"{at} INFO bot.app MainProcess: bot @pipegram_bot is up") == [("bot_up", "pipegram_bot")]
    assert seen(f"{at} INFO workers.runner ForkPoolWorker-1: skill chat warm in 0.4 s (pid 7)") == [("warm", "chat")]
    assert seen(f"{at} WARNING workers.sender ForkPoolWorker-1: Telegram asked to wait 3.0 s (attempt 1)") == [
        ("show", "12:00:05  worker warning: Telegram asked to wait 3.0 s (attempt 1)")]
    done = (f"{at} INFO workers.runner ForkPoolWorker-1: job 1a skill=chat chat=5 answered in 0.9 s (model 0.8 s) "
            "after 0.1 s queued")
    assert seen(done) == [] and seen(done, jobs=True)[0][0] == "show"  # shown only when no emulator shows messages
    for noise in (f"{at} WARNING celery.redirected ForkPoolWorker-1: Loading weights: 100%|##########| 21/21",
                  f"{at} WARNING transformers.modeling_utils ForkPoolWorker-1: Some weights were not used",
                  f"{at} INFO aiohttp.access MainProcess: POST /bot<token>/getUpdates 200 30.032s",
                  " -------------- worker-1@vm v5.7.0 (collider)", "  _warn_or_raise_security_error(egid, euid)"):
        assert seen(noise) == [], noise
    as_json = json.dumps({"time": at, "level": "ERROR", "logger": "bot.handlers", "process": "MainProcess",
                          "message": "not queued: Redis is gone"})
    assert seen(as_json) == [("show", "12:00:05  worker error: not queued: Redis is gone")]  # LOG_FORMAT=json


def test_every_line_goes_to_the_log_file_and_with_verbose_to_the_terminal(tmp_path: Path) -> None:
    lines = [b"2026-01-31 12:00:05,123 INFO bot.app MainProcess: bot @pipegram_bot is up\n", b"a celery banner\n"]
    for verbose in (False, True):
        events: queue.Queue[Event] = queue.Queue()
        pump("bot", io.BytesIO(b"".join(lines)), tmp_path / f"bot-{verbose}.log", events, verbose, jobs=False).join(10)
        assert (tmp_path / f"bot-{verbose}.log").read_bytes() == b"".join(lines)
        shown = [event.value for event in events.queue if event.kind == "show"]
        assert shown == ([f"bot      | {line.decode().rstrip()}" for line in lines] if verbose else [])
        assert [event.value for event in events.queue if event.kind == "bot_up"] == ["pipegram_bot"]


@pytest.mark.parametrize("explicit", [{"redis_url"}, set()], ids=["named by the user", "a default with other keys"])
def test_up_never_prints_a_redis_password(tmp_path: Path, explicit: set[str],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    server, url = start_redis(tmp_path, password="hunter2-not-for-the-terminal")
    redis.Redis.from_url(url).set("session:42", "another application's")
    up = up_with(tmp_path, explicit, redis_url=url)
    try:
        up.redis()
    finally:
        up.stop()
        server.stop()
    printed = capsys.readouterr().out
    assert ":***@127.0.0.1" in printed and "hunter2" not in printed
