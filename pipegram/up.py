"""`pipegram up`: everything on one machine, with embedded defaults for what is missing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import redis

from emulator.client import EmulatorClient
from pipegram import LOCAL_TOKEN
from shared.settings import get_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.1)


def start_private_redis(data_dir: str) -> tuple[subprocess.Popen, str]:
    """A Redis of our own, with AOF on, on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
         "--appendfsync", "everysec", "--dir", data_dir, "--maxmemory-policy", "noeviction"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: redis_reachable(url), "redis-server")
    return proc, url


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def run_all(emulator_port: int) -> int:
    """Start what is missing, then a worker and the bot; Ctrl-C stops all of it."""
    settings = get_settings()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    procs: list[tuple[str, subprocess.Popen]] = []
    me = [sys.executable, "-m", "pipegram.cli"]
    try:
        if not redis_reachable(settings.redis_url):
            if not shutil.which("redis-server"):
                print(f"Redis is not reachable at {settings.redis_url} and redis-server is not installed.\n"
                      "Install it (apt install redis-server) or point REDIS_URL at a Redis.", file=sys.stderr)
                return 1
            proc, env["REDIS_URL"] = start_private_redis(tempfile.mkdtemp(prefix="pipegram-redis-"))
            procs.append(("redis", proc))
            print(f"Started a private Redis at {env['REDIS_URL']} (no Redis at {settings.redis_url}).")
        if settings.telegram_bot_token is None:
            api = f"http://127.0.0.1:{emulator_port}"
            procs.append(("emulator", subprocess.Popen([*me, "emulator", "--port", str(emulator_port)], env=env)))
            with EmulatorClient(api, LOCAL_TOKEN) as client:
                client.wait_until_up(30)
            env.update(TELEGRAM_API_URL=api, TELEGRAM_BOT_TOKEN=LOCAL_TOKEN)
        procs.append(("worker", subprocess.Popen([*me, "worker"], env=env)))
        procs.append(("bot", subprocess.Popen([*me, "bot"], env=env)))
        if settings.telegram_bot_token is None:
            print(f"\nNo TELEGRAM_BOT_TOKEN: Pipegram runs against its emulator at {env['TELEGRAM_API_URL']}.\n"
                  f"Chat with it in a browser:  open {env['TELEGRAM_API_URL']}/\n"
                  f"or from another terminal:   pipegram chat --api {env['TELEGRAM_API_URL']}\n"
                  "Press Ctrl-C to stop everything.\n", flush=True)
        return supervise(procs)
    except KeyboardInterrupt:
        return 0
    finally:
        stop(procs)


def supervise(procs: list[tuple[str, subprocess.Popen]]) -> int:
    """Wait until Ctrl-C/SIGTERM or until any process exits, which stops the rest."""
    signal.signal(signal.SIGTERM, _interrupt)
    while True:
        for name, proc in procs:
            if proc.poll() is not None:
                print(f"{name} exited with status {proc.returncode}; stopping the rest.", file=sys.stderr)
                return proc.returncode or 1
        time.sleep(0.5)


def stop(procs: list[tuple[str, subprocess.Popen]]) -> None:
    """Stop in reverse start order: bot, worker, emulator, Redis."""
    for _, proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for _, proc in reversed(procs):
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
