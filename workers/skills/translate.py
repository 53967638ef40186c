"""Translate: text (typed, replied to, or a .txt document) → NLLB-200 or a prompted chat model → the translation.

The bot has already read the languages: job.options holds the NLLB codes `target` and, if named, `source`.
Long texts are cut into paragraphs and then sentence-packed pieces, translated in batches and put back together.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.jobs import Job
from shared.languages import ENGLISH, find_language
from workers.chunks import split_to_fit
from workers.inputs import job_text
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext
from workers.textmodels import Request, TextModel, load_text_model

TASK = "translation"
TINY_MODEL = "nllb"
load = load_text_model

MAX_CHARS = 10_000
# NLLB was trained on sentences: pieces past ~200 tokens come back shortened or repeated.
PIECE_TOKENS = 200

# A guess of the source language from its script; Latin script is taken as English unless the user says
# otherwise (`/translate de>fr ...`). NLLB mostly needs the script to be right.
_SCRIPTS = ((0x0400, 0x04FF, "rus_Cyrl"), (0x0370, 0x03FF, "ell_Grek"), (0x0590, 0x05FF, "heb_Hebr"),
            (0x0600, 0x06FF, "arb_Arab"), (0x0900, 0x097F, "hin_Deva"), (0x0E00, 0x0E7F, "tha_Thai"),
            (0x3040, 0x30FF, "jpn_Jpan"), (0xAC00, 0xD7AF, "kor_Hang"), (0x4E00, 0x9FFF, "zho_Hans"))


@dataclass(frozen=True)
class Translation:
    """A text to translate, from `source` (None: guessed) into `target` (NLLB codes)."""

    text: str
    target: str
    source: str | None = None


def guess_source(text: str) -> str:
    """The NLLB code of the script most letters of the text are in."""
    counts: dict[str, int] = {}
    for char in text[:2000]:
        code = next((c for low, high, c in _SCRIPTS if low <= ord(char) <= high), None)
        if code:
            counts[code] = counts.get(code, 0) + 1
    if counts.get("jpn_Jpan"):  # kana means Japanese even among Chinese characters
        return "jpn_Jpan"
    letters = sum(char.isalpha() for char in text[:2000])
    best = max(counts, key=lambda c: counts[c], default=None)
    return best if best and counts[best] * 2 >= letters else "eng_Latn"


WARMUP = Translation("Good morning.", target="fra_Latn", source="eng_Latn")


def preprocess(job: Job, ctx: SkillContext) -> Translation:
    """The text and languages; BadInput when there is nothing to translate or far too much."""
    text = job_text(job, ctx, MAX_CHARS, "Send it in parts, or as several messages.")
    if not text:
        raise BadInput("Send the text to translate after the command, e.g. /translate french Good morning, "
                       "or reply /translate to a message.")
    target = job.options.get("target") or ENGLISH.code
    return Translation(text, target, job.options.get("source"))


def forward(model: TextModel, batch: list[Translation], spec: ModelSpec) -> list[str]:
    """Translate every paragraph piece of every text in one run of the model, then reassemble each text."""
    requests: list[Request] = []
    layouts: list[list[list[int]]] = []  # per text, per paragraph: indices into requests
    for item in batch:
        source = item.source or guess_source(item.text)
        instruction = f"Translate the following text into {_name(item.target)}. Reply with the translation only."
        layout = []
        for paragraph in item.text.split("\n"):
            pieces = split_to_fit(paragraph, min(model.window, PIECE_TOKENS), model.count)
            layout.append(list(range(len(requests), len(requests) + len(pieces))))
            requests.extend(Request(piece, instruction, source, item.target) for piece in pieces)
        layouts.append(layout)
    outputs = model.run(requests, spec)
    return ["\n".join(" ".join(outputs[i] for i in paragraph) for paragraph in layout) for layout in layouts]


def postprocess(translation: str, job: Job, ctx: SkillContext) -> Reply:
    """The translation under a line naming the target language."""
    target = job.options.get("target") or ENGLISH.code
    return Reply(text=f"🌐 {_name(target)}:\n{translation.strip() or '…'}")


def _name(code: str) -> str:
    language = find_language(code)
    return language.name if language else code
