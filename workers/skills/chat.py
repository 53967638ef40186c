"""Chat: the user's message and the chat's recent turns → a text-generation model → the answer."""

from __future__ import annotations

from typing import Any

from shared.jobs import Job
from workers.history import load_history, remember
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext

TASK = "text-generation"
TINY_MODEL = "chat-lm"

Conversation = list[dict[str, str]]


def preprocess(job: Job, ctx: SkillContext) -> Conversation:
    """The remembered turns plus the new message, as chat-template messages."""
    text = job.text.strip()
    if not text:
        raise BadInput("I can only chat about text. Send me a message with some words in it.")
    return [*load_history(ctx.redis, job.chat_id), {"role": "user", "content": text}]


def forward(pipe: Any, batch: list[Conversation], spec: ModelSpec) -> list[str]:
    """Generate one answer per conversation."""
    outputs = pipe(batch, batch_size=spec.batch_size, **spec.generate)
    return [out[0]["generated_text"][-1]["content"] for out in outputs]


def postprocess(answer: str, job: Job, ctx: SkillContext) -> Reply:
    """Remember the exchange and reply with the answer."""
    answer = answer.strip() or "…"
    settings = ctx.settings
    remember(ctx.redis, job.chat_id, [{"role": "user", "content": job.text.strip()},
                                      {"role": "assistant", "content": answer}],
             settings.pipegram_history_turns * 2, settings.pipegram_history_ttl)
    return Reply(text=answer)
