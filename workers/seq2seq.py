"""The seq2seq runner: AutoModelForSeq2SeqLM + tokenizer + generate(), batched, with NLLB language codes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from workers.models import ModelSpec
from workers.skill import BadInput
from workers.textmodels import Request, batches

log = logging.getLogger(__name__)

# Source language assumed when a request names none (NLLB needs one; its encoder mostly reads the script).
DEFAULT_SOURCE = "eng_Latn"


@dataclass
class Seq2SeqModel:
    """An encoder-decoder model and its tokenizer, on one device."""

    model: Any
    tokenizer: Any
    device: str
    window: int

    @classmethod
    def load(cls, source: str, device: str, dtype: Any, spec: ModelSpec) -> Seq2SeqModel:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        pinned = {"trust_remote_code": spec.trust_remote_code, "revision": spec.revision}
        tokenizer = AutoTokenizer.from_pretrained(source, **pinned)
        # Straight onto the device in its dtype: loading on the CPU first and moving costs twice the memory and time.
        model = AutoModelForSeq2SeqLM.from_pretrained(source, dtype=dtype, device_map=device, **pinned).eval()
        # Positions the encoder can take; tokenizers often report a huge model_max_length.
        window = min(getattr(model.config, "max_position_embeddings", 512), tokenizer.model_max_length)
        return cls(model, tokenizer, device, window)

    @property
    def takes_language_codes(self) -> bool:
        """NLLB-style tokenizers: source through `src_lang`, target through a forced first token."""
        return hasattr(self.tokenizer, "src_lang")

    def count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def run(self, requests: list[Request], spec: ModelSpec) -> list[str]:
        """Generate one output per request, in batches of spec.batch_size."""
        outputs = [""] * len(requests)
        for batch in batches(requests, spec.batch_size):
            texts = self._generate([requests[i].text for i in batch], requests[batch[0]], spec)
            for index, text in zip(batch, texts, strict=True):
                outputs[index] = text.strip()
        return outputs

    def _generate(self, texts: list[str], request: Request, spec: ModelSpec) -> list[str]:
        import torch

        options = {**spec.generate, **request.generate}
        if self.takes_language_codes and request.target:
            self.tokenizer.src_lang = self._known(request.source or DEFAULT_SOURCE)
            options["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(self._known(request.target))
            log.info("generating %d text(s) from %s to %s", len(texts), self.tokenizer.src_lang, request.target)
        inputs = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.window)
        with torch.inference_mode():
            generated = self.model.generate(**inputs.to(self.device), **options)
        return self.tokenizer.batch_decode(generated, skip_special_tokens=True)

    def _known(self, code: str) -> str:
        token_id = self.tokenizer.convert_tokens_to_ids(code)
        if token_id is None or token_id == self.tokenizer.unk_token_id:
            raise BadInput(f"This translation model has no language code {code}. "
                           "Name the language in English (e.g. /translate french ...) or use an NLLB-200 code.")
        return code
