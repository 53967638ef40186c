"""The `pipegram` command: run the bot, workers, emulator, or all of them at once."""
