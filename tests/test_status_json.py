"""`pipegram status --json`: waiting and held jobs per queue and which worker holds which, from a real Redis."""

from __future__ import annotations

import json
import subprocess

import redis
from kombu import Connection

from shared.celery_app import make_celery, transport_options
from shared.jobs import Job
from shared.settings import Settings
from shared.skills import task_name
from tests.processes import PIPEGRAM, ROOT
from workers.leases import Renewer
from workers.presence import announce


def test_status_json_counts_waiting_and_held_jobs_and_names_the_holder(own_redis_url: str) -> None:
    settings = Settings(_env_file=None, redis_url=own_redis_url)
    app = make_celery(settings)
    jobs = [Job(skill="chat", chat_id=40 + n, user_id=40 + n, message_id=n) for n in range(3)]
    for job in jobs:
        app.send_task(task_name("chat"), args=[job.encode()], queue="text")
    r = redis.Redis.from_url(own_redis_url)
    announce(r, "gpu0@host", ["chat"])  # as a warm pool child does
    with Connection(own_redis_url, transport_options=transport_options(settings)) as conn:
        channel = conn.channel()
        assert channel.basic_get("text") is not None  # a worker took the oldest job and runs it
        Renewer(channel, 5, node="gpu0@host").renew()
        result = subprocess.run([*PIPEGRAM, "status", "--json"], cwd=ROOT, capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin", "REDIS_URL": own_redis_url, "HOME": "/tmp"}, timeout=60)
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["queues"]["text"] == {"waiting": 2, "held": 1}
    assert status["queues"]["speech"] == {"waiting": 0, "held": 0}
    [held] = status["jobs"]
    assert (held["job_id"], held["skill"], held["chat_id"], held["queue"], held["worker"]) == \
        (jobs[0].job_id, "chat", 40, "text", "gpu0@host")
    assert 0 <= held["lease_age_s"] < 5
    [worker] = status["workers"]
    assert worker["jobs"] == [jobs[0].job_id]
