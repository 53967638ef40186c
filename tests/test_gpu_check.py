"""bench/gpu_check.py --dry-run on the CPU: the script a lent GPU runs cannot rot between loans."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shared.skills import SKILL_QUEUES
from tests.processes import ROOT


@pytest.mark.timeout(1500)  # about 4 minutes on a 2-core machine: every skill twice, real weights three times
def test_the_dry_run_checks_every_skill_in_bf16_and_fp16_and_the_real_weights(models_cache: Path) -> None:
    run = subprocess.run([sys.executable, "bench/gpu_check.py", "--dry-run", "--cache", str(models_cache)], cwd=ROOT,
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    table = run.stdout[run.stdout.index("section "):].splitlines()
    rows = [line.split() for line in table[1:]]
    assert all(row[-1] == "ok" for row in rows), run.stdout
    skills = {(row[1], row[2]) for row in rows if row[0] == "skills"}
    assert skills == {(skill, dtype) for skill in SKILL_QUEUES for dtype in ("bfloat16", "float16")}
    # Each model ended up in the dtype asked for: "<output type> (model bfloat16)".
    assert all(row[4:6] == ["(model", f"{row[2]})"] for row in rows if row[0] == "skills"), run.stdout
    assert [row[0] for row in rows].count("real") == 4  # MiniLM and Whisper tiny.en, in bf16 and fp16
    assert any(row[0] == "pinning" for row in rows) and any(row[0] == "batching" for row in rows)
