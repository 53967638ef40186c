"""Redis clients that ride out a Redis restart instead of failing the job or update in hand."""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError
from redis.retry import Retry

from shared import sentinel
from shared.settings import get_settings

# About 30 s of retries, backing off to 2 s: longer than a Redis restart with an AOF reload of a queue.
RETRIES = 20
BACKOFF = ExponentialBackoff(cap=2.0, base=0.05)
RETRY_ON = [ConnectionError, TimeoutError, ConnectionRefusedError]
PROBE_TIMEOUT_S = 2  # health probes and status: no retries, an answer or an error at once


def connect(url: str) -> redis.Redis:
    """A blocking client for workers (the Sentinels' current master when REDIS_SENTINELS is set)."""
    return _client(url, False, retry=Retry(BACKOFF, RETRIES), retry_on_error=RETRY_ON, health_check_interval=30)


# The bot's one update loop serves every user: a call gives up after about 3 s (the update then comes again),
# and a Redis that hangs instead of refusing is noticed by timeouts.
BOT_RETRIES = 5
BOT_TIMEOUT_S = 3.0


def connect_async(url: str) -> aioredis.Redis:
    """An asyncio client for the bot."""
    return _client(url, True, retry=AsyncRetry(BACKOFF, BOT_RETRIES), retry_on_error=RETRY_ON,
                   health_check_interval=30, socket_timeout=BOT_TIMEOUT_S, socket_connect_timeout=BOT_TIMEOUT_S)



def probe(url: str) -> redis.Redis:
    """A client that fails fast, for /healthz and `pipegram status`."""
    return _client(url, False, socket_timeout=PROBE_TIMEOUT_S, socket_connect_timeout=PROBE_TIMEOUT_S)


def probe_async(url: str) -> aioredis.Redis:
    """The asyncio twin of `probe`, for the bot's /healthz."""
    return _client(url, True, socket_timeout=PROBE_TIMEOUT_S, socket_connect_timeout=PROBE_TIMEOUT_S)


def _client(url: str, asynchronous: bool, **options: Any) -> Any:
    if (settings := get_settings()).sentinels:
        return (sentinel.master_async if asynchronous else sentinel.master)(settings, url, **options)
    return (aioredis.Redis if asynchronous else redis.Redis).from_url(url, **options)


def as_text(value: bytes | str) -> str:
    """A Redis reply as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value
