"""What `pipegram up` keeps in its run directory (`.pipegram/` of the working directory): each process's log,
its private Redis's data, and a state file through which other terminals find the Redis and emulator it uses."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.settings import Settings
from shared.status import process_alive

STATE_FILE = "up.json"


@dataclass(frozen=True)
class UpState:
    """A running `pipegram up`: its pid, the Redis it uses (None when its URL holds a password) and, without a
    token, its emulator."""

    pid: int
    redis_url: str | None
    emulator_url: str | None


def write_state(run_dir: Path, state: UpState) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / STATE_FILE
    path.write_text(json.dumps(asdict(state)))
    path.chmod(0o600)


def remove_state(run_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (run_dir / STATE_FILE).unlink()


def read_state(run_dir: Path) -> UpState | None:
    """The `pipegram up` running from this directory, or None (no file, a damaged one, or its process is gone)."""
    try:
        state = UpState(**json.loads((run_dir / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return state if process_alive(state.pid) else None


def join_running_up(settings: Settings) -> UpState | None:
    """Point this process at the Redis of the `pipegram up` running here, unless REDIS_URL was set explicitly.

    Lets a second terminal's `pipegram status`, `chat` or `worker` find a Redis that `up` started itself.
    """
    state = read_state(settings.pipegram_run_dir)
    if state is None or state.redis_url is None or "redis_url" in settings.model_fields_set:
        return state
    os.environ["REDIS_URL"] = state.redis_url
    print(f"Using the Redis of the `pipegram up` running here (pid {state.pid}): {state.redis_url}", file=sys.stderr)
    return state
