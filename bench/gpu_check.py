"""GPU check: the one script to run when a GPU is lent, a few minutes at most. Prints one table.

`python bench/gpu_check.py` on a CUDA machine (the project installed with a CUDA build of torch), or
`python bench/gpu_check.py --dry-run` on a CPU (what CI runs, so it cannot rot; smaller loads).
Each section is one function returning rows; the exit code is non-zero if any row failed:
- pinning: each worker process started with CUDA_VISIBLE_DEVICES=<n> sees exactly one GPU, the one it was given;
- skills: every skill's tiny model in bf16 and fp16 through Pipegram's loader and the skill's own forward, with
  the dtype it ended in, the time and the peak GPU memory;
- real weights: all-MiniLM-L6-v2 similarity and Whisper tiny.en transcript in half precision against fp32;
- batching: batched vs unbatched embedding throughput with the real all-MiniLM-L6-v2.
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


SECTIONS: list[Callable[[Setup], list[Row]]] = [check_pinning, check_skills, check_real_weights, check_batching]


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
