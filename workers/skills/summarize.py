"""Summarize: a text (typed, replied to, forwarded, or a document) → a summary, in stages when it is long.

A text longer than the model's window is cut at sentences into pieces that fit; each piece is summarised, the
summaries are joined and summarised again, until one piece remains for the final summary at the asked length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.jobs import Job
from workers.chunks import split_to_fit
from workers.inputs import job_text
from workers.language_id import detect
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext
from workers.textmodels import Request, TextModel, load_text_model

TASK = "summarization"
TINY_MODEL = "summarizer"
load = load_text_model

MAX_CHARS = 80_000
# Each stage shrinks the text several times over; a model that does not shrink it is cut off here.
MAX_STAGES = 4

# Generation options per length (medium: the model's own). min_new_tokens overrides BART-CNN's min_length of 56.
LENGTHS: dict[str, dict[str, Any]] = {
    "short": {"min_new_tokens": 8, "max_new_tokens": 60},
    "medium": {},
    "long": {"min_new_tokens": 120, "max_new_tokens": 320},
}
INSTRUCTIONS = {
    "short": "Summarize the following text in one or two sentences.",
    "medium": "Summarize the following text in a short paragraph.",
    "long": "Summarize the following text in detail, in a few paragraphs.",
}

# Chat models asked to summarise tend to answer in English; seq2seq summarisers write in the language they
# were trained on (distilbart-cnn: English), which no instruction changes.
KEEP_LANGUAGE = "Write the summary in {language}, the language of the text."


@dataclass(frozen=True)
class Summary:
    """A text to summarise, and how long the summary should be."""

    text: str
    length: str = "medium"
    language: str = ""  # the English name of the text's language when detected with confidence, for chat models
    notice: str = ""  # how much of a long document was read


@dataclass(frozen=True)
class Summarized:
    """A summary, and the notice of its input."""

    text: str
    notice: str = ""


WARMUP = Summary("Pipegram answers every message exactly once. It runs on its owner's own machines.", "short")


def preprocess(job: Job, ctx: SkillContext) -> Summary:
    """The text and the length; BadInput when there is nothing to summarise or far too much."""
    read = job_text(job, ctx, MAX_CHARS, "Send the part you care about most, or split it into a few documents.")
    text = read.text
    if not text:
        raise BadInput("Send the text to summarise after the command (/summarize your text), "
                       "reply /summarize to a message or a .txt document, or forward me a long message.")
    length = job.options.get("length", "medium")
    detected = detect(text)
    language = detected.language.name if detected is not None and detected.likely else ""
    return Summary(text, length if length in LENGTHS else "medium", language, read.notice(job.language))


def forward(model: TextModel, batch: list[Summary], spec: ModelSpec) -> list[Summarized]:
    """One summary per text."""
    return [Summarized(summarize(model, item, spec), item.notice) for item in batch]


def summarize(model: TextModel, item: Summary, spec: ModelSpec) -> str:
    """Summarise pieces until the text fits the window, then write the final summary."""
    text = item.text
    keep = f" {KEEP_LANGUAGE.format(language=item.language)}" if item.language else ""
    for _ in range(MAX_STAGES):
        pieces = split_to_fit(text, model.window, model.count)
        if len(pieces) <= 1:
            break
        text = "\n".join(model.run([Request(piece, INSTRUCTIONS["medium"] + keep) for piece in pieces], spec))
    else:
        pieces = split_to_fit(text, model.window, model.count)  # the model does not shrink text: take what fits
    final = Request(pieces[0] if pieces else text, INSTRUCTIONS[item.length] + keep, generate=LENGTHS[item.length])
    return model.run([final], spec)[0]


def postprocess(summary: Summarized, job: Job, ctx: SkillContext) -> Reply:
    """The summary under a line saying what it summarises (and over one saying how much of a long document)."""
    notice = f"\n\n{summary.notice}" if summary.notice else ""
    return Reply(text=f"📝 Summary:\n{summary.text.strip() or '…'}{notice}")
