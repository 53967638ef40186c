"""The job schema and settings: the contract between bot and workers."""

import json

import pytest

from shared.celery_app import make_celery
from shared.jobs import MAX_TEXT_CHARS, BadJob, Job
from shared.settings import Settings
from shared.skills import QUEUES, SKILL_QUEUES


def test_job_round_trips_through_json_types() -> None:
    job = Job(skill="chat", chat_id=-100123, user_id=7, message_id=42, text="héllo 😀", options={"length": "short"},
              status_message_id=99)
    assert Job.decode(job.encode()) == job


@pytest.mark.parametrize("payload", [None, "text", [], {"skill": "chat"}, {"skill": "chat", "chat_id": "x",
                                                                          "user_id": 1, "message_id": 1},
                                     {"skill": "chat", "chat_id": 1, "user_id": 1, "message_id": 1,
                                      "status_message_id": "7"}])
def test_bad_payloads_raise_one_named_error(payload: object) -> None:
    with pytest.raises(BadJob):
        Job.decode(payload)


GOOD = Job(skill="transcribe", chat_id=5, user_id=6, message_id=7, file_id="F", text="private words",
           options={"then": "translate", "then_options": {"target": "deu_Latn"}, "duration": 3}).encode()


@pytest.mark.parametrize(("change", "named"), [
    ({"admin": True}, "admin"),  # an extra field
    ({"skill": "shell"}, "skill"),  # an unknown skill
    ({"chat_id": 1.0}, "chat_id"),  # no silent coercion
    ({"user_id": True}, "user_id"),
    ({"chat_id": 2**63}, "chat_id"),
    ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text"),
    ({"file_id": "f" * 10_000}, "file_id"),
    ({"language": "en-" * 100}, "language"),
    ({"job_id": "../../etc"}, "job_id"),
    ({"options": {"exec": "rm -rf /"}}, "options.exec"),  # an unknown option
    ({"options": {"voice_mode": "yes"}}, "options.voice_mode"),
    ({"options": {"then": "translate", "then_options": {"speak": 1}}}, "options.then_options.speak"),
    ({"options": {"question": "?" * 5000}}, "options.question"),
])
def test_a_job_outside_the_schema_is_rejected_naming_the_field_but_not_the_words(change: dict, named: str) -> None:
    with pytest.raises(BadJob, match=f"^{named}: ") as raised:
        Job.decode({**GOOD, **change})
    assert "private words" not in str(raised.value) and "rm -rf" not in str(raised.value)


def test_a_job_missing_a_field_is_rejected() -> None:
    with pytest.raises(BadJob, match="message_id: Field required"):
        Job.decode({k: v for k, v in GOOD.items() if k != "message_id"})


def test_every_option_a_handler_sets_survives_the_queue() -> None:
    assert Job.decode(GOOD) == Job.decode(json.loads(json.dumps(GOOD)))
    asked = Job(skill="find", chat_id=5, user_id=6, message_id=7, file_id="F", text="what is due?",
                options={"ask": True, "length": "short", "file_name": "a.pdf", "mime_type": "application/pdf"})
    answer = asked.followup("chat", asked.text, length="short", document={
        "name": "a.pdf", "unit": "page", "notice": "", "passages": [[1, 2, "Rent is due on Monday."]]})
    for job in (asked, answer):
        assert Job.decode(json.loads(json.dumps(job.encode()))) == job


def test_document_passages_are_bounded_too() -> None:
    passages = {"name": "a.pdf", "unit": "page", "notice": "", "passages": [[1, 1, "x"]] * 65}
    with pytest.raises(BadJob, match="^options.document.passages: "):
        Job.decode({**GOOD, "options": {"document": passages}})


def test_settings_read_the_documented_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("REDIS_URL", "rediss://:pw@example:6380/2")
    monkeypatch.setenv("PIPEGRAM_MODELS", "tiny")
    monkeypatch.setenv("ALLOWED_USERS", "12, 34,")
    settings = Settings(_env_file=None)
    assert settings.token == "1:abc"
    assert "1:abc" not in repr(settings)
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.redis_url == "rediss://:pw@example:6380/2"
    assert settings.pipegram_models == "tiny"
    assert settings.allowed_users == {12, 34}


def test_celery_accepts_json_only_and_acks_late() -> None:
    conf = make_celery(Settings(_env_file=None, redis_url="redis://127.0.0.1:1/0")).conf
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_acks_late and conf.worker_prefetch_multiplier == 1 and conf.task_ignore_result
    assert {q.name for q in conf.task_queues} == set(QUEUES) == {"text", "speech", "vision", "embed"}
    assert set(SKILL_QUEUES.values()) <= set(QUEUES)


def test_a_followup_answers_the_same_message_as_a_new_job() -> None:
    job = Job(skill="transcribe", chat_id=5, user_id=6, message_id=7, language="de", options={"srt": True})
    followup = job.followup("chat", "the transcript", speak=True)
    assert (followup.chat_id, followup.user_id, followup.message_id, followup.language) == (5, 6, 7, "de")
    assert (followup.skill, followup.text, followup.options) == ("chat", "the transcript", {"speak": True})
    assert followup.job_id != job.job_id and followup.reply_key != job.reply_key
