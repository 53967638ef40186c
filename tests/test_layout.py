"""Imports go one way: each folder imports only what it is allowed to, and importing builds nothing."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.processes import ROOT

# folder -> top-level packages it must never import, anywhere in it (lazy imports inside functions too)
FORBIDDEN = {
    "bench": {"tests"},
    "emulator": {"pipegram", "bot", "workers", "tests"},
    "shared": {"bot", "workers", "pipegram", "emulator", "tests"},
    "bot": {"workers", "pipegram", "emulator", "tests", "torch", "transformers"},
    "workers": {"bot", "pipegram", "emulator", "tests"},
    "pipegram": {"tests"},
}


def imported(path: str) -> set[str]:
    """Every module a file imports, by its top-level package."""
    tree = ast.parse((ROOT / path).read_text(), path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", FORBIDDEN)
def test_no_folder_imports_what_it_must_not(folder: str) -> None:
    leaks = {str(path.relative_to(ROOT)): sorted(imported(str(path.relative_to(ROOT))) & FORBIDDEN[folder])
             for path in (ROOT / folder).rglob("*.py")}
    assert {path: names for path, names in leaks.items() if names} == {}


def loaded_after(statement: str) -> str:
    probe = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_reading_audio_loads_no_telegram_client() -> None:
    modules = loaded_after("import workers.audio").split()
    assert not [name for name in modules if name.startswith(("telegram", "workers.sender", "httpx"))]


def test_importing_the_celery_modules_builds_no_app_and_reads_no_settings() -> None:
    out = loaded_after("import celery._state, shared.celery_app, workers.tasks\n"
                       "from shared.settings import get_settings\n"
                       "print(get_settings.cache_info().currsize, len(list(celery._state._apps)))")
    assert out.splitlines()[0] == "0 0"
    built = loaded_after("import workers.tasks\nprint(sorted(workers.tasks.app.tasks))")
    assert "pipegram.translate" in built.splitlines()[0]
