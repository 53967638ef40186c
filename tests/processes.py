"""Test-only helpers around the real processes (pipegram/stack.py starts and stops them): which pool child
serves a skill, how far its memory rose, a port that is taken."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipegram.ports import free_port
from pipegram.stack import (
    PIPEGRAM,
    ROOT,
    Process,
    descendants,
    kill_leftovers,
    redis_answers,
    start,
    start_redis,
    wait_until,
)

__all__ = ["PIPEGRAM", "ROOT", "PeakMemory", "Process", "descendants", "free_port", "kill_leftovers",
           "pool_child_pid", "redis_answers", "start", "start_redis", "taken_port", "wait_until"]


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


@contextmanager
def taken_port() -> Iterator[int]:
    """A loopback port something listens on while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]
