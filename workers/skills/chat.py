"""Chat: the user's message and the chat's recent turns → a text-generation model → the answer."""

from __future__ import annotations

from typing import Any

from shared.jobs import Job
from workers.history import load_history, remember
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext

TASK = "text-generation"
TINY_MODEL = "chat-lm"

# Far more than anyone types; pastes beyond it are cut (and the user told) before tokenizing.
MAX_MESSAGE_CHARS = 20_000
CUT_NOTICE = "✂️ Your message was very long, so I read only its first {limit:,} characters.\n\n"

Conversation = list[dict[str, str]]

WARMUP: Conversation = [{"role": "user", "content": "Hello"}]


def preprocess(job: Job, ctx: SkillContext) -> Conversation:
    """The remembered turns plus the new message, as chat-template messages."""
    text = job.text.strip()[:MAX_MESSAGE_CHARS]
    if not text:
        raise BadInput("I can only chat about text. Send me a message with some words in it.")
    return [*load_history(ctx.redis, job.chat_id), {"role": "user", "content": text}]


def forward(pipe: Any, batch: list[Conversation], spec: ModelSpec) -> list[str]:
    """Generate one answer per conversation, each trimmed to fit the model's window."""
    outputs = pipe([fit_window(pipe, c, spec) for c in batch], batch_size=spec.batch_size, **spec.generate)
    return [out[0]["generated_text"][-1]["content"] for out in outputs]


def postprocess(answer: str, job: Job, ctx: SkillContext) -> Reply:
    """Remember the exchange and reply with the answer (then read it out, when the job asks to speak)."""
    answer = answer.strip() or "…"
    message = job.text.strip()
    settings = ctx.settings
    remember(ctx.redis, job.chat_id, [{"role": "user", "content": message[:MAX_MESSAGE_CHARS]},
                                      {"role": "assistant", "content": answer}],
             settings.pipegram_history_turns * 2, settings.pipegram_history_ttl)
    notice = CUT_NOTICE.format(limit=MAX_MESSAGE_CHARS) if len(message) > MAX_MESSAGE_CHARS else ""
    followups = (job.followup("say", answer),) if job.options.get("speak") else ()
    return Reply(text=notice + answer, followups=followups)


def fit_window(pipe: Any, conversation: Conversation, spec: ModelSpec) -> Conversation:
    """Drop the oldest turns, then the end of the message, until prompt plus answer fit the model."""
    window = getattr(pipe.model.config, "max_position_embeddings", None) or 4096
    budget = window - int(spec.generate.get("max_new_tokens") or pipe.model.generation_config.max_new_tokens or 256)

    def size(turns: Conversation) -> int:
        return len(pipe.tokenizer.apply_chat_template(turns, tokenize=True, add_generation_prompt=True)["input_ids"])

    while len(conversation) > 1 and size(conversation) > budget:
        conversation = conversation[1:]
    excess = size(conversation) - budget
    if excess > 0:
        ids = pipe.tokenizer(conversation[-1]["content"], add_special_tokens=False)["input_ids"]
        content = pipe.tokenizer.decode(ids[: max(1, len(ids) - excess)], skip_special_tokens=True)
        conversation = [{"role": "user", "content": content}]
    return conversation
