"""Tiny random-weight models, built locally so tests and demos run with no Hub and no GPU.

Each builder writes an ordinary Hugging Face folder that loads through the same `pipeline(task, model=dir)`
path as a real model. Builders are keyed by model kind, not skill: several skills may share one kind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

VERSION = "v1"

# Real words, so tiny answers read as (random) text that splits at word boundaries.
WORDS = (
    "the a an and or but if then so because when where what who how why which this that these those I "
    "you he she it we they me him her us them my your his its our their is are was were be been being "
    "have has had do does did will would can could should may might must shall not no yes very more most "
    "answer message chat model worker queue redis telegram bot reply voice photo text word sentence "
    "hello there friend good great small large fast slow warm cold bright dark early late new old time "
    "day night morning evening week year today tomorrow yesterday always never often sometimes cat dog "
    "bird fish tree river mountain city road house garden window door table chair book paper run walk "
    "talk think know see hear read write send bring take give make find keep start stop help one two "
    "three four five six seven eight nine ten many few every each some any all both other in on at by "
    "for with about from to of over under between through into onto across after before"
)

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_chat_lm(dest: Path) -> None:
    """A 2-layer Llama with a word-level tokenizer, a ChatML template and greedy, short generation."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<|pad|>", "<|unk|>", "<|im_start|>", "<|im_end|>"]
    vocab = {token: index for index, token in enumerate(specials + sorted(set(WORDS.split())))}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<|unk|>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token="<|im_start|>", eos_token="<|im_end|>",
        pad_token="<|pad|>", unk_token="<|unk|>",
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(
        max_new_tokens=16, do_sample=False, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)


BUILDERS: dict[str, Callable[[Path], None]] = {
    "chat-lm": build_chat_lm,
}


def ensure_tiny(kind: str, cache_dir: Path) -> Path:
    """The folder of a tiny model of this kind, built on first use; safe with several workers at once."""
    dest = cache_dir / "tiny" / f"{kind}-{VERSION}"
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=dest.parent))
    try:
        BUILDERS[kind](staging)
        for path in staging.iterdir():
            path.chmod(0o644)  # save_pretrained writes weights 0600; workers may run as another user
        staging.chmod(0o755)
        os.rename(staging, dest)
    except OSError:
        if not dest.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
