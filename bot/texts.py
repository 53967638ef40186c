"""What the bot itself says."""

WELCOME = (
    "Hi {name}! I'm Pipegram, an AI assistant running on my owner's own machines.\n\n"
    "Just write to me and I'll answer. Send /help to see everything I can do."
)

HELP = (
    "Here is what I can do:\n\n"
    "💬 Chat — write anything, e.g. \"Give me three names for a grey cat\". "
    "I remember the last few messages of this chat.\n"
    "/reset — forget our conversation and start fresh\n"
    "/help — this message\n\n"
    "Every message gets exactly one answer; while I work you'll see \"typing…\"."
)

RESET_DONE = "🧹 Done: I've forgotten our conversation. What shall we talk about?"

NOT_ALLOWED = (
    "Sorry, this is a private Pipegram bot and your account is not on its list of users. "
    "Ask its owner to add your Telegram id ({user_id}) to ALLOWED_USERS."
)

UNKNOWN_COMMAND = "I don't know the command {command}. Send /help to see what I can do."

UNSUPPORTED = "I can't do anything with {what} yet. Send me a text message, or /help to see what I can do."

# What a message holds, as users would name it, for UNSUPPORTED; the first attribute present wins.
MESSAGE_KINDS = [
    ("sticker", "stickers"), ("animation", "GIFs"), ("location", "locations"), ("venue", "places"),
    ("poll", "polls"), ("contact", "contacts"), ("dice", "dice"), ("game", "games"), ("video", "videos"),
    ("video_note", "video notes"), ("voice", "voice notes"), ("audio", "audio files"), ("photo", "photos"),
    ("document", "files"), ("story", "stories"),
]

COMMANDS = [
    ("help", "What I can do, with examples"),
    ("reset", "Forget our conversation"),
    ("start", "Say hello"),
]
