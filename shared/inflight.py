"""Jobs taken off a queue but not yet acked (running or reserved), read from kombu's `unacked` bookkeeping.

KEDA's Redis scaler and LLEN see only the waiting list; this is the rest of the demand, for `pipegram status --json`.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import redis

from shared.keys import lease_holder_key
from shared.store import as_text

UNACKED, UNACKED_INDEX = "unacked", "unacked_index"  # kombu's Redis transport's key names


def held_jobs(r: redis.Redis, nodes: list[str]) -> list[dict[str, Any]]:
    """Every unacked job: queue, skill, chat, job id, seconds since its lease was renewed, and which node holds it."""
    holders = {tag: node for node in nodes for tag in json.loads(r.get(lease_holder_key(node)) or "[]")}
    now, jobs = time.time(), []
    stamps: list[tuple[bytes, float]] = r.zrange(UNACKED_INDEX, 0, -1, withscores=True)  # type: ignore[assignment]
    for tag, stamped in stamps:
        raw = r.hget(UNACKED, tag)
        if raw is None:  # acked between the two reads
            continue
        message, _, queue = json.loads(raw)
        jobs.append({"queue": queue, **_job_fields(message), "lease_age_s": round(now - stamped, 1),
                     "worker": holders.get(as_text(tag))})
    return jobs


def _job_fields(message: dict[str, Any]) -> dict[str, Any]:
    """The job id, skill and chat from a Celery message on Redis (JSON body, base64 encoded by kombu)."""
    try:
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, _kwargs, _embed = json.loads(body)  # Celery's message protocol 2
        payload = args[0]
        return {"job_id": payload.get("job_id"), "skill": payload.get("skill"), "chat_id": payload.get("chat_id")}
    except (KeyError, ValueError, TypeError, AttributeError):
        return {"job_id": None, "skill": None, "chat_id": None}
