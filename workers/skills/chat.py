"""Chat: the user's message and the chat's recent turns → a text-generation model → the answer.

A question about a document comes from the find skill with its closest passages (options["document"]): they go
into the user's turn, and the answer names the pages they came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.jobs import Job
from workers.history import load_history, remember
from workers.language_id import detect
from workers.models import ModelSpec
from workers.passages import question_prompt, sources_line
from workers.skill import BadInput, Reply, SkillContext

TASK = "text-generation"
TINY_MODEL = "chat-lm"

# Far more than anyone types; pastes beyond it are cut (and the user told) before tokenizing.
MAX_MESSAGE_CHARS = 20_000
CUT_NOTICE = "✂️ Your message was very long, so I read only its first {limit:,} characters.\n\n"

Conversation = list[dict[str, str]]

# The user's answer length (/settings): a share of the model's usual answer budget, and an instruction saying so,
# so a short answer is a complete sentence or two rather than a long one cut off.
LENGTH_SHARE = {"short": 0.25, "normal": 1.0, "long": 2.0}
LENGTH_INSTRUCTIONS = {"short": "Answer briefly, in one or two sentences.", "normal": "",
                       "long": "Answer in detail, with explanations and examples."}
MIN_ANSWER_TOKENS = 8
# Said when the message's language is detected with confidence: models drift into English otherwise.
LANGUAGE_INSTRUCTION = "Answer in {language}, the language of the user's message, unless they ask for another."


@dataclass(frozen=True)
class Prompt:
    """The remembered turns and the new message, and how long the answer should be."""

    turns: Conversation
    length: str = "normal"
    language: str = ""  # the English name of the message's language, when detected with confidence


WARMUP = Prompt([{"role": "user", "content": "Hello"}])


def preprocess(job: Job, ctx: SkillContext) -> Prompt:
    """The remembered turns plus the new message, as chat-template messages, and the answer length asked for."""
    text = job.text.strip()[:MAX_MESSAGE_CHARS]
    if not text:
        raise BadInput("I can only chat about text. Send me a message with some words in it.")
    length = job.options.get("length", "normal")
    detected = detect(text)
    document = job.options.get("document")
    content = question_prompt(text, document) if document else text
    return Prompt([*load_history(ctx.redis, job.chat_id), {"role": "user", "content": content}],
                  length if length in LENGTH_SHARE else "normal",
                  detected.language.name if detected is not None and detected.likely else "")


def forward(pipe: Any, batch: list[Prompt], spec: ModelSpec) -> list[str]:
    """Generate one answer per prompt, each trimmed to fit the model's window; one model call per answer length
    and language."""
    answers = [""] * len(batch)
    for length, language in dict.fromkeys((prompt.length, prompt.language) for prompt in batch):
        indices = [i for i, prompt in enumerate(batch) if (prompt.length, prompt.language) == (length, language)]
        generate = generate_options(pipe, spec, length)
        budget = int(generate.get("max_new_tokens") or usual_answer_tokens(pipe, spec))
        said = " ".join(filter(None, (LENGTH_INSTRUCTIONS[length],
                                      LANGUAGE_INSTRUCTION.format(language=language) if language else "")))
        instruction = [{"role": "system", "content": said}] if said else []
        chats = [[*instruction, *fit_window(pipe, batch[i].turns, budget, instruction)] for i in indices]
        outputs = pipe(chats, batch_size=spec.batch_size, **generate)
        for index, out in zip(indices, outputs, strict=True):
            answers[index] = out[0]["generated_text"][-1]["content"]
    return answers


def usual_answer_tokens(pipe: Any, spec: ModelSpec) -> int:
    """The most tokens a normal answer may take: the models config's max_new_tokens, else the model's own."""
    return int(spec.generate.get("max_new_tokens") or pipe.model.generation_config.max_new_tokens or 256)


def generate_options(pipe: Any, spec: ModelSpec, length: str) -> dict[str, Any]:
    """The models config's generation options, with max_new_tokens scaled for a short or long answer."""
    if length == "normal":
        return dict(spec.generate)
    tokens = max(MIN_ANSWER_TOKENS, round(usual_answer_tokens(pipe, spec) * LENGTH_SHARE[length]))
    return {**spec.generate, "max_new_tokens": max(tokens, int(spec.generate.get("min_new_tokens") or 0))}


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
    sources = f"\n\n{sources_line(job.options['document'], job.language)}" if job.options.get("document") else ""
    return Reply(text=notice + answer + sources, followups=followups)


def fit_window(pipe: Any, conversation: Conversation, answer_tokens: int,
               instruction: Conversation | None = None) -> Conversation:
    """Drop the oldest turns, then the end of the message, until instruction, prompt and answer fit the model."""
    window = getattr(pipe.model.config, "max_position_embeddings", None) or 4096
    budget = window - answer_tokens

    def size(turns: Conversation) -> int:
        return len(pipe.tokenizer.apply_chat_template([*(instruction or []), *turns], tokenize=True,
                                                      add_generation_prompt=True)["input_ids"])

    while len(conversation) > 1 and size(conversation) > budget:
        conversation = conversation[1:]
    excess = size(conversation) - budget
    if excess > 0:
        ids = pipe.tokenizer(conversation[-1]["content"], add_special_tokens=False)["input_ids"]
        content = pipe.tokenizer.decode(ids[: max(1, len(ids) - excess)], skip_special_tokens=True)
        conversation = [{"role": "user", "content": content}]
    return conversation
