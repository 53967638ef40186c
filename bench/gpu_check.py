"""GPU check: the one script to run when a GPU is lent, a few minutes at most. Prints one table.

`python bench/gpu_check.py` on a CUDA machine (the project installed with a CUDA build of torch), or
`python bench/gpu_check.py --dry-run` on a CPU (what CI runs, so it cannot rot; smaller loads).
Each section is one function returning rows; the exit code is non-zero if any row failed:
- pinning: each worker process started with CUDA_VISIBLE_DEVICES=<n> sees exactly one GPU, the one it was given;
- skills: every skill's tiny model in bf16 and fp16 through Pipegram's loader and the skill's own forward, with
  the dtype it ended in, the time and the peak GPU memory;
- real weights: all-MiniLM-L6-v2 similarity and Whisper tiny.en transcript in half precision against fp32;
- batching: batched vs unbatched embedding throughput with the real all-MiniLM-L6-v2;
- serving: continuous batching (transformers' generate_batch) vs one chat at a time, 32 chats, a
  Qwen2.5-1.5B-shaped model with random weights (target >= 10x), and a recording's 30-s Whisper windows 8 per call
  vs one at a time, a large-v3-turbo-shaped model with random weights; on a CPU tiny shapes only prove the code runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE = ("import torch; n = torch.cuda.device_count(); "
         "print(n, torch.cuda.get_device_properties(0).uuid if n else '-')")


@dataclass(frozen=True)
class Row:
    section: str
    what: str
    dtype: str
    result: str
    seconds: float | None = None
    peak_mb: float | None = None
    ok: bool = True


@dataclass(frozen=True)
class Setup:
    device: str  # "cuda" or "cpu"
    dtypes: tuple[str, ...]
    cache: Path
    dry_run: bool


def measured(device: str, run: Callable[[], Any]) -> tuple[Any, float, float | None]:
    """run()'s result, its seconds and its peak GPU memory in MB (None on a CPU)."""
    import torch

    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    began = time.perf_counter()
    result = run()
    if device == "cuda":
        torch.cuda.synchronize()
        return result, time.perf_counter() - began, torch.cuda.max_memory_allocated() / 2**20
    return result, time.perf_counter() - began, None


def check_pinning(setup: Setup) -> list[Row]:
    """Processes pinned to GPU 0 and 1 each see one GPU, and different ones (on a CPU: none, and say so)."""
    seen = []
    for gpu in ("0", "1"):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                             env={**os.environ, "CUDA_VISIBLE_DEVICES": gpu}).stdout.split()
        seen.append((int(out[0]), out[1]))
    if setup.device != "cuda":
        ok = all(count == 0 for count, _ in seen)
        return [Row("pinning", "CUDA_VISIBLE_DEVICES=0,1", "-", f"no GPU here; processes saw {seen}", ok=ok)]
    import torch

    pinned = [entry for entry in seen if entry[0] > 0][: torch.cuda.device_count()]
    ok = all(count == 1 for count, _ in pinned) and len({uuid for _, uuid in pinned}) == len(pinned) > 0
    return [Row("pinning", f"{torch.cuda.device_count()} GPU(s)", "-", f"pinned processes saw {pinned}", ok=ok)]


def sample_inputs() -> dict[str, Any]:
    """One input per skill, as its preprocess would hand to forward."""
    from pipegram.samples.images import scene
    from workers.skills import chat, classify_sound, describe, detect, find, say, similar, summarize, transcribe
    from workers.skills import translate as translate_skill

    return {
        "chat": chat.WARMUP, "translate": translate_skill.WARMUP, "summarize": summarize.WARMUP,
        "similar": similar.WARMUP, "find": find.Search("a cat", [(1, "the cat sat"), (2, "a dog ran")]),
        "detect": detect.Photo(scene(), 0.0), "segment": scene(),
        "describe": describe.Question(scene(), describe.CAPTION_PROMPT),
        "transcribe": transcribe.WARMUP, "say": say.WARMUP, "classify_sound": classify_sound.WARMUP,
    }


def model_dtype(pipe: Any) -> str:
    """The dtype the skill's model ended up in, where it can be read."""
    voices = [voice for voice, _ in getattr(pipe, "warm", {}).values()]  # say: the voices loaded so far
    for holder in (pipe, getattr(pipe, "model", None), getattr(pipe, "pipe", None), *voices):
        dtype = getattr(holder, "dtype", None) or getattr(getattr(holder, "model", None), "dtype", None)
        if dtype is not None:
            return str(dtype).removeprefix("torch.")
    return "?"


def check_skills(setup: Setup) -> list[Row]:
    """Every skill's tiny model loaded in each half dtype on the device and run once through its forward."""
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import load_skill

    rows = []
    for name, sample in sample_inputs().items():
        skill = load_skill(name)
        for dtype in setup.dtypes:
            spec = ModelSpec("tiny", dtype=dtype, device=setup.device)
            try:
                def run(skill: Any = skill, spec: ModelSpec = spec, sample: Any = sample) -> tuple[Any, Any]:
                    pipe = load_pipeline(skill.TASK, skill.TINY_MODEL, spec, setup.cache, getattr(skill, "load", None))
                    return pipe, skill.forward(pipe, [sample], spec)

                (pipe, [output]), seconds, peak = measured(setup.device, run)
                rows.append(Row("skills", name, dtype, f"{type(output).__name__} (model {model_dtype(pipe)})",
                                seconds, peak))
                del pipe, output  # the next skill's peak memory is its own
                gc.collect()
            except Exception as exc:
                traceback.print_exc()
                rows.append(Row("skills", name, dtype, f"{type(exc).__name__}: {exc}"[:80], ok=False))
    return rows


def check_real_weights(setup: Setup) -> list[Row]:
    """all-MiniLM-L6-v2 similarities within 0.02 and Whisper tiny.en's words (90 %) in half vs fp32."""
    from pipegram.samples.realweights import minilm_folder, similarities, speech_16k, word_share
    from pipegram.samples.whisper_tiny_en import ensure_whisper_tiny_en
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import similar, transcribe

    rows = []
    minilm = {dtype: similarities(load_pipeline(similar.TASK, "", ModelSpec(str(minilm_folder()), dtype=dtype,
                                                                            device=setup.device), setup.cache,
                                                similar.load)) for dtype in ("float32", *setup.dtypes)}
    for dtype in setup.dtypes:
        gap = float(abs(minilm[dtype] - minilm["float32"]).max())
        rows.append(Row("real weights", "MiniLM similarity vs fp32", dtype, f"largest gap {gap:.4f}", ok=gap <= 0.02))
    whisper, clip = ensure_whisper_tiny_en(setup.cache), speech_16k()

    def heard(dtype: str) -> tuple[str, float, float | None]:
        spec = ModelSpec(str(whisper), dtype=dtype, device=setup.device)
        pipe = load_pipeline(transcribe.TASK, "", spec, setup.cache)
        text, seconds, peak = measured(setup.device, lambda: pipe(clip, return_timestamps=True)["text"])
        return text, seconds, peak

    reference = heard("float32")[0]
    for dtype in setup.dtypes:
        text, seconds, peak = heard(dtype)
        share = word_share(reference, text)
        rows.append(Row("real weights", "Whisper tiny.en words of fp32", dtype, f"{share:.0%}: {text[:40]!r}",
                        seconds, peak, ok=share >= 0.9))
    return rows


def check_batching(setup: Setup) -> list[Row]:
    """Embedding throughput, 1 model call per job vs dynamic batches (the real all-MiniLM-L6-v2)."""
    from bench.run import embedding_throughput

    unbatched, batched, users = embedding_throughput(users=16 if setup.dry_run else 64,
                                                     rounds=1 if setup.dry_run else 8)
    return [Row("batching", f"embeddings, {users} users", "auto",
                f"{unbatched:.0f} -> {batched:.0f} jobs/s ({batched / unbatched:.1f}x)",
                ok=setup.dry_run or batched > unbatched)]




CHAT_SHAPES = {  # Qwen2.5-1.5B-Instruct's shape; a tiny one for --dry-run
    "qwen2.5-1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
                         num_key_value_heads=2, vocab_size=151936, max_position_embeddings=4096),
    "tiny": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, vocab_size=1000, max_position_embeddings=512),
}


def random_chat_model(shape: dict, device: str) -> object:
    """A Qwen2 model of this shape with random weights (no download), that never stops before max_new_tokens."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    torch.manual_seed(0)
    config = Qwen2Config(**shape, eos_token_id=None, pad_token_id=0, bos_token_id=None)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_config(config, dtype=dtype).to(device).eval()
    model.generation_config.eos_token_id = None
    return model


def check_continuous_batching(setup: Setup, chats: int = 32, tokens: int = 64) -> list[Row]:
    """Check 4: `chats` chats answered one `generate` at a time vs all through transformers' continuous batching
    (paged attention; requests join and leave between decoding steps)."""
    import torch
    from transformers import GenerationConfig

    device, dry_run = setup.device, setup.dry_run
    chats, tokens = (3, 4) if dry_run else (chats, tokens)  # continuous batching on a CPU is slow
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    model = random_chat_model(CHAT_SHAPES["tiny" if dry_run else "qwen2.5-1.5b"], device)
    vocab = model.config.vocab_size  # type: ignore[attr-defined]
    rng = torch.Generator().manual_seed(1)
    prompts = [torch.randint(10, vocab, (24 + 4 * (n % 8),), generator=rng).tolist() for n in range(chats)]
    greedy = GenerationConfig(max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False, eos_token_id=None,
                              pad_token_id=0)
    with torch.inference_mode():
        model.generate(torch.tensor([prompts[0]], device=device), generation_config=greedy)  # warm-up
        began = time.perf_counter()
        alone = [model.generate(torch.tensor([p], device=device), generation_config=greedy)[0, len(p):].tolist()
                 for p in prompts]
        one_at_a_time_s = time.perf_counter() - began
        model.generate_batch(inputs=prompts[:2], generation_config=greedy)  # warm-up (and CUDA graphs)
        began = time.perf_counter()
        outputs = model.generate_batch(inputs=prompts, generation_config=greedy)
        batched_s = time.perf_counter() - began
    together = [list(output.generated_tokens) for output in sorted(outputs.values(), key=_request_order)]
    same = sum(a == b for a, b in zip(alone, together, strict=False))
    ratio = one_at_a_time_s / batched_s
    ok = len(together) == chats and all(len(t) == tokens for t in together) and (dry_run or ratio > 1)
    shape = "tiny (dry run)" if dry_run else "Qwen2.5-1.5B-shaped"
    return [Row("serving", f"chat, {chats} chats x {tokens} tokens, {shape}", "auto",
                f"one at a time {one_at_a_time_s:.1f} s, continuous batching {batched_s:.1f} s = {ratio:.1f}x "
                f"(target 10x); greedy identical {same}/{chats}", batched_s, peak_mb(device), ok)]


def _request_order(output: object) -> int:
    """generate_batch's request ids are "req_<n>" in input order."""
    return int(str(output.request_id).rsplit("_", 1)[-1])  # type: ignore[attr-defined]


WHISPER_TURBO_SHAPE = dict(d_model=1280, encoder_layers=32, decoder_layers=4, encoder_attention_heads=20,
                           decoder_attention_heads=20, encoder_ffn_dim=5120, decoder_ffn_dim=5120)


def check_whisper_windows(setup: Setup, minutes: int = 8, tokens: int = 100) -> list[Row]:
    """Check 5: a recording's 30-s windows through the transcribe skill one per model call vs 8 per call (the
    default on CUDA), a large-v3-turbo-shaped Whisper with random weights writing `tokens` tokens a window."""
    import numpy as np
    import torch

    from workers import audio
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import transcribe

    device, dry_run = setup.device, setup.dry_run
    minutes, tokens = (2, 8) if dry_run else (minutes, tokens)
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    spec = ModelSpec("tiny", device=device, generate={"min_new_tokens": tokens, "max_new_tokens": tokens})
    pipe = load_pipeline(transcribe.TASK, transcribe.TINY_MODEL, spec, Path(tempfile.mkdtemp()))
    if not dry_run:  # the tiny Whisper's vocabulary and generation settings, turbo's encoder and decoder
        from transformers import WhisperForConditionalGeneration

        torch.manual_seed(0)
        config = pipe.model.config
        config.update(WHISPER_TURBO_SHAPE)
        bigger = WhisperForConditionalGeneration(config)
        bigger.generation_config = pipe.model.generation_config
        pipe.model = bigger.to(device, torch.float16).eval()
    noise = np.random.default_rng(0).normal(0, 0.1, minutes * 60 * 16_000).astype(np.float32)
    recording = transcribe.Recording(audio.Samples(noise, 16_000), "en")
    per_call = transcribe.windows_per_call(pipe, spec)
    transcribe.forward(pipe, [transcribe.Recording(audio.Samples(noise[:16_000], 16_000), "en")], spec)  # warm-up
    timings = {}
    for label, windows in (("one window per call", 1), (f"{max(per_call, 8)} windows per call", max(per_call, 8))):
        began = time.perf_counter()
        [transcript] = transcribe.forward(pipe, [recording], ModelSpec("tiny", batch_size=windows,
                                                                       generate=spec.generate)) \
            if windows > 1 else _one_window_per_call(transcribe, pipe, recording, spec)
        timings[label] = (time.perf_counter() - began, transcript)
    (one_s, one), (batched_s, batched) = timings.values()
    ok = bool(one.segments) and len(one.segments) == len(batched.segments) and (dry_run or batched_s < one_s)
    shape = "tiny (dry run)" if dry_run else "large-v3-turbo-shaped"
    return [Row("serving", f"whisper, {minutes} min ({minutes * 2} windows x {tokens} tokens), {shape}",
                "auto" if dry_run else "float16",
                ", ".join(f"{label} {seconds:.1f} s" for label, (seconds, _) in timings.items())
                + f" = {one_s / batched_s:.1f}x; default here {per_call} per call", batched_s, peak_mb(device), ok)]


def _one_window_per_call(transcribe: object, pipe: object, recording: object, spec: object) -> list:
    """The transcribe skill with CUDA's batching of windows turned off: what it did before."""
    default = transcribe.CUDA_WINDOWS_PER_CALL  # type: ignore[attr-defined]
    transcribe.CUDA_WINDOWS_PER_CALL = 1  # type: ignore[attr-defined]
    try:
        return transcribe.forward(pipe, [recording], spec)  # type: ignore[attr-defined]
    finally:
        transcribe.CUDA_WINDOWS_PER_CALL = default  # type: ignore[attr-defined]


def peak_mb(device: str) -> float | None:
    """The peak GPU memory since the last reset, in MB (None on a CPU)."""
    import torch

    return torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else None


SECTIONS: list[Callable[[Setup], list[Row]]] = [check_pinning, check_skills, check_real_weights, check_batching,
                                             check_continuous_batching, check_whisper_windows]


def table(rows: list[Row]) -> str:
    """The rows as one aligned text table."""
    cells = [("section", "what", "dtype", "result", "s", "peak MB", "ok")] + [
        (r.section, r.what, r.dtype, r.result, "-" if r.seconds is None else f"{r.seconds:.2f}",
         "-" if r.peak_mb is None else f"{r.peak_mb:.0f}", "ok" if r.ok else "FAILED") for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells)


def main(argv: list[str] | None = None) -> int:
    import torch

    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--dry-run", action="store_true", help="on a CPU, with smaller loads (what CI runs)")
    args.add_argument("--cache", type=Path, help="where tiny and rebuilt models go (default: a temporary folder)")
    options = args.parse_args(argv)
    if not options.dry_run and not torch.cuda.is_available():
        print("no CUDA device here: run with --dry-run to check the script on a CPU")
        return 2
    device = "cpu" if options.dry_run else "cuda"
    setup = Setup(device, ("bfloat16", "float16"),
                  options.cache or Path(tempfile.mkdtemp(prefix="gpu-check-")), options.dry_run)
    name = torch.cuda.get_device_name(0) if device == "cuda" else "CPU (dry run)"
    print(f"gpu_check on {name}, torch {torch.__version__}")
    rows = [row for section in SECTIONS for row in section(setup)]
    print(table(rows))
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
