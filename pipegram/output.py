"""`pipegram up`'s terminal: each child's output goes whole to its log file; the terminal gets the conversation,
warnings and errors (everything with -v), and `up` hears when the bot is up and each skill is warm."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# shared.telegram.LOG_FORMAT, read back: "2026-01-31 12:00:00,123 INFO bot.app MainProcess: message".
_TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d (?P<time>\d\d:\d\d:\d\d)[,.]\d+ (?P<level>[A-Z]+) (?P<logger>\S+) "
                        r"[^:]*: (?P<message>.*)$")
_BOT_UP = re.compile(r"^bot @(\S+) is up")
_WARM = re.compile(r"^skill (\S+) warm in")
_JOB_DONE = re.compile(r"^job \S+ skill=.* in [\d.]+ s \(model")
CONVERSATION = "emulator.chat"  # the emulator's one line per message, either way
ERRORS = ("ERROR", "CRITICAL")
# Warnings shown are Pipegram's own; libraries' (a model's unused weights, and whatever a pool child prints,
# which Celery files as a warning of "celery.redirected") stay in the log file.
OWN_LOGGERS = ("bot.", "workers.", "shared.", "emulator", "pipegram")


@dataclass(frozen=True)
class Event:
    """Something a child said that `up` acts on: "bot_up" (the bot's name), "warm" (a skill), "show" (a line)."""

    kind: str
    value: str


def read_line(line: str) -> dict[str, str] | None:
    """time, level, logger and message of one log line (text or JSON), or None for anything else."""
    if line.startswith("{"):
        try:
            record = json.loads(line)
        except ValueError:
            return None
        if not isinstance(record, dict) or not {"time", "level", "logger", "message"} <= record.keys():
            return None
        return {"time": str(record["time"])[11:19], "level": record["level"], "logger": record["logger"],
                "message": str(record["message"])}
    found = _TEXT_LINE.match(line)
    return found.groupdict() if found else None


def events_of(name: str, line: str, jobs: bool) -> list[Event]:
    """What one line of child `name` means for the terminal; `jobs` shows finished jobs (no emulator to show the
    conversation)."""
    record = read_line(line)
    if record is None:
        return []
    logger, message, at = record["logger"], record["message"], record["time"]
    if logger == CONVERSATION:
        return [Event("show", f"{at}  {message}")]
    if (bot := _BOT_UP.match(message)) and logger == "bot.app":
        return [Event("bot_up", bot.group(1))]
    if (warm := _WARM.match(message)) and logger == "workers.runner":
        return [Event("warm", warm.group(1))]
    if record["level"] in ERRORS or (record["level"] == "WARNING" and logger.startswith(OWN_LOGGERS)):
        return [Event("show", f"{at}  {name} {record['level'].lower()}: {message}")]
    if jobs and logger == "workers.runner" and _JOB_DONE.match(message):
        return [Event("show", f"{at}  {message}")]
    return []


def pump(name: str, stream: IO[bytes], log_path: Path, events: queue.Queue[Event], verbose: bool,
         jobs: bool) -> threading.Thread:
    """Copy a child's output into its log file (and, verbose, to the terminal) and turn its lines into events."""
    def run() -> None:
        with log_path.open("ab") as log:
            for raw in stream:
                log.write(raw)
                log.flush()
                line = raw.decode(errors="replace").rstrip("\n")
                if verbose:
                    events.put(Event("show", f"{name:8} | {line}"))
                for event in events_of(name, line, jobs):
                    if event.kind != "show" or not verbose:
                        events.put(event)

    thread = threading.Thread(target=run, name=f"output-{name}", daemon=True)
    thread.start()
    return thread


@dataclass
class Child:
    """A process `up` started, its output pumped into log_dir/<name>.log."""

    name: str
    popen: subprocess.Popen
    log_path: Path

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_child(name: str, argv: list[str], env: dict[str, str], log_dir: Path, events: queue.Queue[Event],
                verbose: bool, jobs: bool = False) -> Child:
    """Start a process whose stdout and stderr `up` reads."""
    log_dir.mkdir(parents=True, exist_ok=True)
    # Its own process group: the terminal's Ctrl-C reaches `up` alone, which stops the children in order, and a
    # child that will not stop is killed with all its own children.
    popen = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, process_group=0)
    assert popen.stdout is not None
    log_path = log_dir / f"{name}.log"
    log_path.write_bytes(b"")  # this run's log only
    pump(name, popen.stdout, log_path, events, verbose, jobs)
    return Child(name, popen, log_path)
