"""`pipegram status`: what runs on a Redis, or one sentence saying why nothing does; non-zero when nothing serves."""

from __future__ import annotations

import json
import sys
from typing import Any

import redis

from pipegram.redisdb import is_pipegram_key, probe, reason, sample_keys, shown
from shared.inflight import held_jobs
from shared.status import read_status, render_status


def report_status(url: str, as_json: bool = False) -> int:
    """Print the workers and queues of the Pipegram on this Redis; 1 when no worker is online or no Redis answers."""
    r = probe(url)
    try:
        status = read_status(r)
        jobs = held_jobs(r, sorted({worker["node"] for worker in status["workers"]})) if as_json else []
        pipegram_there = status["workers"] or any(status["queues"].values()) or any(map(is_pipegram_key,
                                                                                         sample_keys(r)))
    except (redis.RedisError, OSError) as exc:
        print(f"No Redis answers at {shown(url)} ({reason(exc)}): start Pipegram (`make run`) or set REDIS_URL to the "
              "Redis your bot and workers use.", file=sys.stderr)
        return 1
    if not pipegram_there:
        print(f"No Pipegram runs on {shown(url)}: that Redis database holds no Pipegram data. Set REDIS_URL to the "
              "Redis your bot and workers use (database number included), or start Pipegram with `make run`.",
              file=sys.stderr)
        return 1
    print(json.dumps(fleet_json(status, jobs), indent=2) if as_json else render_status(status))
    if not status["workers"]:
        print(f"No worker is online on {shown(url)}: jobs wait until one starts (`pipegram worker`).",
              file=sys.stderr)
        return 1
    return 0


def fleet_json(status: dict[str, Any], jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Queue depths as an autoscaler needs them (waiting in the list, and held by workers: running or reserved),
    the workers with the job ids each holds, and the held jobs."""
    queues = {queue: {"waiting": waiting, "held": sum(job["queue"] == queue for job in jobs)}
              for queue, waiting in status["queues"].items()}
    workers = [{**worker, "jobs": [job["job_id"] for job in jobs if job["worker"] == worker["node"]]}
               for worker in status["workers"]]
    return {"queues": queues, "workers": workers, "jobs": jobs}
