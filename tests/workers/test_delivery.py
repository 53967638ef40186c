"""Delivering a reply against the emulator over HTTP and a real Redis: resumed per piece, refusals final."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from emulator.client import EmulatorClient
from shared.celery_app import REDELIVERY_WINDOW_S
from shared.jobs import Job
from shared.keys import attempts_key, delivery_key, reply_claim_key
from shared.settings import Settings
from workers import texts
from workers.runner import DeliveryFailed, WorkerState, count_attempt, deliver
from workers.sender import TelegramSender
from workers.skill import Reply

TOKEN = "525252:delivery-test"
PIECE = "word " * 800  # about 4,000 characters: one message each


@pytest.fixture(scope="module")
def client(emulator_url: str) -> Iterator[EmulatorClient]:
    with EmulatorClient(emulator_url, TOKEN) as client:
        client.reset()
        yield client


@pytest.fixture
def state(emulator_url: str, own_redis_url: str) -> Iterator[WorkerState]:
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=emulator_url,
                        redis_url=own_redis_url)
    state = WorkerState(settings, redis.Redis.from_url(own_redis_url), TelegramSender(settings))
    yield state
    state.sender.close()


def job_in(client: EmulatorClient, chat: int) -> Job:
    asked = client.send_text("a question", user_id=chat)
    return Job(skill="chat", chat_id=chat, user_id=chat, message_id=asked["message_id"])


def test_a_failure_on_piece_three_of_five_resends_only_three_to_five(state: WorkerState,
                                                                      client: EmulatorClient) -> None:
    job, chat = job_in(client, 3101), 3101
    reply = Reply("\n\n".join(f"{n} {PIECE}" for n in range(1, 6)))
    client.fail_next("sendMessage", chat_id=chat, after=2, error_code=502)
    claim = reply_claim_key(job.reply_key)
    with pytest.raises(DeliveryFailed):
        deliver(state, job, reply, claim)
    assert state.redis.get(claim) is None  # free for the retry
    # The retry's model worded it differently: the rest of the first wording goes out, not the new one.
    assert deliver(state, job, Reply("a different answer"), claim)
    pieces = [item["message"]["text"] for item in client.sent(chat)]
    assert [piece.split()[0] for piece in pieces] == ["1", "2", "3", "4", "5"]
    assert 0 < state.redis.ttl(claim) <= REDELIVERY_WINDOW_S
    assert not state.redis.exists(delivery_key(job.job_id))


def test_a_blocked_chat_is_one_attempt_and_no_notice(state: WorkerState, client: EmulatorClient) -> None:
    job, chat = job_in(client, 3102), 3102
    client.block_bot(chat)
    assert not deliver(state, job, Reply("hello"), reply_claim_key(job.reply_key))
    assert [call["error_code"] for call in client.calls("sendMessage")
            if call["params"]["chat_id"] == str(chat)] == [403]
    assert state.redis.get(reply_claim_key(job.reply_key)).decode() == f"sent:{job.job_id}"  # never retried


def test_a_refused_reply_becomes_a_plain_notice(state: WorkerState, client: EmulatorClient) -> None:
    job, chat = job_in(client, 3103), 3103
    client.fail_next("sendMessage", chat_id=chat, error_code=400, description="Bad Request: message is too long")
    assert not deliver(state, job, Reply("hello"), reply_claim_key(job.reply_key))
    assert [item["message"]["text"] for item in client.sent(chat)] == [texts.NOT_DELIVERED]


def test_attempts_are_kept_for_the_redelivery_window_not_days(state: WorkerState) -> None:
    job = Job(skill="chat", chat_id=1, user_id=1, message_id=1)
    assert count_attempt(state.redis, job) == 1
    assert 0 < state.redis.ttl(attempts_key(job.job_id)) <= REDELIVERY_WINDOW_S < 24 * 3600
