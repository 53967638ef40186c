"""Synchronous client for the emulator's control API, for tests, benchmarks and humans."""

from __future__ import annotations

import time
from typing import Any

import httpx

from emulator.state import one_line


class EmulatorError(RuntimeError):
    """The control API answered with ok=false."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code, self.description = error_code, description


class EmulatorClient:
    """Plays the Telegram users and inspects what the bot did, for one bot token."""

    def __init__(self, base_url: str, token: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._prefix = f"/control/bot{token}"
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def __repr__(self) -> str:  # the token stays out of reprs and tracebacks
        return f"EmulatorClient({self.base_url!r})"

    def __enter__(self) -> EmulatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._http.close()

    def _call(self, verb: str, path: str, *, wait: float = 0.0, **kwargs: Any) -> Any:
        response = self._http.request(verb, f"{self._prefix}/{path}", timeout=max(self.timeout, wait + 10), **kwargs)
        try:
            body = response.json()
        except ValueError:
            raise EmulatorError(response.status_code, response.text[:200]) from None
        if not body.get("ok"):
            raise EmulatorError(body.get("error_code", response.status_code), body.get("description", ""))
        return body["result"]

    def send_text(self, text: str, *, chat_id: int | None = None, user_id: int = 1001, **fields: Any) -> dict:
        """A user sends a text message; returns the Message queued as an update."""
        body = {"text": text, "user_id": user_id, **fields}
        if chat_id is not None:
            body["chat_id"] = chat_id
        return self._call("POST", "messages", json=body)

    def forward(self, message_id: int, *, from_chat_id: int, chat_id: int | None = None, user_id: int = 1001,
                **fields: Any) -> dict:
        """A user forwards a message (of the bot's or anyone's) into a chat: its content, with forward_origin."""
        body = {"forward_message_id": message_id, "from_chat_id": from_chat_id, "user_id": user_id, **fields}
        return self._call("POST", "messages", json=_clean({**body, "chat_id": chat_id}))

    def send_content(self, content: dict, *, chat_id: int | None = None, user_id: int = 1001, **fields: Any) -> dict:
        """A message with no text or file, e.g. {"location": {...}}, {"poll": {...}} or {"dice": {...}}."""
        return self._call("POST", "messages", json=_clean({"content": content, "chat_id": chat_id, "user_id": user_id,
                                                           **fields}))

    def send_file(self, kind: str, data: bytes, *, filename: str, mime_type: str, chat_id: int | None = None,
                  user_id: int = 1001, caption: str | None = None, duration: int | None = None,
                  **fields: Any) -> dict:
        """A user sends a voice note, photo, document...; returns the Message."""
        form = {"kind": kind, "user_id": user_id, "chat_id": chat_id, "caption": caption, "duration": duration,
                **fields}
        data_fields = {k: str(v) for k, v in form.items() if v is not None}
        return self._call("POST", "messages", data=data_fields, files={"file": (filename, data, mime_type)})

    def edit_text(self, chat_id: int, message_id: int, text: str) -> dict:
        """A user edits one of their messages."""
        return self._call("POST", "edits", json={"chat_id": chat_id, "message_id": message_id, "text": text})

    def press_button(self, chat_id: int, user_id: int, message_id: int, data: str) -> dict:
        """A user presses an inline button; returns the CallbackQuery."""
        body = {"chat_id": chat_id, "user_id": user_id, "message_id": message_id, "data": data}
        return self._call("POST", "callbacks", json=body)

    def sent(self, chat_id: int | None = None, *, after: int | None = None, min_count: int = 0, wait: float = 0.0,
             changed_since: float | None = None) -> list[dict]:
        """What the bot sent, oldest first; with wait, hold until min_count (at least 1) items match."""
        query = {"chat_id": chat_id, "after": after, "min_count": min_count or None, "wait": wait or None,
                 "changed_since": changed_since}
        return self._call("GET", "sent", params=_clean(query), wait=wait)

    def wait_for_replies(self, chat_id: int, count: int = 1, *, after: int | None = None,
                         timeout: float = 30.0) -> list[dict]:
        """At least count messages the bot sent to chat_id after message `after`, or TimeoutError."""
        items = self.sent(chat_id, after=after, min_count=count, wait=timeout)
        if len(items) < count:
            everything = self.sent(chat_id)
            summary = "\n".join(f"  #{i['message']['message_id']} {i['method']}: {_preview(i)}" for i in everything)
            raise TimeoutError(f"expected {count} replies in chat {chat_id} after message {after} within "
                               f"{timeout} s, got {len(items)}; everything sent to that chat:\n{summary or '  none'}")
        return items

    def drafts(self, chat_id: int | None = None, *, changed_since: float | None = None) -> list[dict]:
        """The drafts (sendMessageDraft) chats show now; a draft's text is empty once a message replaced it."""
        return self._call("GET", "drafts", params=_clean({"chat_id": chat_id, "changed_since": changed_since}))

    def calls(self, method: str | None = None, *, since: float | None = None, min_count: int = 0,
              wait: float = 0.0) -> list[dict]:
        """Bot API calls the bot made, oldest first."""
        query = {"method": method, "since": since, "min_count": min_count or None, "wait": wait or None}
        return self._call("GET", "calls", params=_clean(query), wait=wait)

    def fail_next(self, method: str, count: int = 1, *, retry_after: int = 1, error_code: int = 429,
                  description: str | None = None, chat_id: int | None = None, after: int = 0) -> None:
        """Make the bot's next count calls of method fail (only those to chat_id if given), after `after` more
        succeed: fail_next("sendMessage", chat_id=5, after=2) fails the third message to chat 5."""
        body = {"method": method, "count": count, "retry_after": retry_after, "error_code": error_code,
                "description": description, "chat_id": chat_id, "after": after}
        self._call("POST", "failures", json=_clean(body))

    def block_bot(self, chat_id: int) -> None:
        """The user of a private chat blocks the bot: every call to that chat gets 403, as from Telegram."""
        self.fail_next("*", 1_000_000, error_code=403, chat_id=chat_id)

    def download(self, file_id: str) -> bytes:
        """Raw bytes of a file the bot uploaded or a user sent."""
        response = self._http.get(f"{self._prefix}/files/{file_id}")
        if response.status_code != 200:
            raise EmulatorError(response.status_code, response.text[:200])
        return response.content

    def state(self) -> dict:
        """Pending updates, webhook, commands and chats of this bot."""
        return self._call("GET", "state")

    def reset(self) -> None:
        """Forget everything about this bot."""
        self._call("POST", "reset")

    def wait_until_up(self, timeout: float = 30.0) -> None:
        """Block until /healthz answers, or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._http.get("/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"emulator at {self.base_url} not up within {timeout} s")
            time.sleep(0.1)  # the server is not there yet to notify us


def _clean(query: dict) -> dict:
    return {k: v for k, v in query.items() if v is not None}


def _preview(item: dict) -> str:
    return one_line(item["message"], 80) + (" (deleted)" if item.get("deleted") else "")
