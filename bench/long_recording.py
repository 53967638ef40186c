"""How long an hour-long recording takes to transcribe on this machine, and what skipping silence saves.

Measured side by side in one run:
1. decoding an hour (FLAC, 16 kHz) and cutting it into windows, for a recording that is all sound and for one
   that is mostly silence: how many 30-second windows reach the model in each;
2. one 30-second window through Whisper-shaped models of the real sizes (tiny.en: 39 M parameters,
   large-v3-turbo: 809 M) with random weights, made to write 100 tokens (about 30 s of speech): the encoder once
   and 100 cached decoder steps, which is what `generate` does for a window.
An hour of speech is then 120 windows: the estimate is the window time × 120 plus the decoding. Random weights
take the same time as trained ones for the same shapes and token count; they cannot say what a real model
would write, so the token count is fixed. Run: `python bench/long_recording.py [--skip-turbo]`. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from workers.audio import open_audio  # noqa: E402
from workers.skills.transcribe import windows  # noqa: E402

HOUR = 3600
TOKENS = 100  # what a 30-second window of speech becomes, roughly (150 words a minute, 1.3 tokens a word)
SHAPES = {
    "tiny.en (39 M)": dict(d_model=384, encoder_layers=4, decoder_layers=4, encoder_attention_heads=6,
                           decoder_attention_heads=6, encoder_ffn_dim=1536, decoder_ffn_dim=1536, vocab_size=51864,
                           num_mel_bins=80),
    "large-v3-turbo (809 M)": dict(d_model=1280, encoder_layers=32, decoder_layers=4, encoder_attention_heads=20,
                                   decoder_attention_heads=20, encoder_ffn_dim=5120, decoder_ffn_dim=5120,
                                   vocab_size=51866, num_mel_bins=128),
}


def hour_flac(every_s: int, sound_s: float) -> bytes:
    """An hour of 16 kHz FLAC: a tone for sound_s at the start of every every_s seconds, silence between."""
    import io

    buffer, rate = io.BytesIO(), 16_000
    t = np.arange(int(sound_s * rate)) / rate
    tone, gap = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), np.zeros(int((every_s - sound_s) * rate))
    with sf.SoundFile(buffer, "w", rate, 1, format="FLAC", subtype="PCM_16") as out:
        for _ in range(HOUR // every_s):
            out.write(tone)
            out.write(gap.astype(np.float32))
    return buffer.getvalue()


def decode_and_cut(recording: bytes) -> tuple[float, int, int]:
    """Seconds to decode and window the recording; windows in all, and windows with sound."""
    import io

    began = time.perf_counter()
    cut = list(windows(open_audio(io.BytesIO(recording), HOUR + 60).blocks(16_000), 16_000))
    return time.perf_counter() - began, len(cut), sum(not window.silent for window in cut)


def window_seconds(shape: dict) -> float:
    """One 30-second window through a model of this shape: encoder, then TOKENS cached decoder steps."""
    import torch
    from transformers import WhisperConfig, WhisperForConditionalGeneration

    torch.manual_seed(0)
    config = WhisperConfig(max_source_positions=1500, max_target_positions=448, **shape)
    model = WhisperForConditionalGeneration(config).eval()
    features = torch.randn(1, shape["num_mel_bins"], 3000)
    with torch.inference_mode():
        began = time.perf_counter()
        encoded = model.model.encoder(features)
        tokens, cache = torch.tensor([[config.decoder_start_token_id]]), None
        for _ in range(TOKENS):
            out = model(encoder_outputs=encoded, decoder_input_ids=tokens[:, -1:], cache=cache, use_cache=True)
            cache = out.cache
            tokens = torch.cat([tokens, out.logits[:, -1:].argmax(-1)], dim=1)
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-turbo", action="store_true", help="only the tiny.en shape (turbo needs 3.5 GB)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 1) - 1))
    print(f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    speech, sparse = hour_flac(30, 29.5), hour_flac(300, 3.0)  # sound all the way; a sound every 5 minutes
    for name, recording in (("all sound", speech), ("mostly silence", sparse)):
        took, count, heard = decode_and_cut(recording)
        print(f"decode + windows, an hour of {name}: {took:.1f} s; {heard} of {count} windows reach the model")
    for name, shape in SHAPES.items():
        if args.skip_turbo and "turbo" in name:
            continue
        seconds = window_seconds(shape)
        print(f"{name}: one 30-s window ({TOKENS} tokens) {seconds:.2f} s; an hour of speech (120 windows) "
              f"≈ {seconds * 120 / 60:.1f} min, {HOUR / (seconds * 120):.1f}× real time")


if __name__ == "__main__":
    main()
