"""GPU check, for a CUDA machine: pinning, fp16 loading and batching on the GPU. A few minutes at most.

Run `python bench/gpu_check.py` (needs the project installed with a CUDA build of torch). Prints one line per
check and exits non-zero if any fails:
1. each worker process started with CUDA_VISIBLE_DEVICES=<n> sees exactly one GPU, and the one it was given;
2. a model loads in fp16 on the GPU through Pipegram's loader and generates;
3. batched embedding throughput beats unbatched on the GPU (the real all-MiniLM-L6-v2).
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
    import torch

    if not torch.cuda.is_available():
        print("no CUDA device here: nothing to check")
        return 2
    results = [check_pinning(), check_fp16(), check_batching()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
