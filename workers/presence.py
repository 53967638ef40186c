"""Workers announce themselves in Redis (node, device, warm skills) so `pipegram status` and /status can tell."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time

import redis

from shared.status import announce_worker

REFRESH_S = 15
TTL_S = 45  # a worker that stops refreshing (killed, host gone) drops out within this


def describe_device() -> str:
    """Where this process runs its models, e.g. "cuda:0 (NVIDIA H200)" or "cpu (2 threads)"."""
    import torch

    if not torch.cuda.is_available():
        threads = torch.get_num_threads()
        return f"cpu ({threads} thread{'s' if threads > 1 else ''})"
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    return f"cuda:0 (GPU {visible or 0}: {torch.cuda.get_device_name(0)})"


def announce(r: redis.Redis, node: str, models: dict[str, str]) -> None:
    """Publish this worker process (its warm skills and which model each loaded) now and every REFRESH_S seconds,
    from a daemon thread."""
    info = json.dumps({"node": node, "host": socket.gethostname(), "pid": os.getpid(), "device": describe_device(),
                       "skills": list(models), "models": models, "started": time.time()})

    def refresh() -> None:
        while True:
            with contextlib.suppress(redis.RedisError):  # Redis restarting: the next refresh puts us back
                announce_worker(r, info, TTL_S)
            time.sleep(REFRESH_S)

    threading.Thread(target=refresh, name="presence", daemon=True).start()
