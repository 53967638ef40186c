"""`pipegram up`: everything on one machine, with embedded defaults for what is missing.

The terminal gets a short start-up summary, then the conversation; each process's whole output goes to a log
file in the run directory (`-v` prints it too). Ctrl-C (SIGINT) and SIGTERM stop everything, whatever signal
dispositions `up` inherited.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis

from emulator import LOCAL_TOKEN
from emulator.client import EmulatorClient
from pipegram import rundir
from pipegram.output import Child, Event, start_child
from pipegram.ports import free_port, free_ports, port_free
from pipegram.redisdb import foreign_keys, probe, reason, shown
from shared.settings import ConfigError, Settings, get_settings, port_taken
from shared.skills import SKILL_QUEUES

PIPEGRAM = [sys.executable, "-m", "pipegram.cli"]
# Ctrl-C, a service manager's stop, and the terminal closing: the children are in their own process groups, so
# only `up` hears these and stops them.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def redis_problem(url: str) -> str | None:
    """Why a Redis at this URL cannot be used now, or None when it answers."""
    try:
        probe(url).ping()
    except (redis.RedisError, OSError) as exc:
        return reason(exc)
    return None


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.1)


def say(line: str = "") -> None:
    print(line, flush=True)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


class Up:
    """One `pipegram up` run: what it started, and what its children reported."""

    def __init__(self, settings: Settings, verbose: bool) -> None:
        self.settings, self.verbose = settings, verbose
        self.run_dir = settings.pipegram_run_dir
        self.log_dir = self.run_dir / "logs"
        self.env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.children: list[Child] = []
        self.events: queue.Queue[Event] = queue.Queue()
        self.bot_name: str | None = None
        self.warm: set[str] = set()

    def start(self, name: str, argv: list[str]) -> Child:
        jobs = self.settings.telegram_bot_token is not None  # no emulator to show the conversation
        child = start_child(name, argv, self.env, self.log_dir, self.events, self.verbose, jobs)
        self.children.append(child)
        return child

    def redis(self) -> None:
        """Use REDIS_URL; by default only a database that holds nothing but Pipegram's; else start a private one."""
        url, explicit = self.settings.redis_url, "redis_url" in self.settings.model_fields_set
        named = f"{shown(url)} (REDIS_URL)" if explicit else shown(url)
        problem = redis_problem(url)
        if problem is None and explicit:
            say(f"Redis      {named}")
            return
        if problem is None:
            foreign = foreign_keys(probe(url))
            if not foreign:
                say(f"Redis      {named}, the default (REDIS_URL chooses another)")
                self.env["REDIS_URL"] = url
                return
            why = (f"{named} holds keys Pipegram did not create (e.g. {foreign[0]!r}); "
                   f"REDIS_URL={shown(url)} would use it")
        else:
            why = f"{named} does not answer ({problem})"
        if not shutil.which("redis-server"):
            raise ConfigError(f"{why}, and redis-server is not installed: install it (apt install redis-server) "
                              "or point REDIS_URL at a Redis.")
        data = self.run_dir / "redis"
        data.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.start("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(data.resolve()),
                             "--maxmemory-policy", "noeviction"])
        self.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        wait_for(lambda: redis_problem(self.env["REDIS_URL"]) is None, "redis-server")
        say(f"Redis      {self.env['REDIS_URL']}, started for Pipegram (data in {data}/), as\n           {why}")

    def emulator(self, port: int, explicit: bool) -> str:
        """Start the emulator on `port`, or on a free one when the default is taken."""
        if not port_free(port):
            if explicit:
                raise ConfigError(f"port {port} is in use (another `pipegram up`?): choose a free one with "
                                  "--emulator-port or PIPEGRAM_EMULATOR_PORT")
            port, taken = free_port(), port
            say(f"(port {taken} is in use, so the emulator takes {port})")
        api = f"http://127.0.0.1:{port}"
        child = self.start("emulator", [*PIPEGRAM, "emulator", "--port", str(port)])
        with EmulatorClient(api, LOCAL_TOKEN) as client:
            wait_for(lambda: child.popen.poll() is None and _answers(client), "the emulator")
        self.env.update(TELEGRAM_API_URL=api, TELEGRAM_BOT_TOKEN=LOCAL_TOKEN)
        say(f"Telegram   the emulator at {api} (no TELEGRAM_BOT_TOKEN in the environment or .env)")
        return api

    def metrics_ports(self) -> str | None:
        """Choose the metrics ports (the defaults when free, else free ones; one the user set must be free) and
        return the summary's line about them."""
        listen, shown_ports = self.settings.pipegram_metrics_listen, []
        for field, span, who in (("pipegram_metrics_port", 1, "bot"), ("pipegram_worker_metrics_port", 2, "worker")):
            port = getattr(self.settings, field)
            if not port:
                continue
            if not all(port_free(port + offset, listen) for offset in range(span)):
                if field in self.settings.model_fields_set:
                    raise port_taken(field.upper(), port)
                port = free_ports(span, listen)
            self.env[field.upper()] = str(port)
            shown_ports.append(f"{who} :{port}" + (f" and :{port + 1}" if span == 2 else ""))
        if not shown_ports:
            return None
        host = "127.0.0.1" if listen in ("0.0.0.0", "::") else listen
        return f"Metrics    http://{host}:<port>/metrics and /healthz on {', '.join(shown_ports)}"

    def handle(self, event: Event) -> None:
        if event.kind == "show":
            say(event.value)
        elif event.kind == "bot_up":
            self.bot_name = event.value
            say(f"Bot        @{event.value} is up")
        elif event.kind == "warm":
            self.warm.add(event.value)

    def supervise(self, on_ready: Callable[[], None]) -> int:
        """Show what the children report until Ctrl-C/SIGTERM or until one exits, which stops the rest."""
        began, ready = time.monotonic(), False
        while True:
            with contextlib.suppress(queue.Empty):
                self.handle(self.events.get(timeout=0.5))
            if not ready and self.bot_name and self.warm >= set(SKILL_QUEUES):
                ready = True
                say(f"Models     warm after {time.monotonic() - began:.0f} s: {', '.join(SKILL_QUEUES)}")
                on_ready()
            for child in self.children:
                if child.popen.poll() is not None:
                    time.sleep(0.5)  # let its last lines reach the log
                    say(f"\n{child.name} exited with status {child.popen.returncode}; stopping the rest. "
                        f"The end of {child.log_path}:\n{child.tail()}")
                    return child.popen.returncode or 1

    def stop(self) -> None:
        """Stop in reverse start order: bot, worker, emulator, Redis; what will not stop in 15 s is killed."""
        for sig in STOP_SIGNALS:  # a second Ctrl-C must not cut the stopping short
            signal.signal(sig, signal.SIG_IGN)
        rundir.remove_state(self.run_dir)
        if not self.children:
            return
        say("Stopping…")
        for child in reversed(self.children):
            if child.popen.poll() is None:
                child.popen.send_signal(signal.SIGTERM)
            try:
                child.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                say(f"{child.name} did not stop within 15 s; killing it")
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.popen.pid, signal.SIGKILL)  # the child's own children, if it left any
            child.popen.wait()
        say("Stopped.")


def _answers(client: EmulatorClient) -> bool:
    try:
        client.wait_until_up(0)
    except TimeoutError:
        return False
    return True


def chat_command(api: str, default_api: str) -> str:
    """The terminal chat's command line, as it works from a fresh shell in this directory (no venv activated)."""
    script = Path(sys.executable).parent / "pipegram"
    if not script.exists():
        command = f"{sys.executable} -m pipegram.cli chat"
    else:
        inside = script.absolute().is_relative_to(Path.cwd())
        command = f"{os.path.relpath(script) if inside else script} chat"
    command += "" if api == default_api else f" --api {api}"
    if os.environ.get("MAKELEVEL") and Path("Makefile").exists():
        command += "   (or: make chat)"
    return command


def run_all(emulator_port: int | None, verbose: bool = False) -> int:
    """Start what is missing, then a worker and the bot; Ctrl-C stops all of it."""
    for sig in STOP_SIGNALS:  # explicit: started from CI or nohup, SIGINT arrives ignored
        signal.signal(sig, _interrupt)
    settings = get_settings()
    running = rundir.read_state(settings.pipegram_run_dir)
    if running is not None:
        where = f": its web chat is at {running.emulator_url}/" if running.emulator_url else ""
        print(f"Pipegram already runs from this directory (pid {running.pid}){where}. Stop it with Ctrl-C in its "
              f"terminal (or `kill {running.pid}`) before starting another.", file=sys.stderr)
        return 1
    up = Up(settings, verbose)
    try:
        say(f"Starting Pipegram. Each process logs to {up.log_dir}/ (`pipegram up -v` prints it all here).")
        metrics = up.metrics_ports()  # before starting anything: a port the user chose may be taken
        up.redis()
        api = None
        if settings.telegram_bot_token is not None:
            say(f"Telegram   the Bot API at {settings.telegram_api_url}, as the bot of TELEGRAM_BOT_TOKEN")
        else:
            api = up.emulator(emulator_port or settings.pipegram_emulator_port,
                              emulator_port is not None or "pipegram_emulator_port" in settings.model_fields_set)
        if metrics:
            say(metrics)
        redis_url = up.env.get("REDIS_URL", settings.redis_url)
        rundir.write_state(up.run_dir, rundir.UpState(os.getpid(), None if "@" in redis_url else redis_url, api))
        up.start("worker", [*PIPEGRAM, "worker"])
        up.start("bot", [*PIPEGRAM, "bot"])
        say(f"Models     loading {len(SKILL_QUEUES)} skills' models (PIPEGRAM_MODELS={settings.pipegram_models}"
            + ("; the first start downloads them" if settings.pipegram_models == "default" else "") + ")…")

        def ready() -> None:
            if api is None:
                say(f"\nReady. Talk to @{up.bot_name} in Telegram. Ctrl-C stops everything.\n")
                return
            default_api = f"http://127.0.0.1:{settings.pipegram_emulator_port}"
            say(f"\nReady. Talk to the bot\n  in a browser:   {api}/\n"
                f"  in a terminal:  {chat_command(api, default_api)}\nCtrl-C stops everything.\n")
        return up.supervise(ready)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"pipegram up: {exc}; the logs are in {up.log_dir}/", file=sys.stderr)
        return 1
    finally:
        up.stop()
