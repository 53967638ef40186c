"""Tiny random-weight speech models (Whisper ASR, VITS TTS, CLAP sound labels) for workers.tiny."""

from __future__ import annotations

from pathlib import Path

from workers.tiny import WORDS, word_tokenizer


def build_whisper(dest: Path) -> None:
    """A 1+1-layer Whisper with a byte-level vocabulary of WORDS, every language token and timestamp tokens."""
    import torch
    from tokenizers import AddedToken, pre_tokenizers
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizer,
    )
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {token: index for index, token in enumerate(alphabet + [f"Ġ{w}" for w in sorted(set(WORDS.split()))])}
    tokenizer = WhisperTokenizer(vocab=vocab, merges=[], pad_token="<|endoftext|>")
    languages = [f"<|{code}|>" for code in LANGUAGES]
    tokenizer.add_special_tokens({"additional_special_tokens": [
        "<|startoftranscript|>", *languages, "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
        "<|nospeech|>", "<|notimestamps|>"]})
    # Timestamps follow the last special token, as in Whisper: both the tokenizer and generate rely on that.
    tokenizer.add_tokens([AddedToken(f"<|{i * 0.02:.2f}|>", normalized=False) for i in range(1501)])
    ids: dict[str, int] = tokenizer.get_vocab()
    eos, start = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(WhisperConfig(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_source_positions=1500,
        max_target_positions=448, pad_token_id=eos, bos_token_id=eos, eos_token_id=eos, decoder_start_token_id=start,
    ))
    model.generation_config = GenerationConfig(
        decoder_start_token_id=start, eos_token_id=eos, pad_token_id=eos, bos_token_id=eos, is_multilingual=True,
        lang_to_id={token: ids[token] for token in languages}, no_timestamps_token_id=ids["<|notimestamps|>"],
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        prev_sot_token_id=ids["<|startofprev|>"], alignment_heads=[[0, 0]], max_initial_timestamp_index=50,
        # Greedy and short: the ASR pipeline would otherwise default to 5 beams and 256 tokens.
        max_length=24, num_beams=1, do_sample=False,
        begin_suppress_tokens=[eos], suppress_tokens=list(range(len(alphabet))),  # whole words only
    )
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)
    WhisperFeatureExtractor().save_pretrained(dest)  # the real one: 80 mel bins at 16 kHz


# Tiny voices per language, as MMS-TTS has them: each its own alphabet; Russian, like MMS's, reads romanized text.
VOICE_ALPHABETS = {
    "eng": ("abcdefghijklmnopqrstuvwxyz", False),
    "deu": ("abcdefghijklmnopqrstuvwxyzäöüß", False),
    "fra": ("abcdefghijklmnopqrstuvwxyzàâçéèêëîïôûùüÿœ", False),
    "rus": ("abcdefghijklmnopqrstuvwxyz", True),
}


def build_voices(dest: Path) -> None:
    """A folder of tiny voices, one per language, named by ISO 639-3 code (deu/, fra/...), as workers.voices reads."""
    for language, (letters, romanized) in VOICE_ALPHABETS.items():
        build_vits(dest / language, letters, romanized, seed=len(letters))


def build_vits(dest: Path, letters: str = "abcdefghijklmnopqrstuvwxyz", is_uroman: bool = False,
               seed: int = 0) -> None:
    """A 1-layer VITS (MMS-TTS style, characters in, 16 kHz waveform out)."""
    import json

    import torch
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    chars = ["<pad>", "<unk>", " ", *letters, *"0123456789'-,.!?"]
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "vocab.json").write_text(json.dumps({char: index for index, char in enumerate(chars)}))
    torch.manual_seed(seed)
    model = VitsModel(VitsConfig(
        vocab_size=len(chars), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=32, flow_size=16,
        spectrogram_bins=33, upsample_initial_channel=16, upsample_rates=[8, 8, 4], upsample_kernel_sizes=[16, 16, 8],
        resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3, 5]], duration_predictor_filter_channels=16,
        prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1, posterior_encoder_num_wavenet_layers=1,
        duration_predictor_num_flows=1, depth_separable_num_layers=1, sampling_rate=16000,
    ))
    model.save_pretrained(dest)
    VitsTokenizer(vocab_file=str(dest / "vocab.json"), phonemize=False, is_uroman=is_uroman).save_pretrained(dest)


def build_clap(dest: Path) -> None:
    """A tiny CLAP (HTSAT audio tower, RoBERTa text tower) with a 48 kHz, 2 s, 16-mel feature extractor."""
    import torch
    from transformers import ClapConfig, ClapFeatureExtractor, ClapModel

    tokenizer = word_tokenizer(["<s>", "<pad>", "</s>", "<unk>"], bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                               unk_token="<unk>")
    torch.manual_seed(0)
    text = dict(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                intermediate_size=32, max_position_embeddings=64, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                projection_dim=16)
    audio = dict(num_mel_bins=16, spec_size=64, window_size=4, patch_size=2, patch_stride=2, hidden_size=16,
                 patch_embeds_hidden_size=8, depths=[1, 1], num_attention_heads=[2, 2], num_hidden_layers=2,
                 projection_dim=16, num_classes=4)
    ClapModel(ClapConfig(text_config=text, audio_config=audio, projection_dim=16)).save_pretrained(dest)
    tokenizer.save_pretrained(dest)
    # Frames (max_length_s * rate / hop + 1) must fit the audio tower's spec_size * (spec_size // mel bins).
    ClapFeatureExtractor(feature_size=16, sampling_rate=48000, hop_length=480, max_length_s=2,
                         truncation="rand_trunc", padding="repeatpad").save_pretrained(dest)
