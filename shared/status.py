"""What is running: workers with their devices and warm skills, and how many jobs wait on each queue."""

from __future__ import annotations

import json
import os
from typing import Any

import redis
import redis.asyncio as aioredis

from shared.keys import workers_key
from shared.skills import QUEUES

# Redis's clock, so workers and readers on different machines agree on what has expired.
_LIVE = "return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. redis.call('TIME')[1], '+inf')"
_ANNOUNCE = """
local now = tonumber(redis.call('TIME')[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
"""


def announce_worker(r: redis.Redis, description: str, ttl_s: int) -> None:
    """Put a worker's self-description in the registry for ttl_s seconds, dropping ones that expired."""
    r.register_script(_ANNOUNCE)(keys=[workers_key()], args=[description, ttl_s])


def live_workers(r: redis.Redis) -> list[dict[str, Any]]:
    """The self-descriptions of the workers whose announcement has not expired."""
    return [json.loads(raw) for raw in r.register_script(_LIVE)(keys=[workers_key()])]


async def live_workers_async(r: aioredis.Redis) -> list[dict[str, Any]]:
    """live_workers, for the bot's event loop."""
    return [json.loads(raw) for raw in await r.register_script(_LIVE)(keys=[workers_key()])]


def read_status(r: redis.Redis) -> dict[str, Any]:
    """Workers (from their announcements) and queue lengths (Redis lists, one per queue)."""
    workers = live_workers(r)
    return {"workers": sorted(workers, key=lambda w: (w["node"], w["pid"])),
            "queues": {queue: int(r.llen(queue)) for queue in QUEUES}}


def render_status(status: dict[str, Any]) -> str:
    """The status as a few plain lines, for a terminal or a chat."""
    lines = [f"Workers online: {len(status['workers'])}"]
    lines += [f"• {w['node']} (pid {w['pid']}) on {w['device']}: {', '.join(w['skills']) or 'no skills'}"
              for w in status["workers"]]
    lines.append("Jobs waiting: " + ", ".join(f"{queue} {count}" for queue, count in status["queues"].items()))
    return "\n".join(lines)


def process_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
