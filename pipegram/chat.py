"""`pipegram chat`: talk to the bot from a terminal, as a Telegram user would, through the emulator."""

from __future__ import annotations

from emulator.client import EmulatorClient


def chat_in_terminal(api: str, token: str, user_id: int) -> None:
    """Read lines, send each as a user message, print every reply until the bot goes quiet."""
    with EmulatorClient(api, token) as client:
        print("Chatting with the bot as user", user_id, "- empty line or Ctrl-D to quit.")
        last = max((item["message"]["message_id"] for item in client.sent(user_id)), default=0)
        while True:
            try:
                line = input("you> ").strip()
            except EOFError:
                break
            if not line:
                break
            client.send_text(line, user_id=user_id)
            for item in client.wait_for_replies(user_id, after=last, timeout=300):
                message = item["message"]
                last = max(last, message["message_id"])
                print("bot>", message.get("text") or message.get("caption") or "[file]")
