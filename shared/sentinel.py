"""Redis Sentinel: every Pipegram client, and Celery's broker, asks the Sentinels where the master is now."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import redis
import redis.asyncio as aioredis
from kombu.transport.redis import SentinelChannel
from kombu.transport.redis import SentinelTransport as KombuSentinelTransport
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.connection import parse_url
from redis.sentinel import Sentinel

from shared.settings import Settings

SENTINEL_TIMEOUT_S = 2.0  # a Sentinel that does not answer is skipped for the next one


def _master_kwargs(url: str) -> dict[str, Any]:
    """REDIS_URL's password, user and database, which apply to the master; its host and port do not."""
    kwargs = parse_url(url)
    for ignored in ("host", "port", "connection_class", "path"):
        kwargs.pop(ignored, None)
    return kwargs


def _sentinel_kwargs(settings: Settings) -> dict[str, Any]:
    # Without the Sentinels' own password they refuse every question: "No master found" (celery#6551).
    password = settings.redis_sentinel_password
    return {"socket_timeout": SENTINEL_TIMEOUT_S, "socket_connect_timeout": SENTINEL_TIMEOUT_S,
            **({"password": password.get_secret_value()} if password else {})}


def master(settings: Settings, url: str, **options: Any) -> redis.Redis:
    """A client for the current master: it asks again after a failover (a demoted master's ReadOnlyError too)."""
    sentinel = Sentinel(settings.sentinels, sentinel_kwargs=_sentinel_kwargs(settings), **_master_kwargs(url))
    return sentinel.master_for(settings.redis_sentinel_master, redis_class=redis.Redis, **options)


def master_async(settings: Settings, url: str, **options: Any) -> aioredis.Redis:
    """The asyncio twin of `master`, for the bot."""
    sentinel = AsyncSentinel(settings.sentinels, sentinel_kwargs=_sentinel_kwargs(settings), **_master_kwargs(url))
    return sentinel.master_for(settings.redis_sentinel_master, redis_class=aioredis.Redis, **options)


def broker_url(settings: Settings) -> str:
    """Celery's `sentinel://` URL: one entry per Sentinel, each with the master's password and database."""
    parts = urlsplit(settings.redis_url)
    auth = f"{parts.username or ''}:{parts.password}@" if parts.password else ""  # still percent-encoded
    database = parts.path.strip("/") or "0"
    return ";".join(f"sentinel://{auth}{host}:{port}/{database}" for host, port in settings.sentinels)


def broker_options(settings: Settings) -> dict[str, Any]:
    """kombu's Sentinel options: which master, and how to talk to the Sentinels."""
    return {"master_name": settings.redis_sentinel_master, "sentinel_kwargs": _sentinel_kwargs(settings)}


class ClosedSafeSentinelChannel(SentinelChannel):
    """kombu's Sentinel channel, which fails as a connection error once its transport is closed.

    At a failover Celery's consumer closes its connection, and the channel's close then builds a pool (to hand
    back unacked jobs) from a transport whose client is already gone: an AttributeError, which Celery treats as
    unrecoverable, so the worker exited. A connection error instead is ignored there, the consumer reconnects
    through the Sentinels, and the unacked jobs come back through their leases.
    """

    def _get_pool(self, asynchronous: bool = False) -> Any:
        if self.connection.client is None:
            raise redis.exceptions.ConnectionError("the broker connection is closed (a failover)")
        return super()._get_pool(asynchronous)


class SentinelTransport(KombuSentinelTransport):
    """Celery's broker transport with REDIS_SENTINELS (`broker_transport`)."""

    Channel = ClosedSafeSentinelChannel
