"""Resampling with scipy's polyphase filter (torchaudio does not install beside the torch we pin), whole or as a
stream of blocks that gives exactly the same samples."""

from __future__ import annotations

from math import ceil, gcd

import numpy as np
from scipy.signal import resample_poly


class Resampler:
    """Polyphase resampling of a stream, block by block, giving the same samples as one call on the whole."""

    def __init__(self, from_rate: int, to_rate: int) -> None:
        common = gcd(from_rate, to_rate)
        self.up, self.down = to_rate // common, from_rate // common
        # resample_poly's filter reaches 10 × max(up, down) upsampled samples each way: keep that much input
        # around each block (in whole multiples of `down`, so blocks start where an output sample falls).
        reach = ceil(10 * max(self.up, self.down) / self.up) + 1
        self.context = ceil(reach / self.down) * self.down
        self.history = np.zeros(0, dtype=np.float32)  # input just before `pending`, for the filter's left side
        self.pending = np.zeros(0, dtype=np.float32)  # input not yet turned into output

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Output for as much of the input so far as the filter can already see past."""
        if self.up == self.down:
            return samples.astype(np.float32, copy=False)
        buffer = np.concatenate([self.pending, samples.astype(np.float32, copy=False)])
        ready = (len(buffer) - self.context) // self.down * self.down
        if ready <= 0:
            self.pending = buffer
            return np.zeros(0, dtype=np.float32)
        out = self._resample(buffer[:ready + self.context], ready)
        self.history = np.concatenate([self.history, buffer[:ready]])[-self.context:]
        self.pending = buffer[ready:]
        return out

    def flush(self) -> np.ndarray:
        """The output for what is left at the end of the stream."""
        if self.up == self.down or not len(self.pending):
            return np.zeros(0, dtype=np.float32)
        out = self._resample(self.pending, len(self.pending))
        self.pending = np.zeros(0, dtype=np.float32)
        return out

    def _resample(self, segment: np.ndarray, count: int) -> np.ndarray:
        """The output of `count` input samples at the start of segment, seen with the history before them."""
        lead = len(self.history) * self.up // self.down
        out = resample_poly(np.concatenate([self.history, segment]), self.up, self.down)
        return out[lead:lead + ceil(count * self.up / self.down)].astype(np.float32)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """The same sound at another sampling rate (polyphase filter, no torchaudio)."""
    if from_rate == to_rate:
        return samples.astype(np.float32, copy=False)
    common = gcd(from_rate, to_rate)
    return resample_poly(samples, to_rate // common, from_rate // common).astype(np.float32)
