"""Which Redis database is Pipegram's: `pipegram up` never writes into one holding another application's keys,
and `pipegram status` tells an idle Pipegram from none at all."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import redis

from shared import store
from shared.keys import PREFIX
from shared.skills import QUEUES

# Celery's Redis transport: the jobs being worked on, and exchange bindings (`_kombu.binding.<queue>`).
KOMBU_KEYS = ("unacked", "unacked_index", "unacked_mutex")
SAMPLE = 1000  # keys looked at; enough to spot another application without walking a big database


def is_pipegram_key(name: str) -> bool:
    """A key Pipegram (or Celery on its behalf) creates: its own prefix, a queue, or a Celery transport key."""
    return (name.startswith(f"{PREFIX}:") or name.startswith("_kombu.") or name in KOMBU_KEYS
            or name.split("\x06\x16")[0] in QUEUES  # a queue, or one of its priority lists
            or name.endswith(".reply.celery.pidbox"))


def sample_keys(r: redis.Redis, limit: int = SAMPLE) -> list[str]:
    """Up to `limit` key names of the database, in SCAN order."""
    keys: list[str] = []
    for key in r.scan_iter(count=limit):
        keys.append(key.decode(errors="replace") if isinstance(key, bytes) else key)
        if len(keys) >= limit:
            break
    return keys


def foreign_keys(r: redis.Redis) -> list[str]:
    """Keys Pipegram did not create, among a sample of the database's keys."""
    return [key for key in sample_keys(r) if not is_pipegram_key(key)]


def shown(url: str) -> str:
    """A Redis URL to print: its password masked."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def reason(exc: Exception) -> str:
    """The gist of a Redis client error: "Connection refused.", not "Error 111 connecting to host:port. …"."""
    return (str(exc) or type(exc).__name__).rsplit(". ", 1)[-1]


def probe(url: str) -> redis.Redis:
    """A client that fails at once (no retries), for commands that must answer quickly."""
    return store.probe(url)
