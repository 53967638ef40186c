"""Text-to-text models behind one interface: a seq2seq model (NLLB, BART) or an instruction-tuned chat model.

transformers 5 has no translation/summarization pipelines, and a seq2seq model loaded into `text-generation`
silently loses its encoder, so the kind is read from the model's config: encoder-decoder models run through
workers.seq2seq, anything else is prompted through the `text-generation` pipeline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from workers.models import ModelSpec

# Longest prompt a chat model is given, in tokens, whatever its context: long inputs go in stages.
PROMPT_WINDOW = 4096


@dataclass(frozen=True)
class Request:
    """One text for a model, with what to do to it."""

    text: str
    instruction: str  # what a chat model is asked to do with the text
    source: str | None = None  # NLLB codes, for seq2seq models that take language codes
    target: str | None = None
    generate: dict[str, Any] = field(default_factory=dict)  # over the models config's generate options

    @property
    def group(self) -> tuple[Any, ...]:
        """Requests with equal groups can share a batch."""
        return self.source, self.target, tuple(sorted(self.generate.items()))


class TextModel(Protocol):
    window: int  # input tokens one request may hold

    def count(self, text: str) -> int: ...

    def run(self, requests: list[Request], spec: ModelSpec) -> list[str]: ...


def batches(requests: list[Request], size: int) -> Iterator[list[int]]:
    """Indices of requests in batches of at most `size` that share generation settings and languages."""
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for index, request in enumerate(requests):
        groups[request.group].append(index)
    for indices in groups.values():
        for start in range(0, len(indices), max(size, 1)):
            yield indices[start:start + max(size, 1)]


@dataclass
class PromptedModel:
    """An instruction-tuned chat model, asked in words to translate or summarise."""

    pipe: Any
    window: int

    def count(self, text: str) -> int:
        return len(self.pipe.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def run(self, requests: list[Request], spec: ModelSpec) -> list[str]:
        answers = [""] * len(requests)
        for batch in batches(requests, spec.batch_size):
            first = requests[batch[0]]
            options = {**spec.generate, **first.generate}
            chats = [[{"role": "user", "content": f"{requests[i].instruction}\n\n{requests[i].text}"}] for i in batch]
            outputs = self.pipe(chats, batch_size=len(batch), **options)
            for index, output in zip(batch, outputs, strict=True):
                answers[index] = output[0]["generated_text"][-1]["content"].strip()
        return answers


def load_text_model(source: str, device: str, dtype: Any, spec: ModelSpec) -> TextModel:
    """The `load` hook of text-to-text skills: seq2seq when the model has an encoder, else a prompted chat model."""
    from transformers import AutoConfig, pipeline

    from workers.seq2seq import Seq2SeqModel

    config = AutoConfig.from_pretrained(source, trust_remote_code=spec.trust_remote_code, revision=spec.revision)
    if config.is_encoder_decoder:
        return Seq2SeqModel.load(source, device, dtype, spec)
    pipe = pipeline("text-generation", model=source, device=device, dtype=dtype,  # type: ignore[call-overload]
                    trust_remote_code=spec.trust_remote_code, revision=spec.revision)
    context = getattr(config, "max_position_embeddings", None) or PROMPT_WINDOW
    return PromptedModel(pipe, window=min(context // 2, PROMPT_WINDOW))
