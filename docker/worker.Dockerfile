# The worker image: torch with CUDA, transformers and the skills. One container per GPU.
FROM python:3.11-slim
# torchvision: transformers 5 needs it for SAM (the segment skill).
ARG TORCH="torch==2.14.1 torchvision==0.29.1"
ENV TOKENIZERS_PARALLELISM=false HF_HOME=/models/hf PIPEGRAM_CACHE_DIR=/models/pipegram
WORKDIR /app
# ffmpeg reads what soundfile cannot: round video notes (MP4), M4A/AAC, WebM.
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir $TORCH
COPY pyproject.toml README.md ./
COPY bot bot
COPY shared shared
COPY emulator emulator
COPY pipegram pipegram
COPY workers workers
RUN pip install --no-cache-dir ".[workers]" && useradd --create-home pipegram \
    && mkdir -p /models && chown pipegram /models
USER pipegram
CMD ["pipegram", "worker"]
