"""The skills both sides know: each skill's name and the queue family that serves it.

A skill is implemented by `workers/skills/<name>.py`; adding one is that file plus one line here.
"""

QUEUES = ("text", "speech", "vision", "embed")

SKILL_QUEUES: dict[str, str] = {
    "chat": "text",
    "translate": "text",
    "summarize": "text",
    "similar": "embed",
    "find": "embed",
    "detect": "vision",
    "segment": "vision",
    "describe": "vision",
    "transcribe": "speech",
    "say": "speech",
    "classify_sound": "speech",
}


def task_name(skill: str) -> str:
    """The Celery task name the bot sends a skill's jobs to."""
    return f"pipegram.{skill}"
