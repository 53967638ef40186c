"""Celery workers: each process keeps its skills' pipelines warm and answers the chat itself."""
