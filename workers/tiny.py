"""Tiny random-weight models, built locally so tests and demos run with no Hub and no GPU.

Each builder writes an ordinary Hugging Face folder that loads through the same `pipeline(task, model=dir)`
path as a real model. Builders are keyed by model kind, not skill: several skills may share one kind.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def word_tokenizer(specials: list[str], **roles: Any) -> Any:
    """A whitespace word-level tokenizer over WORDS, with the given special tokens and their roles."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {token: index for index, token in enumerate(specials + sorted(set(WORDS.split())))}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token=roles["unk_token"]))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=core, **roles)


def build_chat_lm(dest: Path) -> None:
    """A 2-layer Llama with a word-level tokenizer, a ChatML template and greedy, short generation."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    tokenizer = word_tokenizer(["<|pad|>", "<|unk|>", "<|im_start|>", "<|im_end|>"], bos_token="<|im_start|>",
                               eos_token="<|im_end|>", pad_token="<|pad|>", unk_token="<|unk|>")
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
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


def build_summarizer(dest: Path) -> None:
    """A tiny BART (a seq2seq model with no language codes) with a word-level tokenizer."""
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = word_tokenizer(["<s>", "<pad>", "</s>", "<unk>"], bos_token="<s>", eos_token="</s>",
                               pad_token="<pad>", unk_token="<unk>", model_max_length=1024)
    save_seq2seq(dest, tokenizer, BartForConditionalGeneration, BartConfig)


def build_nllb(dest: Path) -> None:
    """An NLLB-shaped translator: M2M100 (as NLLB-200 is) and a real NllbTokenizer with all 202 language codes.

    The source language goes in through `tokenizer.src_lang`, the target through `forced_bos_token_id`.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    core = Tokenizer(models.BPE(unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    core.train_from_iterator([WORDS], trainers.BpeTrainer(vocab_size=400, show_progress=False,
                                                          special_tokens=["<s>", "<pad>", "</s>", "<unk>"]))
    bpe = json.loads(core.to_str())["model"]
    merges: Any = [tuple(pair) for pair in bpe["merges"]]  # the tokenizers library wants pairs
    tokenizer = NllbTokenizer(vocab=bpe["vocab"], merges=merges, model_max_length=1024)
    save_seq2seq(dest, tokenizer, M2M100ForConditionalGeneration, M2M100Config)


def save_seq2seq(dest: Path, tokenizer: Any, model_class: Any, config_class: Any) -> None:
    """A 1+1-layer encoder-decoder of width 16 for `tokenizer`, greedy and short, saved with it."""
    import torch
    from transformers import GenerationConfig

    # Like BART and NLLB, decoding starts from </s>.
    ids = {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
           "pad_token_id": tokenizer.pad_token_id, "decoder_start_token_id": tokenizer.eos_token_id}
    torch.manual_seed(0)
    model = model_class(config_class(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=1024, **ids))
    model.generation_config = GenerationConfig(max_new_tokens=16, do_sample=False, **ids)
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)


def build_sentence_embedder(dest: Path) -> None:
    """A sentence-transformers folder like all-MiniLM-L6-v2's: tiny BERT, then mean pooling, then Normalize."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = BertTokenizer(vocab={token: i for i, token in enumerate(specials + sorted(set(WORDS.split())))})
    torch.manual_seed(0)
    bert = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                                num_attention_heads=2, intermediate_size=64, max_position_embeddings=128))
    with tempfile.TemporaryDirectory() as body:
        bert.save_pretrained(body)
        tokenizer.save_pretrained(body)
        modules = [Transformer(body, max_seq_length=128), Pooling(32, "mean"), Normalize()]
        SentenceTransformer(modules=modules, device="cpu").save(str(dest))


def _lazy(module: str, name: str) -> Callable[[Path], None]:
    """A builder from another module (tiny_vision, tiny_speech), imported when used (they import this one)."""
    return lambda dest: getattr(importlib.import_module(module), name)(dest)


BUILDERS: dict[str, Callable[[Path], None]] = {
    "chat-lm": build_chat_lm,
    "summarizer": build_summarizer,
    "nllb": build_nllb,
    "sentence-embedder": build_sentence_embedder,
    "detr": _lazy("workers.tiny_vision", "build_detr"),
    "sam": _lazy("workers.tiny_vision", "build_sam"),
    "vlm": _lazy("workers.tiny_vision", "build_vlm"),
    "whisper": _lazy("workers.tiny_speech", "build_whisper"),
    "vits": _lazy("workers.tiny_speech", "build_vits"),
    "voices": _lazy("workers.tiny_speech", "build_voices"),
    "clap": _lazy("workers.tiny_speech", "build_clap"),
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
        for path in staging.rglob("*"):  # save_pretrained writes weights 0600; workers may run as another user
            path.chmod(0o755 if path.is_dir() else 0o644)
        staging.chmod(0o755)
        os.rename(staging, dest)
    except OSError:
        if not dest.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
