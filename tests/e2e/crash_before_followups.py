"""`pipegram.cli`, with one crash injected for a fault test: the first chat job whose reply is out kills its own
pool child (SIGKILL) just before queueing its follow-ups, the moment a redelivery must still start them.

Run as `python -m tests.e2e.crash_before_followups worker ...`; the marker file (PIPEGRAM_TEST_CRASH_MARKER) makes
it happen once.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from pipegram import cli
from workers import delivery

_start_followups = delivery.start_followups


def _crash_once(r: Any, job: Any, followups: Any) -> None:
    marker = Path(os.environ["PIPEGRAM_TEST_CRASH_MARKER"])
    if job.skill == "chat" and followups and not marker.exists():
        marker.write_text(job.job_id)
        os.kill(os.getpid(), signal.SIGKILL)
    _start_followups(r, job, followups)


delivery.start_followups = _crash_once

if __name__ == "__main__":
    cli.main()
