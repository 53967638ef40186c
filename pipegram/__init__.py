"""The `pipegram` command: run the bot, workers, emulator, or all of them at once."""

# The token `pipegram up` gives the bot when it runs against its own emulator; it unlocks nothing real.
LOCAL_TOKEN = "1000000001:pipegram-local"
