"""The Telegram front end: turns updates into jobs and never runs a model."""
