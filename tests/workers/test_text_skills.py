"""Translate and summarize with tiny models: an NLLB-shaped seq2seq, a BART and a prompted chat model."""

from pathlib import Path
from typing import Any

import pytest

from shared.jobs import Job
from shared.settings import Settings
from workers.models import ModelSpec, load_pipeline
from workers.seq2seq import Seq2SeqModel
from workers.skill import BadInput, SkillContext
from workers.skills import summarize, translate
from workers.textmodels import PromptedModel, Request
from workers.tiny import WORDS

TINY = ModelSpec("tiny")


@pytest.fixture(scope="module")
def translator(models_cache: Path) -> Any:
    return load_pipeline(translate.TASK, translate.TINY_MODEL, TINY, models_cache, translate.load)


@pytest.fixture(scope="module")
def summarizer(models_cache: Path) -> Any:
    return load_pipeline(summarize.TASK, summarize.TINY_MODEL, TINY, models_cache, summarize.load)


@pytest.fixture(scope="module")
def chat_model(models_cache: Path) -> Any:
    return load_pipeline("text-generation", "chat-lm", TINY, models_cache, translate.load)


def ctx(files: dict[str, bytes] | None = None) -> SkillContext:
    return SkillContext(redis=None, settings=Settings(_env_file=None),  # type: ignore[arg-type]
                        download=lambda file_id: (files or {})[file_id])


def job(text: str = "", **fields: Any) -> Job:
    return Job(skill="translate", chat_id=1, user_id=1, message_id=1, text=text, **fields)


def long_text(chars: int) -> str:
    words = WORDS.split()
    sentences = (" ".join(words[(n * 7 + k) % len(words)] for k in range(12)).capitalize() + "." for n in range(10**6))
    text = ""
    while len(text) < chars:
        text += next(sentences) + " "
    return text[:chars]


def test_encoder_decoder_models_load_as_seq2seq_and_others_as_prompted(translator, summarizer, chat_model) -> None:
    assert isinstance(translator, Seq2SeqModel) and translator.takes_language_codes
    assert isinstance(summarizer, Seq2SeqModel) and not summarizer.takes_language_codes
    assert isinstance(chat_model, PromptedModel)


def test_nllb_gets_the_source_code_on_the_input_and_the_target_forced_first(translator, monkeypatch) -> None:
    calls: list[dict] = []
    generate = translator.model.generate

    def spy(**kwargs: Any) -> Any:
        calls.append({**kwargs, "output": generate(**kwargs)})
        return calls[-1]["output"]

    monkeypatch.setattr(translator.model, "generate", spy)
    ids = translator.tokenizer.convert_tokens_to_ids
    [out] = translator.run([Request("hello there friend", "", source="deu_Latn", target="fra_Latn")], TINY)
    assert out.strip()
    [call] = calls
    assert call["input_ids"][0][0] == ids("deu_Latn")
    assert call["forced_bos_token_id"] == ids("fra_Latn") == call["output"][0][1]


def test_requests_for_different_languages_are_batched_apart_and_answered_in_order(translator, monkeypatch) -> None:
    calls: list[tuple[int, int]] = []  # (texts in the model call, the target token forced on all of them)
    generate = translator.model.generate

    def spy(**kwargs: Any) -> Any:
        calls.append((len(kwargs["input_ids"]), kwargs["forced_bos_token_id"]))
        return generate(**kwargs)

    monkeypatch.setattr(translator.model, "generate", spy)
    ids = translator.tokenizer.convert_tokens_to_ids
    requests = [Request("the cat", "", target=code) for code in ("fra_Latn", "deu_Latn", "fra_Latn")]
    outputs = translator.run(requests, ModelSpec("tiny", batch_size=8))
    assert sorted(calls) == sorted([(2, ids("fra_Latn")), (1, ids("deu_Latn"))])
    monkeypatch.setattr(translator.model, "generate", generate)
    alone = [translator.run([request], TINY)[0] for request in requests]
    assert outputs == alone  # each answer in its request's place


def test_a_code_the_model_lacks_is_a_bad_input(translator) -> None:
    with pytest.raises(BadInput, match="xyz_Abcd"):
        translate.forward(translator, [translate.Translation("hello", "xyz_Abcd")], TINY)


def test_a_long_text_is_translated_in_pieces_keeping_its_paragraphs(translator) -> None:
    text = long_text(4000) + "\n\n" + long_text(3000)
    [out] = translate.forward(translator, [translate.Translation(text, "fra_Latn")], ModelSpec("tiny", batch_size=8))
    paragraphs = out.text.split("\n")
    assert len(paragraphs) == 3 and paragraphs[1] == ""
    assert len(paragraphs[0].split()) > 16  # several pieces, each up to 16 tiny tokens


def test_translate_reads_languages_from_options_and_refuses_empty_or_huge_input() -> None:
    item = translate.preprocess(job("hello", options={"target": "deu_Latn", "source": "eng_Latn"}), ctx())
    assert (item.target, item.source, item.guessed) == ("deu_Latn", "eng_Latn", False)
    done = translate.Translated("hallo", "eng_Latn", "deu_Latn")
    assert translate.postprocess(done, job(options={"target": "deu_Latn"}), ctx()).text == (
        "🌐 From English to German:\nhallo")
    with pytest.raises(BadInput, match="/translate french"):
        translate.preprocess(job("   "), ctx())
    with pytest.raises(BadInput, match="100,000 characters.*10,000"):
        translate.preprocess(job("a" * 100_000), ctx())


@pytest.mark.parametrize(("text", "code"), [
    ("Bonjour tout le monde, comment allez-vous ?", "fra_Latn"),
    ("Buenos días, amigos", "spa_Latn"),  # three words
    ("Сегодня хорошая погода, и мы идём гулять в парк.", "rus_Cyrl"),
    ("今天天氣很好，我們去公園散步吧。", "zho_Hant"),
    ("今天天气很好，我们去公园散步吧。", "zho_Hans"),
    ("Guten Morgen, wie geht es dir?", "deu_Latn"),
    ("Добро јутро, како си?", "srp_Cyrl"),
    ("こんにちは世界", "jpn_Jpan"),
    ("the cat sat on the table and the dog ran", "eng_Latn"),
])
def test_the_source_is_detected_with_its_script(text: str, code: str) -> None:
    item = translate.preprocess(job(text, options={"target": "ita_Latn"}), ctx())
    assert item.source == code


def test_an_unsure_guess_is_named_in_the_reply_and_a_named_source_overrides(translator, monkeypatch) -> None:
    calls: list[Any] = []
    generate = translator.model.generate
    monkeypatch.setattr(translator.model, "generate", lambda **kwargs: calls.append(kwargs) or generate(**kwargs))
    ids = translator.tokenizer.convert_tokens_to_ids
    guessed = translate.preprocess(job("Buenos días, amigos", options={"target": "deu_Latn"}), ctx())
    [done] = translate.forward(translator, [guessed], TINY)
    assert calls[-1]["input_ids"][0][0] == ids("spa_Latn")
    reply = translate.postprocess(done, job(options={"target": "deu_Latn"}), ctx()).text
    assert reply.startswith("🌐 From Spanish (detected) to German:\n") and "/translate es>de" in reply
    named = translate.preprocess(job("Buenos días, amigos", options={"target": "deu_Latn", "source": "glg_Latn"}),
                                 ctx())
    translate.forward(translator, [named], TINY)
    assert calls[-1]["input_ids"][0][0] == ids("glg_Latn")


def test_a_text_already_in_the_target_language_is_refused_in_the_users_language() -> None:
    with pytest.raises(BadInput, match="already in German"):
        translate.preprocess(job("Guten Morgen, wie geht es dir heute?", options={"target": "deu_Latn"}), ctx())
    with pytest.raises(BadInput, match="schon auf Deutsch"):
        translate.preprocess(job("Guten Morgen, wie geht es dir heute?", options={"target": "deu_Latn"},
                                 language="de"), ctx())


def test_a_text_document_is_read_and_other_files_are_refused() -> None:
    files = {"doc": "Grüße aus Köln".encode(), "bin": b"\x7fELF\x00\x81binary"}
    assert translate.preprocess(job(file_id="doc"), ctx(files)).text == "Grüße aus Köln"
    with pytest.raises(BadInput, match="PDF, Word"):
        translate.preprocess(job(file_id="bin"), ctx(files))


@pytest.fixture
def quick_lengths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer tokens than the real lengths: a tiny model never stops early, and every step costs CPU time."""
    monkeypatch.setitem(summarize.LENGTHS, "short", {"min_new_tokens": 2, "max_new_tokens": 6})
    monkeypatch.setitem(summarize.LENGTHS, "long", {"min_new_tokens": 30, "max_new_tokens": 40})


@pytest.mark.usefixtures("quick_lengths")
def test_a_50000_character_text_is_summarised_in_stages(summarizer, monkeypatch) -> None:
    sizes: list[int] = []
    run = summarizer.run
    monkeypatch.setattr(summarizer, "run", lambda requests, spec: sizes.append(len(requests)) or run(requests, spec))
    item = summarize.preprocess(job(long_text(50_000), options={"length": "short"}), ctx())
    [summary] = summarize.forward(summarizer, [item], ModelSpec("tiny", batch_size=8))
    assert sizes[0] > 5 and sizes[-1] == 1  # many pieces first, one final summary
    assert 0 < len(summary.text.split()) <= 6


@pytest.mark.usefixtures("quick_lengths")
def test_long_summaries_are_longer_than_short_ones(summarizer) -> None:
    text = long_text(3000)
    short, long = (summarize.forward(summarizer, [summarize.Summary(text, length)], TINY)[0].text
                   for length in ("short", "long"))
    assert len(long.split()) > len(short.split())


def test_summarize_refuses_empty_and_huge_input_with_advice() -> None:
    with pytest.raises(BadInput, match="reply /summarize"):
        summarize.preprocess(job(""), ctx())
    with pytest.raises(BadInput, match="100,000 characters.*80,000"):
        summarize.preprocess(job("w" * 100_000), ctx())
    assert summarize.preprocess(job("x", options={"length": "weird"}), ctx()).length == "medium"


def test_a_chat_model_serves_both_skills_when_prompted(chat_model) -> None:
    [translation] = translate.forward(chat_model, [translate.Translation("hello there", "deu_Latn")], TINY)
    translation = translation.text
    [summary] = summarize.forward(chat_model, [summarize.Summary(long_text(20_000), "medium")], TINY)
    assert translation.strip() and summary.text.strip()


def test_the_summary_keeps_the_texts_language(chat_model, monkeypatch) -> None:
    french = "Le chat dort sur la table. Le chien court dans le jardin avec les enfants. " * 5
    item = summarize.preprocess(job(french), ctx())
    assert item.language == "French"
    asked: list[Request] = []
    run = chat_model.run
    monkeypatch.setattr(chat_model, "run", lambda requests, spec: asked.extend(requests) or run(requests, spec))
    summarize.forward(chat_model, [item], TINY)
    assert asked and all(summarize.KEEP_LANGUAGE.format(language="French") in r.instruction for r in asked)
