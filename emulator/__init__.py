"""Bot-API-compatible Telegram emulator used by tests and token-less local runs."""

# The token `pipegram up` gives the bot when it runs against its own emulator, and the web chat's default; it
# unlocks nothing real.
LOCAL_TOKEN = "1000000001:pipegram-local"
