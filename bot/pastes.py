"""Long pastes: Telegram cuts a text over 4096 characters into several messages; we put them back together.

Consecutive text messages from one user in one chat, each but the last filling a message almost to the
limit, are one paste. Merging happens on a batch of fetched updates, before any is handled, so an update
is still confirmed only after the paste's one job is stored.
"""

from __future__ import annotations

from telegram import Bot, Message, Update

from shared.telegram import MAX_MESSAGE_UTF16, utf16_len

# Telegram's clients cut pastes at the limit, sometimes a little before it (at a space or line break).
NEAR_LIMIT = MAX_MESSAGE_UTF16 - 200
# How long to wait for the rest of a paste whose last fetched piece is near the limit.
PASTE_WAIT_S = 1.0


def is_paste_piece(update: Update) -> bool:
    """A plain text message filled almost to Telegram's limit: more of it may follow."""
    message = update.message
    return bool(message and message.text and not message.text.startswith("/")
                and utf16_len(message.text) >= NEAR_LIMIT)


def merge_pastes(updates: list[Update], bot: Bot) -> list[Update]:
    """The updates with each run of paste pieces replaced by one update carrying the whole text."""
    merged: list[Update] = []
    run: list[Update] = []
    for update in updates:
        if run and _continues(run[-1], update):
            run.append(update)
            if not is_paste_piece(update):
                merged.append(_join(run, bot))
                run = []
            continue
        if run:
            merged.append(_join(run, bot))
            run = []
        if is_paste_piece(update):
            run = [update]
        else:
            merged.append(update)
    if run:
        merged.append(_join(run, bot))
    return merged


def _continues(previous: Update, update: Update) -> bool:
    a, b = previous.message, update.message
    return bool(a and b and b.text and a.chat_id == b.chat_id and a.from_user and b.from_user
                and a.from_user.id == b.from_user.id and not b.text.startswith("/"))


def _join(run: list[Update], bot: Bot) -> Update:
    """One update: the first piece's message (so the answer quotes it) with the whole text, the last id."""
    if len(run) == 1:
        return run[0]
    first = run[0].message
    assert first is not None
    data = first.to_dict()
    data["text"] = "\n".join(update.message.text or "" for update in run if update.message)
    data.pop("entities", None)
    return Update(run[-1].update_id, message=Message.de_json(data, bot))
