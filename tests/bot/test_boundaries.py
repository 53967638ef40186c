"""The bot side stays light: it never imports torch, transformers or the workers."""

import subprocess
import sys

from tests.processes import ROOT

HEAVY = ("torch", "transformers", "workers", "sentence_transformers", "accelerate", "soundfile", "scipy")

PROBE = """
import sys
from bot.app import build_application
from shared.settings import Settings
build_application(Settings(_env_file=None, telegram_bot_token="1:probe"))
import bot.handlers, shared.celery_app, shared.telegram
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
print(",".join(heavy))
"""


def test_the_bot_process_never_imports_models() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=set(HEAVY))], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == ""
