"""Translate: text (typed, replied to, or a document) → NLLB-200 or a prompted chat model → the translation.

The bot has already read the languages: job.options holds the NLLB code `target` and, if the user named one,
`source`. Otherwise the source is detected here (workers.language_id), where every form of the text is at hand:
typed, replied to, a downloaded document or a transcript. Long texts are cut into paragraphs and then
sentence-packed pieces, translated in batches and put back together. A document's translation also comes back
as a file in its format where one can be written (workers/documents.py), paragraph by paragraph.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.jobs import Job
from shared.languages import ENGLISH, by_code
from workers import texts
from workers.chunks import split_to_fit
from workers.documents import Document, cut_notice, translated_file
from workers.inputs import job_text
from workers.language_id import detect
from workers.models import ModelSpec
from workers.skill import BadInput, Reply, SkillContext
from workers.textmodels import Request, TextModel, load_text_model

log = logging.getLogger(__name__)

TASK = "translation"
TINY_MODEL = "nllb"
load = load_text_model

MAX_CHARS = 10_000
# A translation longer than this comes as the file only, not also as messages.
MAX_INLINE_CHARS = 3_000
# NLLB was trained on sentences: pieces past ~200 tokens come back shortened or repeated.
PIECE_TOKENS = 200


@dataclass(frozen=True)
class Translation:
    """A text to translate from `source` into `target` (NLLB codes); `guessed` when the source was detected
    without confidence, so the reply says which language was assumed."""

    text: str
    target: str
    source: str = ENGLISH.code
    guessed: bool = False
    document: Document | None = None  # the file the text was read from


@dataclass(frozen=True)
class Translated:
    """A translation, with the languages it was made between (and the document it came from)."""

    text: str
    source: str
    target: str
    guessed: bool = False
    document: Document | None = None


WARMUP = Translation("Good morning.", target="fra_Latn", source="eng_Latn")


def preprocess(job: Job, ctx: SkillContext) -> Translation:
    """The text and languages (the source detected unless named); BadInput for nothing, too much, or a text
    already in the target language."""
    read = job_text(job, ctx, MAX_CHARS, "Send it in parts, or as several messages.")
    text, document = read.text, read.document
    if not text:
        raise BadInput("Send the text to translate after the command, e.g. /translate french Good morning, "
                       "or reply /translate to a message.")
    target = job.options.get("target") or ENGLISH.code
    if job.options.get("source"):
        return Translation(text, target, job.options["source"], document=document)
    detected = detect(text)
    if detected is None:  # too short to tell ("ok"), or no letters at all: English, as NLLB reads most scripts
        return Translation(text, target, guessed=any(char.isalpha() for char in text), document=document)
    log.info("job %s: source %s detected (%.2f)", job.job_id, detected.language.code, detected.confidence)
    if detected.sure and detected.language.code == target:
        raise BadInput(texts.for_language(job.language).ALREADY_IN.format(language=_name(target, job.language)))
    return Translation(text, target, detected.language.code, guessed=not detected.sure, document=document)


def forward(model: TextModel, batch: list[Translation], spec: ModelSpec) -> list[Translated]:
    """Translate every paragraph piece of every text in one run of the model, then reassemble each text."""
    requests: list[Request] = []
    layouts: list[list[list[int]]] = []  # per text, per paragraph: indices into requests
    for item in batch:
        instruction = f"Translate the following text into {_name(item.target)}. Reply with the translation only."
        layout = []
        for paragraph in item.text.split("\n"):
            pieces = split_to_fit(paragraph, min(model.window, PIECE_TOKENS), model.count)
            layout.append(list(range(len(requests), len(requests) + len(pieces))))
            requests.extend(Request(piece, instruction, item.source, item.target) for piece in pieces)
        layouts.append(layout)
    outputs = model.run(requests, spec)
    return [Translated("\n".join(" ".join(outputs[i] for i in paragraph) for paragraph in layout), item.source,
                       item.target, item.guessed, item.document) for item, layout in zip(batch, layouts, strict=True)]


def postprocess(translation: Translated, job: Job, ctx: SkillContext) -> Reply:
    """The translation under a line naming both languages, the source marked "(detected)" when it was a guess."""
    words = texts.for_language(job.language)
    source, target = _name(translation.source, job.language), _name(translation.target, job.language)
    header = words.TRANSLATED.format(source=words.DETECTED.format(language=source) if translation.guessed else source,
                                     target=target)
    target_tag = getattr(by_code(translation.target), "tag", translation.target)
    hint = words.NOT_SURE.format(language=source, target=target_tag) if translation.guessed else ""
    text = translation.text.strip() or "…"
    if translation.document is None:
        return Reply(text=f"{header}\n{text}{hint}")
    shown = text if len(text) <= MAX_INLINE_CHARS else words.TRANSLATION_IN_FILE
    notice = cut_notice(translation.document, job.language)
    return Reply(text="\n\n".join(filter(None, (f"{header}\n{shown}", notice))) + hint,
                 files=(translated_file(translation.document, translation.text, target_tag),))


def _name(code: str, interface: str | None = "en") -> str:
    language = by_code(code)
    return language.name_in(interface) if language else code
