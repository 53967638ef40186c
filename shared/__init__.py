"""The contract between the bot and the workers: settings, jobs, queues and Telegram helpers."""
