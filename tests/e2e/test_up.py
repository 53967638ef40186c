"""`make run` / `pipegram up` as a newcomer meets it: the README's quick start, typed into fresh shells.

One real run: `make run` starts a private Redis, the emulator, a worker and the bot with tiny models; a second
"terminal" chats and asks for the status through the README's own commands; SIGINT stops it all, although it
arrives ignored (as under CI or nohup). Whatever fails, every process the run started is killed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import httpx
import pytest
import redis

from pipegram.ports import free_port, free_ports
from pipegram.redisdb import foreign_keys
from tests.processes import ROOT, descendants, kill_leftovers, redis_answers, wait_until

pytestmark = pytest.mark.e2e
SUMMARY_MAX_LINES = 25  # what `make run` may print before the conversation starts


def quick_start_commands() -> list[str]:
    """The commands of the README's "Two commands" section, comments dropped."""
    section = (ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [command for block in blocks for line in block.splitlines() if (command := line.split("#")[0].strip())]


def fresh_shell_env(**settings: str) -> dict[str, str]:
    """A new terminal's environment: no activated venv, no PYTHONPATH; only the settings given."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
            **settings}


def in_fresh_shell(command: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-c", command], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.timeout(900)  # a loaded machine warms the models slowly; every other wait here is short
def test_readme_quick_start_in_fresh_shells_and_ctrl_c_with_sigint_ignored(tmp_path: Path,
                                                                           models_cache: Path) -> None:
    commands = quick_start_commands()
    assert commands == ["make run", "make test", "make chat", "make status"], "the README's quick start changed"
    run_dir = tmp_path / "run"  # `.pipegram` in real life; here apart from a checkout's own
    worker_port = free_ports(2)
    first = fresh_shell_env(
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",  # nothing answers: `make run` starts its own Redis
        PIPEGRAM_MODELS="tiny", PIPEGRAM_CACHE_DIR=str(models_cache), PIPEGRAM_RUN_DIR=str(run_dir),
        PIPEGRAM_EMULATOR_PORT=str(free_port()), PIPEGRAM_METRICS_PORT=str(free_port()),
        PIPEGRAM_WORKER_METRICS_PORT=str(worker_port), PIPEGRAM_METRICS_LISTEN="127.0.0.1")
    second = fresh_shell_env(PIPEGRAM_RUN_DIR=str(run_dir))  # a second terminal knows nothing of the first
    log_path = tmp_path / "make-run.log"
    with log_path.open("wb") as log:
        make = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", commands[0]], cwd=ROOT, env=first,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=ignore_sigint)
    try:
        wait_until(lambda: "Ready." in log_path.read_text() or make.poll() is not None, "`make run` ready", 600)
        assert make.poll() is None, log_path.read_text()
        api = f"http://127.0.0.1:{first['PIPEGRAM_EMULATOR_PORT']}"
        assert f"in a browser:   {api}/" in log_path.read_text()
        assert "Pipegram web chat" in httpx.get(f"{api}/").text
        assert "make chat" in log_path.read_text()  # the printed terminal command is one that works

        chat = in_fresh_shell(commands[2], second, stdin="hello there\n")
        assert chat.returncode == 0, chat.stderr
        assert re.search(r"^you> bot> \S", chat.stdout, re.M), chat.stdout
        # Ready comes with the last skill warm; its process announces itself to Redis a moment later.
        wait_until(lambda: "Workers online: 3" in in_fresh_shell(commands[3], second).stdout, "both announced", 30)
        status = in_fresh_shell(commands[3], second)
        assert status.returncode == 0 and "on cpu" in status.stdout, status.stdout + status.stderr
        again = in_fresh_shell(".venv/bin/pipegram up", second)
        assert again.returncode == 1 and "Pipegram already runs from this directory" in again.stderr

        wait_until(lambda: "→ bot: hello there" in log_path.read_text(), "the conversation in the terminal", 30)
        output = log_path.read_text()
        summary = output.split("→ bot: hello there")[0].splitlines()[:-1]
        assert len(summary) <= SUMMARY_MAX_LINES, "\n".join(summary)
        for noise in ("aiohttp.access", "Loading weights", "Traceback", "celery.redirected", "-------------- "):
            assert noise not in output, f"{noise!r} reached the terminal:\n{output}"
        assert re.search(r"→ bot: hello there\n.*bot → \S+: \S", output), output
        private = re.search(r"^Redis +(redis://\S+), started for Pipegram", output, re.M)
        assert private, output
        # Every key a running Pipegram made is one it knows as its own, or the next `make run` would refuse it.
        assert foreign_keys(redis.Redis.from_url(private.group(1))) == []
    finally:
        tree = descendants(make.pid)  # while up still runs: its children are in process groups of their own
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in a terminal: the foreground group; make ignores it too
            try:
                make.wait(90)
            except subprocess.TimeoutExpired:
                make.kill()
                make.wait()
        left = kill_leftovers(tree)
    assert make.returncode == 0, log_path.read_text()
    assert not left, f"still running after `make run` stopped: {left}"
    assert log_path.read_text().rstrip().endswith("Stopped.")
    assert not redis_answers(private.group(1))
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{api}/healthz")
    assert not (run_dir / "up.json").exists()

