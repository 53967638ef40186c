"""`pipegram` subcommands; each imports only what it runs, so the bot never loads torch."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from emulator import LOCAL_TOKEN
from shared.settings import ConfigError, Settings
from shared.skills import QUEUES


def cmd_bot(args: argparse.Namespace) -> None:
    from bot.app import main

    main()


def cmd_worker(args: argparse.Namespace) -> None:
    from pipegram.worker import run_on_gpus, run_worker

    if args.threads:
        os.environ["PIPEGRAM_TORCH_THREADS"] = str(args.threads)
    if args.gpus:
        sys.exit(run_on_gpus(args.gpus.split(","), args.queues, args.loglevel))
    run_worker(args.queues.split(","), args.name, args.loglevel)


def cmd_status(args: argparse.Namespace) -> None:
    from pipegram.status import report_status
    from shared.settings import get_settings

    sys.exit(report_status(get_settings().redis_url, as_json=args.json))


def cmd_emulator(args: argparse.Namespace) -> None:
    from emulator.server import run_emulator
    from shared.settings import get_settings

    if args.token:
        sys.exit("pipegram: --token would show the token to everyone on this machine (ps); "
                 "set EMULATOR_TOKEN in the environment or .env instead")
    settings = get_settings()
    token = settings.emulator_token.get_secret_value() if settings.emulator_token else None
    run_emulator(host=args.host, port=args.port or settings.pipegram_emulator_port, token=token,
                 local=args.local, files_dir=args.files_dir)


def cmd_up(args: argparse.Namespace) -> None:
    from pipegram.up import run_all

    sys.exit(run_all(emulator_port=args.emulator_port, verbose=args.verbose))


def cmd_chat(args: argparse.Namespace) -> None:
    from pipegram.chat import chat_in_terminal
    from pipegram.rundir import read_state
    from shared.settings import get_settings

    settings = get_settings()
    up = read_state(settings.pipegram_run_dir)
    api = args.api or (up and up.emulator_url) or f"http://127.0.0.1:{settings.pipegram_emulator_port}"
    sys.exit(chat_in_terminal(api, args.token, args.user_id))


def cmd_models_pull(args: argparse.Namespace) -> None:
    from pipegram.models import pull

    pull()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipegram", description="A self-hosted AI assistant for Telegram.")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run everything locally: Redis if needed, emulator if no token, a worker, the bot")
    up.add_argument("--emulator-port", type=int, help="default PIPEGRAM_EMULATOR_PORT (8081), or a free one")
    up.add_argument("-v", "--verbose", action="store_true", help="print every process's log here too")
    sub.add_parser("bot", help="run the Telegram bot (polling, or webhook when WEBHOOK_URL is set)")
    worker = sub.add_parser("worker", help="run a Celery worker that keeps its skills' models warm")
    worker.add_argument("--queues", default=",".join(QUEUES), help="comma-separated: " + ",".join(QUEUES))
    worker.add_argument("--name", help="Celery node name (default worker-<pid>@<host>)")
    worker.add_argument("--loglevel", default="INFO")
    worker.add_argument("--threads", type=int,
                        help="CPU threads for torch in each worker process (default: all cores but one)")
    worker.add_argument("--gpus", help="comma-separated GPU ids: one worker process per GPU, each seeing only its own")
    status = sub.add_parser("status", help="workers online (device, warm skills) and jobs waiting per queue")
    status.add_argument("--json", action="store_true",
                        help="one JSON object: queue depths (waiting and held), workers and the jobs each holds")
    emulator = sub.add_parser("emulator", help="run the Telegram Bot API emulator")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, help="default PIPEGRAM_EMULATOR_PORT (8081)")
    emulator.add_argument("--token", help=argparse.SUPPRESS)  # refused: EMULATOR_TOKEN, out of `ps`
    emulator.add_argument("--local", action="store_true",
                          help="act as Telegram's Bot API server run with --local: files up to 2,000 MB, "
                               "getFile answers an absolute path (set TELEGRAM_LOCAL_MODE=true on bot and workers)")
    emulator.add_argument("--files-dir", type=Path,
                          help="with --local: write files under this folder, as a volume shared with the workers "
                               "(without it, workers fetch them over HTTP)")
    chat = sub.add_parser("chat", help="chat with the bot in this terminal, through the emulator")
    chat.add_argument("--api", help="the emulator's URL (default: that of the `pipegram up` running here, else "
                                    "http://127.0.0.1:8081)")
    chat.add_argument("--token", default=os.environ.get("TELEGRAM_BOT_TOKEN", LOCAL_TOKEN))
    chat.add_argument("--user-id", type=int, default=1001)
    models = sub.add_parser("models", help="manage models").add_subparsers(dest="action", required=True)
    models.add_parser("pull", help="download (or, for tiny, build) every configured model ahead of time")
    return parser


COMMANDS = {"up": cmd_up, "bot": cmd_bot, "worker": cmd_worker, "emulator": cmd_emulator, "chat": cmd_chat,
            "models": cmd_models_pull, "status": cmd_status}
# Commands that, run from the directory of a `pipegram up`, use its Redis unless REDIS_URL is set (`chat` finds
# its emulator there).
JOIN_UP = ("status", "worker")


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        if args.command in JOIN_UP:
            from pipegram.rundir import join_running_up

            join_running_up(Settings())
        COMMANDS[args.command](args)
    except ConfigError as exc:
        sys.exit(f"pipegram: {exc}")


if __name__ == "__main__":
    main()
