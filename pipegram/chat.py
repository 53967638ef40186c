"""`pipegram chat`: talk to the bot from a terminal, as a Telegram user would, through the emulator."""

from __future__ import annotations

import sys

import httpx

from emulator.client import EmulatorClient, EmulatorError
from emulator.state import one_line

REPLY_WAIT_S = 300


def chat_in_terminal(api: str, token: str, user_id: int) -> int:
    """Read lines, send each as a user message, print every reply until the bot goes quiet; 1 if no emulator."""
    with EmulatorClient(api, token) as client:
        try:
            last = max((item["message"]["message_id"] for item in client.sent(user_id)), default=0)
        except httpx.HTTPError:
            print(f"No emulator answers at {api}. Start Pipegram first (`make run`, or `.venv/bin/pipegram up`), "
                  "or pass --api with the URL `pipegram up` printed.", file=sys.stderr)
            return 1
        except EmulatorError as exc:
            print(f"The emulator at {api} refused the bot token ({exc.description}): pass the token it serves "
                  "with --token.", file=sys.stderr)
            return 1
        print(f"Chatting with the bot at {api} as user {user_id}; an empty line or Ctrl-D ends the chat.")
        while True:
            try:
                line = input("you> ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not line:
                break
            client.send_text(line, user_id=user_id)
            try:
                replies = client.wait_for_replies(user_id, after=last, timeout=REPLY_WAIT_S)
            except TimeoutError:
                print(f"(no answer within {REPLY_WAIT_S} s: is a worker running? `pipegram status` tells)")
                continue
            for item in replies:
                message = item["message"]
                last = max(last, message["message_id"])
                print("bot>", message.get("text") or one_line(message, limit=4096))
    return 0
