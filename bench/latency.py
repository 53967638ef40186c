"""What the queue adds: a text job end to end vs the same pipeline in-process vs a bare Celery echo.

Run `make bench` (or `python bench/latency.py --jobs 100`). Starts its own Redis, emulator, worker and bot,
with tiny models, and prints p50/p99 for each path and their ratios, side by side, from one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.client import EmulatorClient  # noqa: E402
from tests.e2e.conftest import start_stack  # noqa: E402
from tests.processes import PIPEGRAM, free_port, start, start_redis, wait_until  # noqa: E402

TEXT = "hello there, how are you today?"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def end_to_end(client: EmulatorClient, jobs: int) -> list[float]:
    """Inject a message and wait (long poll, no sleeps) for the worker's reply, one job at a time."""
    samples = []
    for n in range(jobs):
        chat = 90_000 + n  # a fresh chat each time: no history, the same prompt as in-process
        began = time.perf_counter()
        client.send_text(TEXT, user_id=chat)
        client.wait_for_replies(chat, timeout=60)
        samples.append(time.perf_counter() - began)
    return samples


def in_process(cache: Path, jobs: int) -> list[float]:
    """The chat skill's model call alone, in this process, with the same tiny model."""
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import chat

    pipe = load_pipeline(chat.TASK, chat.TINY_MODEL, ModelSpec("tiny"), cache)
    conversation = [{"role": "user", "content": TEXT}]
    chat.forward(pipe, [conversation], ModelSpec("tiny"))
    samples = []
    for _ in range(jobs):
        began = time.perf_counter()
        chat.forward(pipe, [conversation], ModelSpec("tiny"))
        samples.append(time.perf_counter() - began)
    return samples


def celery_echo(redis_url: str, log_dir: Path, jobs: int) -> list[float]:
    """Round trips of a bare Celery echo task through a solo worker."""
    os.environ["REDIS_URL"] = redis_url
    from bench.echo import echo

    worker = start("echo-worker", [sys.executable, "-m", "celery", "-A", "bench.echo", "worker", "-P", "solo",
                                   "--without-gossip", "--without-mingle", "-l", "WARNING"], log_dir,
                   {"REDIS_URL": redis_url})
    try:
        wait_until(lambda: echo.delay("up").get(timeout=5) == "up", "the echo worker", 60, worker)
        samples = []
        for n in range(jobs):
            began = time.perf_counter()
            echo.delay(str(n)).get(timeout=10)
            samples.append(time.perf_counter() - began)
        return samples
    finally:
        worker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60)
    args = parser.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="pipegram-bench-"))
    redis_proc, redis_url = start_redis(log_dir)
    port = free_port()
    emulator = start("emulator", [*PIPEGRAM, "emulator", "--port", str(port)], log_dir)
    try:
        EmulatorClient(f"http://127.0.0.1:{port}", "1:probe").wait_until_up(30)
        stack = start_stack("bench", "333333:bench-token", f"http://127.0.0.1:{port}", redis_url, log_dir,
                            cache=log_dir / "cache")
        try:
            end_to_end(stack.client, 5)  # warm connections and caches
            e2e = end_to_end(stack.client, args.jobs)
        finally:
            stack.stop()
        local = in_process(log_dir / "cache", args.jobs)
        echo = celery_echo(redis_url.rsplit("/", 1)[0] + "/2", log_dir, args.jobs)
    finally:
        emulator.stop()
        redis_proc.stop()
    report(args.jobs, e2e, local, echo)


def report(jobs: int, e2e: list[float], local: list[float], echo: list[float]) -> None:
    (e50, e99), (l50, l99), (c50, c99) = percentiles(e2e), percentiles(local), percentiles(echo)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{jobs} sequential jobs per path, tiny chat model")
    print(f"{'path':<42}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'end to end (emulator+bot+Redis+worker)':<42}{e50:>10.1f}{e99:>10.1f}")
    print(f"{'same pipeline in-process':<42}{l50:>10.1f}{l99:>10.1f}")
    print(f"{'bare Celery echo round trip':<42}{c50:>10.1f}{c99:>10.1f}")
    added = e50 - l50
    print(f"queue's added cost (p50): {added:.1f} ms = {added / c50:.1f}x the bare Celery echo; "
          f"end to end is {e50 / l50:.2f}x in-process")


if __name__ == "__main__":
    main()
