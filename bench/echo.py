"""The floor: a bare Celery echo task on the same Redis, JSON, acks late, with a Redis result backend."""

import os
import time

from celery import Celery

app = Celery("echo", broker=os.environ["REDIS_URL"], backend=os.environ["REDIS_URL"])
app.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json", task_acks_late=True,
                worker_prefetch_multiplier=1, worker_hijack_root_logger=False)


@app.task(name="echo")
def echo(value: str) -> str:
    return value


@app.task(name="arrived")
def arrived(sent: float) -> float:
    """Seconds from the sender's clock reading before publishing to this task starting: the queue hop one way."""
    return time.time() - sent
