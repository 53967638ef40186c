"""While a job waits and runs the user sees where it is: a status message (sent, edited, removed) and chat actions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack, stack_with_models
from tests.processes import wait_until
from workers import texts, texts_de

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def patient(emulator_url: str, redis_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    """Chat answers that take a couple of seconds; a status message for every job; chat actions every 0.25 s."""
    # batch_size 1: one job at a time (prefork), so later jobs wait in line behind the running one. 1,500 tokens:
    # past the first second, in which an answer shows no draft.
    stack = stack_with_models("waiting", "121212:waiting-token", "[chat]\nbatch_size = 1\n"
                              "[chat.generate]\nmax_new_tokens = 1500\n"
                              "min_new_tokens = 1500\n", 12, emulator_url, redis_url, log_dir, models_cache,
                              PIPEGRAM_STATUS_AFTER_S="0", PIPEGRAM_CHAT_ACTION_EVERY_S="0.25")
    yield stack
    stack.stop()


def status_and_answer(stack: Stack, user: int, asked: dict) -> tuple[dict, dict]:
    """The status message and the answer, once the status message is gone."""
    status, answer = stack.client.wait_for_replies(user, count=2, after=asked["message_id"], timeout=90)
    wait_until(lambda: stack.client.sent(user, after=asked["message_id"])[0]["deleted"], "the status removed", 15)
    return stack.client.sent(user, after=asked["message_id"])[0], answer


def test_the_status_message_is_sent_then_edited_then_removed_once_the_answer_shows(patient: Stack) -> None:
    asked = patient.client.send_text("tell me about the sea", user_id=12001)
    status, answer = status_and_answer(patient, 12001, asked)
    assert status["edits"][0].startswith("⏳ Queued — position 1")
    assert status["message"]["text"] == texts.WORKING
    assert answer["reply_to_message_id"] == asked["message_id"] and answer["message"]["text"].strip()
    assert not answer["deleted"]
    drafts = [c for c in patient.client.calls("sendMessageDraft") if c["ok"] and int(c["params"]["chat_id"]) == 12001]
    assert drafts, "the answer did not stream"
    # Gone as soon as the answer began to show as a draft, never beside it until the end.
    assert drafts[0]["time"] <= status["changed_at"] < answer["sent_at"]
    assert status["changed_at"] < drafts[-1]["time"] or len(drafts) == 1


def test_chat_actions_are_renewed_while_the_job_runs_and_the_status_speaks_german(patient: Stack) -> None:
    asked = patient.client.send_text("und über die Berge", user_id=12002, language_code="de")
    status, answer = status_and_answer(patient, 12002, asked)
    assert status["edits"][0].startswith("⏳ In der Warteschlange — Platz 1")
    assert status["message"]["text"] == texts_de.WORKING
    actions = [call for call in patient.client.calls("sendChatAction") if call["params"].get("chat_id") in
               (12002, "12002") and asked["date"] - 1 <= call["time"] <= answer["sent_at"]]
    assert len(actions) >= 3, actions  # the bot's one on enqueue, then the worker's, renewed
    assert {call["params"]["action"] for call in actions} == {"typing"}


def first_text(item: dict) -> str:
    return item["edits"][0] if item["edits"] else item["message"]["text"]


def test_a_job_behind_others_shows_its_place_and_a_cancelled_one_loses_its_status(patient: Stack) -> None:
    user = 12003
    warm = patient.client.send_text("a first question, to time the skill", user_id=user)
    status_and_answer(patient, user, warm)
    # The whole answer out (it comes in several messages), so only status messages follow the next question.
    wait_until(lambda: "chat=12003 answered" in patient.worker.log(), "the first answer complete", 30)
    first = patient.client.send_text("first question", user_id=user)
    wait_until(lambda: patient.worker.log().count("chat=12003 started") == 2, "the next job running", 30)
    patient.client.send_text("second question", user_id=user)
    third = patient.client.send_text("third question", user_id=user)

    def statuses() -> list[str]:
        return [first_text(item) for item in patient.client.sent(user, after=first["message_id"])
                if first_text(item).startswith("⏳")]

    wait_until(lambda: len(statuses()) == 3, "three status messages", 30)
    # The running job is not in line: the second waits first, the third behind it.
    assert [text.split(",")[0] for text in statuses()] == ["⏳ Queued — position 1"] * 2 + ["⏳ Queued — position 2"]
    assert all(", about " in text for text in statuses())  # an ETA from the job timed before
    cancel = patient.client.send_text("/cancel", user_id=user)
    [cancelled] = patient.client.wait_for_replies(user, after=cancel["message_id"], timeout=30)
    assert "2" in cancelled["message"]["text"]
    wait_until(lambda: all(item["deleted"] for item in patient.client.sent(user) if first_text(item).startswith("⏳")),
               "every status removed", 60)
    answered = [item["reply_to_message_id"] for item in patient.client.sent(user) if item["reply_to_message_id"]]
    assert answered.count(first["message_id"]) == 1 and third["message_id"] not in answered
