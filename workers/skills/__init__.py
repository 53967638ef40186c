"""One module per skill; shared.skills lists which exist."""

from __future__ import annotations

import importlib

from workers.skill import Skill


def load_skill(name: str) -> Skill:
    """The module implementing a skill."""
    return importlib.import_module(f"workers.skills.{name}")  # type: ignore[return-value]
