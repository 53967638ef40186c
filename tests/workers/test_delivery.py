"""A reply of several messages whose worker died mid-way is continued by the redelivery, with the same text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from emulator.client import EmulatorClient
from shared.settings import Settings
from workers import delivery
from workers.sender import TelegramSender
from workers.skill import Reply

TOKEN = "515152:delivery-test"
CHAT = 3101
LONG = "first part " * 500 + "second part"  # two messages: Telegram takes 4096 characters


@pytest.fixture
def client(emulator_url: str) -> Iterator[EmulatorClient]:
    with EmulatorClient(emulator_url, TOKEN) as client:
        client.reset()
        yield client


@pytest.fixture
def sender(emulator_url: str) -> Iterator[TelegramSender]:
    sender = TelegramSender(Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=emulator_url))
    yield sender
    sender.close()


def test_a_redelivery_sends_only_what_its_dead_delivery_had_not_sent(
        own_redis_url: str, sender: TelegramSender, client: EmulatorClient) -> None:
    r = redis.Redis.from_url(own_redis_url)
    asked = client.send_text("a long question", user_id=CHAT)["message_id"]
    reply, out = delivery.resume(r, "k", "job-1", Reply(LONG))
    assert out == 0

    class Died(Exception):
        pass

    def count_then_die(sent: int) -> None:
        delivery.counter(r, "k")(sent)
        raise Died  # the machine dies right after the first message

    with pytest.raises(Died):
        sender.send_reply(CHAT, reply, reply_to=asked, on_sent=count_then_die)
    # The redo sampled another answer; the user must see the first one finished, not a second one begun.
    again, out = delivery.resume(r, "k", "job-1", Reply("a different answer " * 300))
    assert out == 1 and again.text == LONG
    sender.send_reply(CHAT, again, reply_to=asked, skip=out, on_sent=delivery.counter(r, "k"))
    delivery.finish(r, "k")
    messages = client.sent(CHAT, after=asked)
    assert "".join(m["message"]["text"] for m in messages).replace(" ", "") == LONG.replace(" ", "")
    assert [m["reply_to_message_id"] for m in messages][:1] == [asked] and len(messages) == 2
    assert not r.exists("pipegram:reply-progress:k")


def test_another_job_for_the_same_message_starts_its_own_reply(own_redis_url: str) -> None:
    r = redis.Redis.from_url(own_redis_url)
    delivery.resume(r, "k", "job-1", Reply("old"))
    delivery.counter(r, "k")(1)
    reply, out = delivery.resume(r, "k", "job-2", Reply("new"))
    assert (reply.text, out) == ("new", 0)
