"""The `pipegram` command as an operator uses it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.processes import PIPEGRAM, ROOT


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PIPEGRAM, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_models_pull_builds_tiny_models_ahead_of_time(tmp_path: Path) -> None:
    result = run("models", "pull", PIPEGRAM_MODELS="tiny", PIPEGRAM_CACHE_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("chat: tiny -> "))
    folder = Path(line.split(" -> ", 1)[1])
    assert folder.is_relative_to(tmp_path) and (folder / "config.json").is_file()
    assert oct((folder / "model.safetensors").stat().st_mode)[-3:] == "644"


def test_a_missing_models_file_is_reported_plainly(tmp_path: Path) -> None:
    result = run("models", "pull", PIPEGRAM_MODELS=str(tmp_path / "nope.toml"))
    assert result.returncode != 0
    assert "PIPEGRAM_MODELS must be 'default', 'tiny' or a TOML file" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_every_command() -> None:
    result = run("--help")
    for command in ("up", "bot", "worker", "emulator", "chat", "models"):
        assert command in result.stdout
