"""Redis key names, in one place so the bot and the workers agree on them."""

PREFIX = "pipegram"


def history_key(chat_id: int) -> str:
    """The chat skill's recent turns for one chat."""
    return f"{PREFIX}:history:{chat_id}"


def reply_claim_key(reply_key: str) -> str:
    """Claimed before a worker sends a job's reply, so a redelivered job never answers twice."""
    return f"{PREFIX}:reply:{reply_key}"


def delivery_key(job_id: str) -> str:
    """How far a job's reply got (hash: the reply as first sent, and how many of its messages went out), so a
    retried or redelivered job sends only the rest."""
    return f"{PREFIX}:delivery:{job_id}"


def followups_key(job_id: str) -> str:
    """Set once a job's follow-up jobs are on their queues, so a redelivered job does not queue them again."""
    return f"{PREFIX}:followups:{job_id}"


def prefs_key(user_id: int) -> str:
    """A user's settings (hash of name → value), kept across restarts."""
    return f"{PREFIX}:prefs:{user_id}"


def chat_prefs_key(chat_id: int) -> str:
    """A group's settings (hash of name → value) that its admins set, e.g. transcribing every voice note."""
    return f"{PREFIX}:chat-prefs:{chat_id}"


def attempts_key(job_id: str) -> str:
    """How many times a job has started; bounds redelivery of a job that keeps killing workers."""
    return f"{PREFIX}:attempts:{job_id}"


def send_rate_key(scope: str) -> str:
    """When the next message may go to a chat (`chat:<id>`) or to anyone (`global`)."""
    return f"{PREFIX}:rate:{scope}"


def recent_messages_key(chat_id: int) -> str:
    """A chat's last text messages (JSON {id, text}, oldest first), kept by the bot for /find."""
    return f"{PREFIX}:recent:{chat_id}"


def message_vectors_key(chat_id: int) -> str:
    """Embeddings of a chat's kept messages (hash of message id → float32 bytes, plus "model"), made by /find."""
    return f"{PREFIX}:vectors:{chat_id}"


WAITING_TTL_S = 24 * 3600  # a user's waiting set (and a cancel mark) outlives any job's wait


def waiting_key(user_id: int) -> str:
    """Ids of a user's jobs that are queued and not yet started (set); /cancel and the waiting cap use it."""
    return f"{PREFIX}:waiting:{user_id}"


def cancelled_key(job_id: str) -> str:
    """Set by /cancel: a worker that takes this job drops it."""
    return f"{PREFIX}:cancelled:{job_id}"


def user_rate_key(user_id: int, minute: int) -> str:
    """How many messages a user sent in one clock minute."""
    return f"{PREFIX}:user-rate:{user_id}:{minute}"


def workers_key() -> str:
    """The registry of running worker processes: a sorted set of their self-descriptions (JSON), each scored by
    when it expires unless the worker refreshes it. One key, so nothing on a request path scans the keyspace."""
    return f"{PREFIX}:workers"


def job_times_key(skill: str) -> str:
    """A skill's last jobs as "<waited s> <ran s>" strings, newest first (capped list; shared/jobstats.py)."""
    return f"{PREFIX}:stats:times:{skill}"


def job_outcomes_key(skill: str) -> str:
    """A skill's jobs counted by outcome (hash outcome → count), since the Redis data was made."""
    return f"{PREFIX}:stats:outcomes:{skill}"


def lease_holder_key(node: str) -> str:
    """Delivery tags of the jobs a worker node holds (JSON list), refreshed with their leases; `pipegram status`."""
    return f"{PREFIX}:held:{node}"


def access_allowed_key() -> str:
    """User ids allowed to use the bot (set): seeded from ALLOWED_USERS, changed by /allow and /deny."""
    return f"{PREFIX}:access:allowed"


def access_denied_key() -> str:
    """User ids an admin denied (set); a seeded id stays out across restarts until /allow lets it in again."""
    return f"{PREFIX}:access:denied"


def access_mode_key() -> str:
    """"list" once the bot is private (ALLOWED_USERS, /allow, /deny everyone), "open" after /allow everyone."""
    return f"{PREFIX}:access:mode"


def username_ids_key() -> str:
    """Usernames (lower case, without @) of users who wrote to the bot → their ids (hash), for /allow @name."""
    return f"{PREFIX}:usernames"


def user_names_key() -> str:
    """User ids → their last known username (hash), to show ids as @names in lists."""
    return f"{PREFIX}:user-names"


def usage_key(day: int, family: str) -> str:
    """One UTC day's use of a quota family ("messages", "audio" in seconds, "images"): hash user id → amount."""
    return f"{PREFIX}:usage:{day}:{family}"
