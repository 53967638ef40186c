"""What Flower and `celery events` see of a job: its id and skill, never the user's words, chat or file."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from shared.celery_app import make_celery
from tests.e2e.conftest import Stack
from tests.processes import wait_until

pytestmark = pytest.mark.e2e

USER = 5_555_001
WORDS = "my very private question about the orchid"


@pytest.fixture
def events(stack: Stack) -> Iterator[list[dict]]:
    """Every task event on the stack's Redis while the test runs, as a monitoring tool receives them."""
    seen: list[dict] = []
    app = make_celery(stack.redis_url)
    with app.connection() as connection:
        receiver = app.events.Receiver(connection, handlers={"*": seen.append})
        listening = threading.Thread(target=receiver.capture, kwargs={"limit": None, "timeout": None}, daemon=True)
        listening.start()
        time.sleep(1.0)  # the receiver's queue must be bound before the first event
        yield seen
        receiver.should_stop = True
        listening.join(timeout=10)


def test_task_events_show_the_job_and_skill_but_not_the_message(stack: Stack, events: list[dict]) -> None:
    stack.client.fail_next("sendMessage", 1, error_code=502)  # Telegram down once: the job is sent again, retried
    asked = stack.client.send_text(WORDS, user_id=USER)
    stack.client.wait_for_replies(USER, after=asked["message_id"], timeout=90)
    wait_until(lambda: {"task-sent", "task-received", "task-retried", "task-succeeded"} <= {e["type"] for e in events},
               "the job's task events", 30)
    assert len([event for event in events if event["type"] == "task-received"]) == 2
    shown = [event for event in events if event["type"] in ("task-sent", "task-received")]
    assert all(event["args"].startswith("job ") and event["args"].endswith("(chat)") for event in shown), shown
    for event in events:
        assert "orchid" not in str(event) and str(USER) not in str(event), event
