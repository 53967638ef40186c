"""What the bot itself says, in English; bot/texts_<code>.py say the same in German, Spanish, Russian and Chinese.

Handlers take a user's catalog with `texts.get(update)` (or `texts.for_language(code)`) and read the same names
from it, e.g. `texts.get(update).WELCOME`; tests/bot/test_texts.py checks every text has a translation.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from shared import i18n

if TYPE_CHECKING:
    from telegram import Update

WELCOME = (
    "Hi {name}! I'm Pipegram, an AI assistant running on my owner's own machines.\n\n"
    "Just write to me and I'll answer. Send /help to see everything I can do."
)

HELP = (
    "Here is what I can do:\n\n"
    "💬 Chat — write anything, e.g. \"Give me three names for a grey cat\". "
    "I remember the last few messages of this chat.\n"
    "🌐 /translate french Good morning — translate into a language named in English, in its own words "
    "(Deutsch), by code (fr, fra_Latn) or as source>target (de>fr); I detect the language of the text. Reply "
    "/translate to a message or a document to translate it; without a language I use yours.\n"
    "/language spanish — set the language /translate uses when you name none\n"
    "📝 /summarize your text — or reply /summarize to a message or a document, or forward me a long "
    "message. /summarize short or /summarize long sets the length.\n"
    "🔗 /similar A cat sat on the mat | A kitten sat on the rug — how close two sentences are in meaning\n"
    "🔎 /find when is the meeting — the messages of this chat closest in meaning to your words\n"
    "📄 Documents (PDF, Word, HTML, Markdown, text) — reply to one, or send it with the command as its caption: "
    "/summarize, /translate german (the translation comes back as a file too), /find the deadline (its closest "
    "passages), /ask when is the deadline? (an answer naming the pages it used)\n"
    "📷 Send a photo (or an image file) — I mark the objects in it and count them\n"
    "✂️ /segment — as a photo's caption, or a reply to a photo: its regions, each in its own colour\n"
    "🖼 /caption — as a photo's caption or a reply to one: a sentence about the photo\n"
    "❓ /ask how many people are there? — as a photo's caption or a reply to one: an answer about the photo\n"
    "/reset — forget our conversation (and the messages kept for /find)\n"
    "/cancel — cancel your requests that are still waiting\n"
    "/status — which workers are online, on which device, and how many jobs wait\n"
    "/usage — how much of today's limits you have used, and when they reset\n"
    "\n"
    "🎙 Voice notes, audio files and round videos — I reply with what was said, in paragraphs (recordings up "
    "to the owner's limit, hours long with a local Bot API server). In groups: reply /transcribe to one.\n"
    "/transcribe timestamps — as a reply to a recording: its transcript with the time of each paragraph\n"
    "/srt or /vtt — subtitles as an .srt or a WebVTT file: reply to a recording, or send it with that caption\n"
    "/speechlang de — the language you speak in recordings (/speechlang auto to detect it)\n"
    "/voice on — voice mode: I answer your voice notes in chat, as text and as a voice note (/voice off)\n"
    "/say hello there — I read a text aloud as a voice note, in the voice of its language (or reply /say to a "
    "message)\n"
    "/classify dog barking, vacuum cleaner — reply to a recording and I rank the labels by how it sounds\n\n"
    "⚙️ /settings — buttons for your translation language, what a voice note brings back, and answer length\n"
    "/help — this message\n\n"
    "Every message gets exactly one answer; while I work you'll see \"typing…\"."
)

# Added to /help for the bot's admins (ADMIN_USERS).
ADMIN_HELP = (
    "\n\n🔑 For admins:\n"
    "/allow 123456 or /allow @name — let a user in, at once (or reply /allow to their message); /allow alone shows "
    "who may use the bot, /allow everyone opens it to all\n"
    "/deny 123456 or /deny @name — keep a user out, at once; /deny everyone makes the bot private\n"
    "/stats — jobs, latency and errors per skill, the queues, and today's use"
)

QUEUED = "⏳ Queued — position {position}{eta}"
QUEUED_ETA = ", about {duration}"

RESET_DONE = "🧹 Done: I've forgotten our conversation. What shall we talk about?"

TRANSLATE_USAGE = (
    "Tell me what to translate: /translate french Good morning, or reply /translate german to a message "
    "or a document. Without a language I translate into yours (see /language)."
)

UNKNOWN_LANGUAGE = (
    "I don't know a language called \"{words}\".{suggestion} Name it in English or in its own words (french, "
    "Deutsch, español), by its code (fr, fra, pt-BR) or by its NLLB-200 code (fra_Latn), e.g. /translate german "
    "Good morning. To translate from a language too, write source>target: /translate de>fr Guten Morgen"
)
# Close matches of an unknown language's name, put in the {suggestion} of UNKNOWN_LANGUAGE and SPEECHLANG_UNKNOWN.
DID_YOU_MEAN = " Did you mean {names}?"
CANNOT_TRANSLATE = ("🌐 My translation model doesn't know {name}, so I can't translate into or from it. "
                    "It knows 200 others: name one in English, in its own words or by code, e.g. /translate german …")

LANGUAGE_NOW = "🌐 /translate without a language translates into {name} ({code}). Change it with e.g. /language spanish"

LANGUAGE_SET = "🌐 Done: /translate without a language now translates into {name} ({code})."

SUMMARIZE_USAGE = (
    "Tell me what to summarise: /summarize your text, or reply /summarize to a message or a document, "
    "or forward me a long message. Add short or long for the length: /summarize short ..."
)

DOCUMENT_TOO_BIG = ("📄 That file is over {megabytes} MB, more than I read. Send a smaller one, or just the part you "
                    "need.")
FIND_DOCUMENT_USAGE = "🔎 Tell me what to look for in the document, e.g. /find the deadline"
ASK_DOCUMENT_USAGE = "❓ Ask a question about the document, e.g. /ask when is the deadline?"

GROUP_NOT_ALLOWED = ("Sorry, this Pipegram bot is not enabled for this group. "
                     "Its owner can add the group's id ({chat_id}) to ALLOWED_GROUPS.")

NOT_ALLOWED = (
    "Sorry, your account may not use this Pipegram bot. If it should, ask the bot's owner to let you in: "
    "they send /allow {user_id}."
)

TOO_FAST = ("🐢 That's more than {limit} messages in a minute, so I'm skipping some. "
            "Wait a minute, then send what you still need.")

TOO_MANY_WAITING = ("⏳ You already have {count} requests waiting. I'll answer those first: "
                    "send this again once they're done, or /cancel them.")

CANCELLED = "🛑 Cancelled {count} waiting request(s). Anything already being worked on will still be answered."

NOTHING_TO_CANCEL = "Nothing of yours is waiting, so there is nothing to cancel."

UNKNOWN_COMMAND = "I don't know the command {command}. Send /help to see what I can do."

TEXT_FILE_HINT = ("📄 Got your file. Reply to it with /summarize, /translate and a language, /find and a few words, "
                  "or /ask and a question, or send it again with one of those as its caption.")

VISION_USAGE = ("📷 Send me a photo, with /segment, /caption or /ask and a question as its caption, "
                "or reply with one of those to a photo.")

ASK_USAGE = "❓ Ask a question about the photo, e.g. /ask how many people are there?"

NOT_AN_IMAGE = "🖼 That file isn't an image I can look at. Send a photo, or a JPEG, PNG or WebP file."

IMAGE_FILE_TOO_BIG = "🖼 That file is too big for me (over 20 MB). Send it as a photo, or a smaller image."

UNSUPPORTED = "I can't do anything with {what} yet. Send me a text message, or /help to see what I can do."
OTHER_KIND = "this kind of message"

# What a message holds, as users would name it, for UNSUPPORTED; the first attribute present wins.
MESSAGE_KINDS = [
    ("sticker", "stickers"), ("animation", "GIFs"), ("location", "locations"), ("venue", "places"),
    ("poll", "polls"), ("contact", "contacts"), ("dice", "dice"), ("game", "games"), ("video", "videos"),
    ("video_note", "video notes"), ("voice", "voice notes"), ("audio", "audio files"), ("photo", "photos"),
    ("document", "files"), ("story", "stories"),
]

SAY_USAGE = "Tell me what to say, e.g. /say hello there, or reply /say to a message."
SUBTITLES_USAGE = ("Reply /{kind} to a voice note or audio file and I'll send its subtitles as a .{kind} file "
                   "(or send the file with the caption /{kind}).")
TRANSCRIBE_USAGE = ("Reply /transcribe to a voice note, audio file or video and I'll send what was said; "
                    "/transcribe timestamps adds the time each paragraph starts.")
TRANSCRIBE_GROUP_USAGE = ("Reply /transcribe to a voice note or audio file and I'll send what was said "
                          "(/transcribe timestamps adds times). Transcribing every voice note in this group is "
                          "{current}; the group's admins switch it with /transcribe on or /transcribe off.")
TRANSCRIBE_GROUP_SET = {
    "on": "🎙 From now on I transcribe every voice note in this group.",
    "off": "🔇 From now on I transcribe a voice note here only when someone replies /transcribe to it.",
}
TRANSCRIBE_ADMINS_ONLY = "Only this group's admins can change that."
CLASSIFY_USAGE = ("Reply to a voice note or audio file with labels separated by commas, e.g. "
                  "/classify dog barking, vacuum cleaner, rain — I'll rank them by how the recording sounds.")
VOICE_USAGE = ("Voice mode is {current}. With /voice on, I answer your voice notes in chat, as text and as a "
               "voice note; /voice off goes back to plain transcripts. /settings has a third choice: the "
               "transcript as a file only.")
VOICE_SET = {
    "on": "🎙 Voice mode is on: send me a voice note and I'll answer it, in text and aloud.",
    "off": "📝 Voice mode is off: I'll reply to voice notes with their transcript.",
}
SPEECHLANG_NOW = ("🗣 I expect {name} in your recordings. Change it by name or code, e.g. /speechlang german or "
                  "/speechlang de, or send /speechlang auto and I'll detect the language of each recording.")
SPEECHLANG_NOW_AUTO = ("🗣 I detect the language of each recording by itself. If I get it wrong, tell me yours by name "
                       "or code, e.g. /speechlang german or /speechlang de.")
SPEECHLANG_UNKNOWN = ("I don't know a language called \"{words}\".{suggestion} Name the language you speak in English "
                      "or in its own words (german, Deutsch) or by its code (de), or send /speechlang auto and I'll "
                      "detect it in each recording.")
SPEECHLANG_CANNOT = ("🗣 My speech model can't transcribe {name}. Choose another language (/speechlang german), or "
                     "send /speechlang auto and I'll detect it in each recording.")
SPEECHLANG_SET = "🗣 Got it: I'll expect {name} ({code}) in your recordings."
SPEECHLANG_AUTO = "🗣 Got it: I'll detect the language of each recording."

COMMANDS = [
    ("translate", "Translate text: /translate french Good morning"),
    ("summarize", "Summarise a text, a reply or a document"),
    ("similar", "Compare two sentences: A | B"),
    ("find", "Search this chat's messages or a document by meaning"),
    ("segment", "Colour a photo's regions: caption or reply /segment"),
    ("caption", "Describe a photo: caption or reply /caption"),
    ("ask", "Ask about a photo or a document: /ask what breed?"),
    ("language", "Your default /translate language"),
    ("help", "What I can do, with examples"),
    ("reset", "Forget our conversation"),
    ("cancel", "Cancel your waiting requests"),
    ("status", "Workers online and jobs waiting"),
    ("usage", "Your use today and what's left of your limits"),
    ("say", "Read a text aloud: /say hello there"),
    ("transcribe", "Transcript of a recording: reply /transcribe to it"),
    ("srt", "Subtitles for a recording: reply /srt to it"),
    ("vtt", "WebVTT subtitles for a recording: reply /vtt to it"),
    ("classify", "Rank sound labels: reply /classify dog, rain"),
    ("voice", "Answer voice notes aloud: /voice on or off"),
    ("speechlang", "Language of your recordings: /speechlang en"),
    ("settings", "Your settings, with buttons"),
    ("start", "Say hello"),
]

STATUS_WAITING = "Your requests waiting: {waiting}"

SETTINGS = (
    "⚙️ Your settings\n\n"
    "🌐 /translate without a language translates into: {language}\n"
    "🎙 A voice note brings back: {voice}\n"
    "📏 Answer length: {length}\n\n"
    "Tap a button to change a setting. For any other translation language send /language and its name, "
    "e.g. /language italian."
)
# How each setting's values are shown, in the message and on the buttons.
SETTING_VALUES = {"on": "on", "off": "off", "short": "short", "normal": "normal", "long": "long"}
# What a voice note brings back (the `voice` setting: off is the plain transcript, on is voice mode).
VOICE_REPLIES = {"off": "its transcript", "on": "its transcript and a spoken chat answer (voice mode)",
                 "file": "its transcript, as a file only"}
VOICE_BUTTONS = {"off": "📝 Transcript", "on": "🎙 + answer", "file": "📄 As a file"}
LENGTH_BUTTONS = {"short": "Short", "normal": "Normal", "long": "Long"}
SETTING_SAVED = "Saved"
SETTING_STALE = "That button is out of date. Send /settings for fresh ones."

# The command menu of admins' private chats adds these.
ADMIN_COMMANDS = [
    ("stats", "Jobs, latency, errors and today's use (admins only)"),
    ("allow", "Let a user in: /allow 123456 or /allow @name"),
    ("deny", "Keep a user out: /deny 123456 or /deny @name"),
]
STATS_ONLY_ADMINS = "Sorry, only the bot's admins can see /stats."
STATS_HEADER = "📊 Jobs per skill (latency = waiting + running, over the last {keep} jobs):"
STATS_LINE = "• {skill}: jobs {jobs}, errors {errors}, p50 {p50}, p95 {p95}"
STATS_NONE = "No jobs have finished yet."
STATS_USAGE_HEADER = "👥 Use today (the daily limits reset in {reset}):"
STATS_USAGE_LINE = "• {family}: {total} by {users} user(s), limit {limit}, {full} reached it; most: {top}"
STATS_NO_LIMIT = "none"
STATS_USAGE_NONE = "Nobody has used the bot today."

ACCESS_ONLY_ADMINS = "Sorry, only the bot's admins can use /allow and /deny."
ACCESS_OPEN = "🔓 The bot is open: everyone may use it, except these denied users: {denied}."
ACCESS_PRIVATE = "🔒 The bot is private: only admins and these users may use it: {allowed}.\nDenied: {denied}."
ACCESS_USAGE = ("/allow 123456 or /allow @name lets a user in, /deny keeps one out (or reply with either to their "
                "message). /allow everyone opens the bot to all but denied users; /deny everyone makes it private "
                "again. Changes apply at once.")
ACCESS_NOBODY = "nobody"
ACCESS_MORE = " and {count} more"
ACCESS_ALLOWED = "✅ {user} may use the bot now."
ACCESS_NOW_PRIVATE = (" The bot was open to everyone; from now on only admins and the users on its list may use it "
                      "(/allow everyone opens it again).")
ACCESS_DENIED = "⛔ {user} may no longer use the bot. Requests of theirs already queued will still be answered."
ACCESS_DENY_ADMIN = ("{user} is an admin (ADMIN_USERS), and admins may always use the bot. Take them out of "
                     "ADMIN_USERS first.")
ACCESS_OPENED = "🔓 The bot is open: everyone may use it now, except the {denied} user(s) you denied."
ACCESS_CLOSED = "🔒 The bot is private: only admins and the {count} user(s) on its list may use it now."
ACCESS_UNKNOWN_USERNAME = ("I don't know {name}: I learn a username only when its owner writes to me, and bots can't "
                           "look users up. Ask them to send me any message (I'll refuse it, that's fine) and try "
                           "again, or use their numeric id, which my refusal shows them.")

# Daily quotas (bot/quotas.py): the families as /usage and /stats name them, and as a unit in a sentence.
QUOTA_FAMILIES = {"messages": "💬 Messages", "audio": "🎙 Audio minutes", "images": "🖼 Images"}
QUOTA_UNITS = {"messages": "messages", "audio": "audio minutes", "images": "images"}
QUOTA_REACHED = ("⛔ You've used all {limit} of today's {unit}. More in {reset}, when the daily limits reset "
                 "(00:00 UTC); /usage shows what you have left.")
QUOTA_AUDIO_TOO_LONG = ("⛔ That recording is {need} min long, and you have {left} of today's {limit} audio minutes "
                        "left. Send a shorter one, or wait {reset} until the daily limits reset (00:00 UTC).")
QUOTA_LOW = "ℹ️ {left} of your {limit} daily {unit} left; they reset in {reset} (00:00 UTC)."
USAGE_HEADER = "📊 Your use today:"
USAGE_LINE = "{family}: {used} of {limit} used, {left} left"
USAGE_UNLIMITED_LINE = "{family}: {used}, no limit"
USAGE_RESETS = "The daily limits reset in {reset} (00:00 UTC)."
USAGE_NO_LIMITS = "This bot sets no daily limits."
USAGE_ADMIN = "As an admin you are not held to the limits."


def for_language(language_code: str | None) -> ModuleType:
    """The catalog for a Telegram language_code ("de", "de-AT", "zh-hans"...); English when there is none."""
    return i18n.pick(language_code, i18n.catalogs(__name__))


def get(update: Update | None) -> ModuleType:
    """The catalog for the user who sent this update."""
    user = update.effective_user if update is not None else None
    return for_language(user.language_code if user else None)
