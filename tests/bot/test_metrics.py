"""The bot's /healthz: 200 only while Redis answers and updates come in, so an orchestrator can restart it."""

from __future__ import annotations

import asyncio

import httpx

from bot import metrics
from tests.processes import free_port


def probe(redis_url: str, liveness: metrics.Liveness) -> tuple[int, dict]:
    async def scenario() -> tuple[int, dict]:
        port = free_port()
        runner = await metrics.serve("127.0.0.1", port, redis_url, liveness)
        assert runner is not None
        try:
            async with httpx.AsyncClient() as client:
                response = await client.get(f"http://127.0.0.1:{port}/healthz")
                assert (await client.get(f"http://127.0.0.1:{port}/metrics")).status_code == 200
        finally:
            await runner.cleanup()
        return response.status_code, response.json()

    return asyncio.run(scenario())


def test_healthy_while_polling_goes_round_and_redis_answers(redis_url: str) -> None:
    polling = metrics.Liveness()
    polling.beat()
    assert probe(redis_url, polling) == (200, {"ok": True, "redis": True, "updates": True})


def test_unhealthy_before_the_first_poll_or_when_polling_is_stuck(redis_url: str) -> None:
    assert probe(redis_url, metrics.Liveness())[0] == 503
    stuck = metrics.Liveness()
    stuck.beat()
    stuck.beat_at -= metrics.POLL_STALE_S + 1  # the last round began longer ago than a poll can take
    assert probe(redis_url, stuck) == (503, {"ok": False, "redis": True, "updates": False})


def test_unhealthy_when_redis_is_gone() -> None:
    webhook = metrics.Liveness()
    webhook.webhook = True
    assert probe(f"redis://127.0.0.1:{free_port()}/0", webhook) == (503, {"ok": False, "redis": False,
                                                                         "updates": True})
