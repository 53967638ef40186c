"""Operators can scrape the bot and the workers with Prometheus, probe their health, and read JSON logs."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import Stack, start_stack
from tests.processes import PIPEGRAM, free_port, start, wait_until

pytestmark = pytest.mark.e2e

TOKEN = "919191:metrics-token"
REDIS_DB = 9


@dataclass
class Scraped:
    """A running stack and where its endpoints are."""

    stack: Stack
    bot: str
    worker: str  # the node's prefork process (speech)
    batch_worker: str  # its batched text and embed process


def free_ports(*offsets: int) -> int:
    """A free port p with p + each offset free too (a worker's other processes take p + 1 and up)."""
    for _ in range(50):
        port = free_port()
        if all(_bindable(port + offset) for offset in offsets):
            return port
    raise RuntimeError(f"no free port with {offsets} above it free too")


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def scraped(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Scraped]:
    bot_port, worker_port = free_port(), free_ports(1, 2)  # a node: text and embed (batched), speech, vision
    env = {"PIPEGRAM_METRICS_LISTEN": "127.0.0.1", "PIPEGRAM_METRICS_PORT": str(bot_port),
           "PIPEGRAM_WORKER_METRICS_PORT": str(worker_port), "LOG_FORMAT": "json"}
    stack = start_stack("metrics", TOKEN, emulator_url, f"{redis_url.rsplit('/', 1)[0]}/{REDIS_DB}", log_dir,
                        cache=models_cache, shared_env=env)
    yield Scraped(stack, f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{worker_port + 1}",
                  f"http://127.0.0.1:{worker_port}")
    stack.stop()


def scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics page, keyed by name and sorted labels."""
    response = httpx.get(f"{base}/metrics", timeout=10)
    assert response.status_code == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def health(base: str) -> tuple[int, dict]:
    response = httpx.get(f"{base}/healthz", timeout=10)
    return response.status_code, response.json()


def test_health_endpoints_answer_200_with_json_when_serving(scraped: Scraped) -> None:
    wait_until(lambda: health(scraped.worker)[0] == 200, "the worker's /healthz answering 200", 30)
    status, body = health(scraped.worker)
    assert body["ok"] is True and "transcribe" in body["skills"]
    status, body = health(scraped.batch_worker)
    assert status == 200 and {"chat", "similar", "find"} <= set(body["skills"])
    status, body = health(scraped.bot)
    assert status == 200 and body == {"ok": True, "redis": True, "updates": True}


def test_a_job_moves_the_counters_on_the_worker_and_the_bot(scraped: Scraped) -> None:
    client, chat = scraped.stack.client, 9101  # chat batches: it runs on the batched (threads-pool) worker
    bot_before, worker_before = scrape(scraped.bot), scrape(scraped.batch_worker)
    asked = client.send_text("hello metrics", user_id=chat)
    client.wait_for_replies(chat, after=asked["message_id"], timeout=60)
    # The reply goes out before the worker counts the job: wait for the count, then check it moved by one.
    answered = {"skill": "chat", "outcome": "answered"}
    wait_until(lambda: value(scrape(scraped.batch_worker), "pipegram_jobs_total", **answered) >
               value(worker_before, "pipegram_jobs_total", **answered), "the job counted", 30)
    worker_after, bot_after = scrape(scraped.batch_worker), scrape(scraped.bot)

    def moved(before: dict, after: dict, name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved(worker_before, worker_after, "pipegram_jobs_total", **answered) == 1
    assert moved(worker_before, worker_after, "pipegram_job_run_seconds_count", skill="chat") == 1
    assert moved(worker_before, worker_after, "pipegram_job_queue_wait_seconds_count", skill="chat") == 1
    assert value(worker_after, "pipegram_model_load_seconds_count", skill="chat") >= 1
    assert moved(bot_before, bot_after, "pipegram_bot_jobs_enqueued_total", skill="chat") == 1
    assert moved(bot_before, bot_after, "pipegram_bot_updates_total") >= 1


def test_a_telegram_429_shows_as_an_error_and_a_retry(scraped: Scraped) -> None:
    client, chat = scraped.stack.client, 9102
    before = scrape(scraped.batch_worker)
    client.fail_next("sendMessage", 1, retry_after=1)
    asked = client.send_text("hello again", user_id=chat)
    client.wait_for_replies(chat, after=asked["message_id"], timeout=60)
    after = scrape(scraped.batch_worker)
    assert value(after, "pipegram_telegram_retries_total") - value(before, "pipegram_telegram_retries_total") == 1
    assert value(after, "pipegram_telegram_errors_total", error="RetryAfter") - \
        value(before, "pipegram_telegram_errors_total", error="RetryAfter") == 1


def test_batched_jobs_show_their_batch_size(scraped: Scraped) -> None:
    client, chat = scraped.stack.client, 9103
    asked = client.send_text("/similar cats | dogs", user_id=chat)
    client.wait_for_replies(chat, after=asked["message_id"], timeout=60)
    wait_until(lambda: value(scrape(scraped.batch_worker), "pipegram_batch_size_count", skill="similar") >= 1,
               "the batch observed", 30)


def test_each_gpu_worker_serves_on_its_own_port(scraped: Scraped, log_dir: Path) -> None:
    base = free_ports(1)
    env = {**scraped.stack.env, "REDIS_URL": scraped.stack.redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB + 1}",
           "PIPEGRAM_WORKER_METRICS_PORT": str(base)}
    gpus = start("metrics-gpus", [*PIPEGRAM, "worker", "--gpus", "0,1", "--queues", "text"], log_dir, env)
    try:
        for port in (base, base + 1):  # a text-only node is one process: GPU i's takes the port + i
            wait_until(lambda port=port: _answers_200(f"http://127.0.0.1:{port}"), f"GPU worker on {port} healthy",
                       180, gpus)
            assert "chat" in health(f"http://127.0.0.1:{port}")[1]["skills"]
    finally:
        gpus.stop()


def _answers_200(base: str) -> bool:
    try:
        return health(base)[0] == 200
    except httpx.HTTPError:
        return False


def test_json_logs_carry_the_job_fields_and_no_token(scraped: Scraped) -> None:
    events = [json.loads(line) for proc in (scraped.stack.worker, scraped.stack.bot)
              for line in proc.log().splitlines() if line.startswith("{")]
    queued = [e for e in events if e["message"].startswith("queued job") and e.get("chat_id") == 9101]
    done = [e for e in events if e.get("outcome") == "answered" and e.get("chat_id") == 9101]
    assert queued and done and queued[0]["job_id"] == done[0]["job_id"] and done[0]["skill"] == "chat"
    assert not any(TOKEN in json.dumps(e) for e in events)
