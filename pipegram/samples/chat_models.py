"""A random chat model slow enough to watch an answer grow (seconds, as a real model's answer takes), for the
streaming tests and the bench's first-words figure."""

from __future__ import annotations

from pathlib import Path


def slower_chat_model(cache: Path, dest: Path) -> Path:
    """The tiny chat model's tokenizer and template on a wider, deeper random Llama (151 MB): 400 tokens take
    about 5 s here, as a real model's answer does, where the tiny one writes them in under a second."""
    import torch
    from transformers import AutoTokenizer, GenerationConfig, LlamaConfig, LlamaForCausalLM

    from workers.tiny import ensure_tiny

    tiny = ensure_tiny("chat-lm", cache)
    config = LlamaConfig.from_pretrained(tiny)
    config.update({"hidden_size": 1024, "intermediate_size": 2048, "num_hidden_layers": 6,
                   "num_attention_heads": 8, "num_key_value_heads": 4})
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig.from_pretrained(tiny)
    model.save_pretrained(dest)
    AutoTokenizer.from_pretrained(tiny).save_pretrained(dest)
    return dest
