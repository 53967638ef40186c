"""Describe: a photo → image-text-to-text (SmolVLM by default) → a sentence about it, or an answer about it.

`/caption` asks for a one-sentence description; `/ask <question>` puts the user's question (job.options["question"]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image

from shared.jobs import Job
from workers.models import ModelSpec
from workers.skill import Reply, SkillContext
from workers.vision import job_image

TASK = "image-text-to-text"
TINY_MODEL = "vlm"

CAPTION_PROMPT = "Describe this image in one sentence."
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Question:
    image: Image.Image
    prompt: str


def preprocess(job: Job, ctx: SkillContext) -> Question:
    """The image and what to ask about it."""
    question = str(job.options.get("question") or "").strip()[:MAX_QUESTION_CHARS]
    return Question(job_image(job, ctx), question or CAPTION_PROMPT)


def forward(pipe: Any, batch: list[Question], spec: ModelSpec) -> list[str]:
    """One chat turn per image: the image and the prompt, answered by the model."""
    chats = [[{"role": "user", "content": [{"type": "image", "image": item.image},
                                            {"type": "text", "text": item.prompt}]}] for item in batch]
    options = {"max_new_tokens": 64, **spec.generate}
    # Photos asked about together share one generate call: pad on the left, so each answer is the one it would get
    # alone (the decoder continues right after its own prompt).
    pipe.processor.tokenizer.padding_side = "left"
    outputs = pipe(text=chats, return_full_text=False, generate_kwargs=options, batch_size=len(batch))
    return [_text(output) for output in outputs]


def postprocess(answer: str, job: Job, ctx: SkillContext) -> Reply:
    """The answer, under the question when there was one."""
    answer = answer.strip() or "…"
    question = str(job.options.get("question") or "").strip()
    return Reply(f"❓ {question}\n💬 {answer}" if question else f"🖼 {answer}")


def _text(output: Any) -> str:
    first = output[0] if isinstance(output, list) else output
    text = first["generated_text"]
    return text if isinstance(text, str) else str(text[-1]["content"])
