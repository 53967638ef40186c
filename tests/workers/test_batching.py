"""The dynamic batcher: many threads' inputs in one model call, each thread its own output or its own error."""

import threading

from workers.batching import Batcher


def test_jobs_arriving_together_share_a_call_and_a_bad_input_fails_alone() -> None:
    calls: list[list[int]] = []

    def forward(batch: list[int]) -> list[int]:
        calls.append(batch)
        if 13 in batch:
            raise ValueError("unlucky input")
        return [n * 2 for n in batch]

    batcher = Batcher("test", forward, max_size=8, window_s=0.5)
    results: dict[int, object] = {}

    def run(n: int) -> None:
        try:
            results[n] = batcher.run(n, timeout=30)
        except ValueError as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2, 13, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(calls[0]) > 1  # they arrived within the window: one call
    assert {n: results[n] for n in (1, 2, 4)} == {1: 2, 2: 4, 4: 8}
    assert isinstance(results[13], ValueError)
