"""Starting and stopping the real processes tests run against: Redis, emulator, workers, bot."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import redis

from pipegram.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
PIPEGRAM = [sys.executable, "-m", "pipegram.cli"]


def wait_until(check: Callable[[], object], what: str, timeout: float = 60, proc: Process | None = None) -> None:
    """Wait for a condition, failing early with the process log if the process died."""
    deadline = time.monotonic() + timeout
    while not check():
        if proc is not None and proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}) before {what}:\n{proc.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s" + (f":\n{proc.tail()}" if proc else ""))
        time.sleep(0.05)


@dataclass
class Process:
    """A child process whose output goes to a log file the tests can read."""

    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM, then SIGKILL after timeout; a worker's pool child or sibling left behind is killed too."""
        if self.popen.poll() is None:
            family = descendants(self.popen.pid)
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
            kill_leftovers(family)


def start(name: str, argv: list[str], log_dir: Path, env: dict[str, str] | None = None) -> Process:
    """Start a process with its stdout and stderr in log_dir/name.log."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        popen = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    return Process(name, popen, log_path)


def start_redis(log_dir: Path, *extra: str, port: int | None = None,
                password: str | None = None) -> tuple[Process, str]:
    """A private redis-server (on a free port unless given); returns it and its URL."""
    port = port or free_port()
    if password:
        extra = (*extra, "--requirepass", password)
    data = log_dir / f"redis-{port}"
    data.mkdir(parents=True, exist_ok=True)
    proc = start(f"redis-{port}", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--dir", str(data), *extra], log_dir)
    url = f"redis://:{password}@127.0.0.1:{port}/0" if password else f"redis://127.0.0.1:{port}/0"

    wait_until(lambda: redis_answers(url), "redis-server answering PING", 20, proc)
    return proc, url


def redis_answers(url: str) -> bool:
    """Whether a Redis at this URL answers PING now."""
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def pool_child_pid(worker: Process, skill: str) -> int:
    """The pid of the worker's pool child that serves skill (the last one to warm it up)."""
    found = re.findall(rf"skill {skill} warm in [\d.]+ s \(pid (\d+)\)", worker.log())
    if not found:
        raise RuntimeError(f"{worker.name} has not warmed {skill}:\n{worker.tail()}")
    return int(found[-1])


class PeakMemory:
    """How far a process's resident memory rose above where it was, from /proc (reset on entry, read on exit)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.growth_mb = pid, 0.0

    def _kib(self, field: str) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1))  # type: ignore[union-attr]

    def __enter__(self) -> PeakMemory:
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # the high-water mark starts again from here
        self._start = self._kib("VmRSS")
        return self

    def __exit__(self, *exc: object) -> None:
        self.growth_mb = (self._kib("VmHWM") - self._start) / 1024


def descendants(pid: int) -> list[int]:
    """Every process below pid now: its children, theirs, and so on."""
    table = subprocess.run(["ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children: defaultdict[int, list[int]] = defaultdict(list)
    for line in table.splitlines():
        child, parent = map(int, line.split())
        children[parent].append(child)
    found, todo = [], [pid]
    while todo:
        for child in children[todo.pop()]:
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def kill_leftovers(pids: list[int]) -> list[int]:
    """SIGKILL whichever of these processes still run; returns them, so a test can fail on them."""
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@contextmanager
def taken_port() -> Iterator[int]:
    """A loopback port something listens on while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]
