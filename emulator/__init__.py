"""Bot-API-compatible Telegram emulator used by tests and token-less local runs."""
