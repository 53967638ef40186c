"""What is running: workers with their devices and warm skills, and how many jobs wait on each queue."""

from __future__ import annotations

import json
import os
from typing import Any

import redis

from shared.keys import worker_key
from shared.skills import QUEUES


def read_status(r: redis.Redis) -> dict[str, Any]:
    """Workers (from their announcements) and queue lengths (Redis lists, one per queue)."""
    workers = [json.loads(raw) for key in r.scan_iter(worker_key("*")) if (raw := r.get(key))]
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
