"""The chat skill with a tiny random model loaded through the real `pipeline()` path, and real Redis."""

import time
from pathlib import Path

import pytest
import redis

from shared.jobs import Job
from shared.keys import history_key
from shared.settings import ConfigError, Settings
from workers.models import ModelSpec, load_pipeline, resolve_specs
from workers.skill import BadInput, SkillContext
from workers.skills import chat


@pytest.fixture(scope="module")
def pipe(models_cache: Path):
    return load_pipeline(chat.TASK, chat.TINY_MODEL, ModelSpec("tiny"), models_cache)


@pytest.fixture
def ctx(redis_url: str) -> SkillContext:
    settings = Settings(_env_file=None, redis_url=redis_url, pipegram_history_turns=2)
    return SkillContext(redis=redis.Redis.from_url(redis_url), settings=settings)


def test_tiny_model_answers_each_conversation_deterministically(pipe) -> None:
    batch = [chat.Prompt([{"role": "user", "content": "hello there"}]),
             chat.Prompt([{"role": "user", "content": "good morning"}])]
    first = chat.forward(pipe, batch, ModelSpec("tiny"))
    assert len(first) == 2 and all(isinstance(a, str) and a.strip() for a in first)
    assert chat.forward(pipe, batch, ModelSpec("tiny")) == first


def test_generation_options_from_the_models_config_reach_the_model(pipe) -> None:
    spec = ModelSpec("tiny", generate={"max_new_tokens": 40, "min_new_tokens": 40})
    [answer] = chat.forward(pipe, [chat.Prompt([{"role": "user", "content": "hello"}])], spec)
    assert len(answer.split()) == 40


def test_answer_length_scales_the_answer_budget_and_asks_for_it(pipe) -> None:
    spec = ModelSpec("tiny", generate={"max_new_tokens": 40, "min_new_tokens": 2})
    turns = [{"role": "user", "content": "hello"}]
    assert chat.generate_options(pipe, spec, "normal") == spec.generate
    assert chat.generate_options(pipe, spec, "short")["max_new_tokens"] == 10
    assert chat.generate_options(pipe, spec, "long")["max_new_tokens"] == 80
    short, normal, long = chat.forward(pipe, [chat.Prompt(turns, "short"), chat.Prompt(turns),
                                              chat.Prompt(turns, "long")], spec)
    assert len(short.split()) <= 10 < len(long.split())
    assert len(normal.split()) <= 40


def test_history_is_bounded_and_expires(ctx: SkillContext) -> None:
    chat_id = 777001
    for n in range(5):
        job = Job(skill="chat", chat_id=chat_id, user_id=1, message_id=n, text=f"message {n}")
        conversation = chat.preprocess(job, ctx).turns
        assert conversation[-1] == {"role": "user", "content": f"message {n}"}
        chat.postprocess(f"answer {n}", job, ctx)
    prompt = chat.preprocess(Job(skill="chat", chat_id=chat_id, user_id=1, message_id=9, text="next",
                                 options={"length": "short"}), ctx)
    conversation = prompt.turns
    assert prompt.length == "short"
    assert [turn["content"] for turn in conversation] == ["message 3", "answer 3", "message 4", "answer 4", "next"]
    assert 0 < ctx.redis.ttl(history_key(chat_id)) <= ctx.settings.pipegram_history_ttl


def test_blank_text_is_refused_with_advice(ctx: SkillContext) -> None:
    with pytest.raises(BadInput, match="text"):
        chat.preprocess(Job(skill="chat", chat_id=1, user_id=1, message_id=1, text="  \n "), ctx)


def test_models_setting_picks_tiny_default_or_a_toml_file(tmp_path: Path) -> None:
    assert resolve_specs("tiny", ["chat"])["chat"].model == "tiny"
    assert resolve_specs("default", ["chat"])["chat"].model == "Qwen/Qwen2.5-1.5B-Instruct"
    config = tmp_path / "models.toml"
    config.write_text('base = "tiny"\n[chat]\ndtype = "float32"\nbatch_size = 4\n[chat.generate]\nmax_new_tokens = 9\n')
    spec = resolve_specs(str(config), ["chat"])["chat"]
    assert spec == ModelSpec("tiny", dtype="float32", batch_size=4, generate={"max_new_tokens": 9})
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_specs(str(tmp_path / "missing.toml"), ["chat"])


def test_a_100000_character_message_is_cut_and_the_user_told(pipe, ctx: SkillContext) -> None:
    job = Job(skill="chat", chat_id=777002, user_id=1, message_id=1, text="word " * 20_000)
    prompt = chat.preprocess(job, ctx)
    assert len(prompt.turns[-1]["content"]) == chat.MAX_MESSAGE_CHARS and prompt.length == "normal"
    [answer] = chat.forward(pipe, [prompt], ModelSpec("tiny"))
    reply = chat.postprocess(answer, job, ctx)
    assert reply.text.startswith("✂️ Your message was very long")


def test_old_turns_make_room_for_a_long_message(pipe) -> None:
    window = pipe.model.config.max_position_embeddings
    old = [{"role": "user", "content": "old " * 1000}, {"role": "assistant", "content": "answer " * 1000}]
    new = {"role": "user", "content": "hello " * (window - 600)}
    fitted = chat.fit_window(pipe, [*old, new], 100)
    assert fitted == [new]
    huge = {"role": "user", "content": "hello " * (window * 2)}
    [cut] = chat.fit_window(pipe, [huge], 100)
    size = len(pipe.tokenizer.apply_chat_template([cut], tokenize=True, add_generation_prompt=True)["input_ids"])
    assert size <= window - 100 and cut["content"].startswith("hello hello")


def test_the_model_is_asked_to_answer_in_the_language_of_the_message(pipe, ctx: SkillContext) -> None:
    russian = Job(skill="chat", chat_id=777003, user_id=1, message_id=1,
                  text="Сегодня хорошая погода, куда нам пойти гулять?")
    prompt = chat.preprocess(russian, ctx)
    assert prompt.language == "Russian"
    assert chat.preprocess(Job(skill="chat", chat_id=777003, user_id=1, message_id=2, text="ok"), ctx).language == ""
    messages = chat.conversation(pipe, prompt, 16)  # what forward hands the model for this prompt
    assert messages[0] == {"role": "system", "content": chat.LANGUAGE_INSTRUCTION.format(language="Russian")}
    assert messages[-1]["content"] == russian.text


def test_a_batch_gives_each_prompt_its_one_at_a_time_greedy_answer_and_streams_each_row(pipe) -> None:
    spec = ModelSpec("tiny", generate={"max_new_tokens": 60})
    words = ["hello", "there", "friend", "how", "are", "you", "today", "what", "is", "the", "weather"]
    turns = [[{"role": "user", "content": " ".join(words[: 1 + n % 9])}] for n in range(8)]  # padded: unequal
    alone = [chat.forward(pipe, [chat.Prompt(t)], spec)[0] for t in turns]
    shown: dict[int, list[str]] = {n: [] for n in range(8)}
    together = chat.forward(pipe, [chat.Prompt(t, show_partial=shown[n].append) for n, t in enumerate(turns)], spec)
    assert together == alone
    for n, parts in shown.items():
        assert parts, f"row {n} showed nothing while it was written"
        assert all(alone[n].startswith(part) for part in parts)  # each row's own text, growing
        assert [len(part) for part in parts] == sorted(len(part) for part in parts)


def test_a_row_past_its_deadline_stops_and_the_others_finish(pipe) -> None:
    spec = ModelSpec("tiny", generate={"max_new_tokens": 300, "min_new_tokens": 300})
    turns = [{"role": "user", "content": "hello"}]
    late, on_time = chat.forward(pipe, [chat.Prompt(turns, deadline=time.monotonic() - 5), chat.Prompt(turns)], spec)
    assert len(late.split()) < 5 and len(on_time.split()) == 300


def test_the_cuda_path_continuous_batching_run_here_on_cpu_gives_the_same_greedy_answers(pipe) -> None:
    """transformers' continuous batching (used on CUDA) is slow on CPU but runs: its rows stream, and a row past
    its deadline is cancelled alone."""
    from workers import generation

    chats = [[{"role": "user", "content": words}] for words in ("hello there", "how are you today friend", "what")]
    texts = [pipe.tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in chats]
    options = {"max_new_tokens": 12}
    shown: list[list[str]] = [[], [], []]
    try:
        continuous = generation.generate_continuously(pipe.model, pipe.tokenizer, texts, options,
                                                      [rows.append for rows in shown],
                                                      [None, None, time.monotonic() - 5])
    finally:
        pipe.model._pipegram_manager.stop(block=True)
        del pipe.model._pipegram_manager
    padded = generation.generate_rows(pipe, chats, options, [None] * 3, [None] * 3)
    assert continuous[:2] == padded[:2] and all(continuous[:2])
    assert shown[0] and shown[1] and all(padded[0].startswith(part) for part in shown[0])
    assert continuous[2] == "" and not shown[2]
