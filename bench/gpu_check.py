"""GPU check, for a CUDA machine: pinning, fp16 loading and batching on the GPU. A few minutes at most.

Run `python bench/gpu_check.py` (needs the project installed with a CUDA build of torch). Prints one line per
check and exits non-zero if any fails:
1. each worker process started with CUDA_VISIBLE_DEVICES=<n> sees exactly one GPU, and the one it was given;
2. a model loads in fp16 on the GPU through Pipegram's loader and generates;
3. batched embedding throughput beats unbatched on the GPU (the real all-MiniLM-L6-v2);
4. continuous batching (transformers' generate_batch) vs one chat at a time, 32 chats, a Qwen2.5-1.5B-shaped
   model with random weights (target >= 10x);
5. Whisper: a recording's 30-s windows 8 per call vs one at a time through the transcribe skill, a
   large-v3-turbo-shaped model with random weights; and the peak GPU memory of checks 4 and 5.
`--dry-run` runs checks 4 and 5 on the CPU with tiny shapes, to try their code without a GPU (figures
meaningless); `--only 4,5` runs some.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE = "import torch; print(torch.cuda.device_count(), torch.cuda.get_device_properties(0).uuid)"


def check_pinning() -> bool:
    import torch

    every = {str(torch.cuda.get_device_properties(n).uuid) for n in range(torch.cuda.device_count())}
    seen = []
    for gpu in range(min(2, torch.cuda.device_count())):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                             env={**os.environ, "CUDA_VISIBLE_DEVICES": str(gpu)}).stdout.split()
        seen.append((int(out[0]), out[1]))
    ok = all(count == 1 and uuid in every for count, uuid in seen) and len({u for _, u in seen}) == len(seen)
    print(f"1. pinning: {len(every)} GPUs here; processes pinned to GPU 0..{len(seen) - 1} each saw {seen}: "
          f"{'ok' if ok else 'FAILED'}")
    return ok


def check_fp16() -> bool:
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import chat

    spec = ModelSpec("tiny", dtype="float16", device="cuda")
    pipe = load_pipeline(chat.TASK, chat.TINY_MODEL, spec, Path(tempfile.mkdtemp()))
    [answer] = chat.forward(pipe, [chat.WARMUP], spec)
    ok = str(pipe.model.dtype) == "torch.float16" and pipe.model.device.type == "cuda" and bool(answer.strip())
    print(f"2. fp16 on GPU: dtype {pipe.model.dtype}, device {pipe.model.device}, answer {answer[:40]!r}: "
          f"{'ok' if ok else 'FAILED'}")
    return ok


def check_batching() -> bool:
    from bench.run import embedding_throughput

    unbatched, batched, users = embedding_throughput(users=64, rounds=8)
    ok = batched > unbatched
    print(f"3. GPU embeddings, {users} users: unbatched {unbatched:.0f} jobs/s, batched {batched:.0f} jobs/s "
          f"= {batched / unbatched:.1f}x: {'ok' if ok else 'FAILED'}")
    return ok


def main() -> int:
    import argparse

    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="checks 4 and 5 on the CPU, tiny shapes")
    parser.add_argument("--only", default="1,2,3,4,5", help="comma-separated checks")
    args = parser.parse_args()
    only = set(args.only.split(","))
    import transformers

    transformers.logging.set_verbosity_error()  # a line per window about max_length would bury the results
    if args.dry_run:
        return 0 if all([check_continuous_batching(dry_run=True), check_whisper_windows(dry_run=True)]) else 1
    if not torch.cuda.is_available():
        print("no CUDA device here: nothing to check (try --dry-run)")
        return 2
    checks = {"1": check_pinning, "2": check_fp16, "3": check_batching, "4": check_continuous_batching,
              "5": check_whisper_windows}
    results = [check() for number, check in checks.items() if number in only]
    return 0 if all(results) else 1


# Issue 13 (serving many chats on one GPU): checks 4 and 5, each on its own, with their own helpers.

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


def peak_gpu_gb() -> str:
    import torch

    return f"{torch.cuda.max_memory_allocated() / 2**30:.1f} GB" if torch.cuda.is_available() else "n/a (CPU)"


def check_continuous_batching(chats: int = 32, tokens: int = 64, dry_run: bool = False) -> bool:
    """Check 4: `chats` chats answered one `generate` at a time vs all through transformers' continuous batching
    (paged attention; requests join and leave between decoding steps)."""
    import time

    import torch
    from transformers import GenerationConfig

    device = "cpu" if dry_run else "cuda"
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
    print(f"4. chat, {chats} chats x {tokens} new tokens, {'tiny (dry run, CPU)' if dry_run else 'Qwen2.5-1.5B-shaped'}"
          f": one at a time {one_at_a_time_s:.1f} s ({chats * tokens / one_at_a_time_s:.0f} tokens/s), continuous "
          f"batching {batched_s:.1f} s ({chats * tokens / batched_s:.0f} tokens/s) = {ratio:.1f}x (target 10x); "
          f"greedy answers identical {same}/{chats}; peak GPU memory {peak_gpu_gb()}: {'ok' if ok else 'FAILED'}")
    return ok


def _request_order(output: object) -> int:
    """generate_batch's request ids are "req_<n>" in input order."""
    return int(str(output.request_id).rsplit("_", 1)[-1])  # type: ignore[attr-defined]


WHISPER_TURBO_SHAPE = dict(d_model=1280, encoder_layers=32, decoder_layers=4, encoder_attention_heads=20,
                           decoder_attention_heads=20, encoder_ffn_dim=5120, decoder_ffn_dim=5120)


def check_whisper_windows(minutes: int = 8, tokens: int = 100, dry_run: bool = False) -> bool:
    """Check 5: a recording's 30-s windows through the transcribe skill one per model call vs 8 per call (the
    default on CUDA), a large-v3-turbo-shaped Whisper with random weights writing `tokens` tokens a window."""
    import time

    import numpy as np
    import torch

    from workers import audio
    from workers.models import ModelSpec, load_pipeline
    from workers.skills import transcribe

    device = "cpu" if dry_run else "cuda"
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
    print(f"5. Whisper, {minutes} min ({minutes * 2} windows x {tokens} tokens), "
          f"{'tiny (dry run, CPU)' if dry_run else 'large-v3-turbo-shaped, fp16'}: " +
          ", ".join(f"{label} {seconds:.1f} s" for label, (seconds, _) in timings.items()) +
          f" = {one_s / batched_s:.1f}x; default on this device: {per_call} per call; peak GPU memory "
          f"{peak_gpu_gb()}: {'ok' if ok else 'FAILED'}")
    return ok


def _one_window_per_call(transcribe: object, pipe: object, recording: object, spec: object) -> list:
    """The transcribe skill with CUDA's batching of windows turned off: what it did before."""
    default = transcribe.CUDA_WINDOWS_PER_CALL  # type: ignore[attr-defined]
    transcribe.CUDA_WINDOWS_PER_CALL = 1  # type: ignore[attr-defined]
    try:
        return transcribe.forward(pipe, [recording], spec)  # type: ignore[attr-defined]
    finally:
        transcribe.CUDA_WINDOWS_PER_CALL = default  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
