"""The bot's Prometheus metrics, and the /metrics and /healthz endpoints it serves on its own port.

The bot is one process, so plain in-process metrics suffice (no multiprocess directory). Its endpoint has
its own port even in webhook mode: the webhook port faces Telegram, the metrics port faces the operator.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time

# In-process mode even if a worker's multiprocess directory leaked into this environment. Only before the
# first import: afterwards (a test importing both sides) the variable is what the worker's values write to.
if "prometheus_client" not in sys.modules:
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

import redis.asyncio as aioredis  # noqa: E402
from aiohttp import web  # noqa: E402
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest  # noqa: E402

from shared import store  # noqa: E402
from shared.settings import port_taken  # noqa: E402

log = logging.getLogger(__name__)

UPDATES = Counter("pipegram_bot_updates_total", "Updates received from Telegram")
ENQUEUED = Counter("pipegram_bot_jobs_enqueued_total", "Jobs the bot put on a queue, by skill", ["skill"])
REFUSED = Counter("pipegram_bot_refusals_total", "Updates refused before enqueuing, by reason", ["reason"])
NOT_QUEUED = Counter("pipegram_bot_not_queued_total", "Updates left unconfirmed because a job could not be stored")
TELEGRAM_ERRORS = Counter("pipegram_telegram_errors_total", "Bot API calls that failed, by error", ["error"])

# A long poll returns within its timeout plus the read margin; after a backoff it runs again. Longer means stuck.
POLL_STALE_S = 90.0


class Liveness:
    """When the update loop last went round; the webhook server counts as alive once it listens."""

    def __init__(self) -> None:
        self.beat_at: float | None = None
        self.webhook = False

    def beat(self) -> None:
        self.beat_at = time.monotonic()

    def alive(self) -> bool:
        return self.webhook or (self.beat_at is not None and time.monotonic() - self.beat_at < POLL_STALE_S)


def telegram_error(exc: BaseException) -> None:
    TELEGRAM_ERRORS.labels(type(exc).__name__).inc()


async def health(r: aioredis.Redis, liveness: Liveness) -> tuple[bool, dict[str, bool]]:
    """Healthy when Redis answers and updates are being taken (polling goes round, or the webhook listens)."""
    try:
        redis_ok = bool(await asyncio.wait_for(r.ping(), 3))
    except (aioredis.RedisError, OSError, TimeoutError):
        redis_ok = False
    updates_ok = liveness.alive()
    return redis_ok and updates_ok, {"ok": redis_ok and updates_ok, "redis": redis_ok, "updates": updates_ok}


async def serve(listen: str, port: int, redis_url: str, liveness: Liveness) -> web.AppRunner:
    """Start serving /metrics and /healthz; a port that is taken raises ConfigError."""
    # Its own client without retries: a probe should hear at once that Redis is gone.
    r = store.probe_async(redis_url)

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_: web.Request) -> web.Response:
        ok, body = await health(r, liveness)
        return web.json_response(body, status=200 if ok else 503)

    async def close_redis(_: web.Application) -> None:
        await r.aclose()

    app = web.Application()
    app.on_cleanup.append(close_redis)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise port_taken("PIPEGRAM_METRICS_PORT", port, exc.strerror or str(exc)) from None
    log.info("metrics on http://%s:%d/metrics, health on /healthz", listen, port)
    return runner
