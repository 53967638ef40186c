# The bot image: python-telegram-bot and Celery's client side only, no torch.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot bot
COPY shared shared
COPY emulator emulator
COPY pipegram pipegram
COPY workers workers
RUN pip install --no-cache-dir . && useradd --create-home pipegram
USER pipegram
CMD ["pipegram", "bot"]
