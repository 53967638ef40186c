"""Tiny random-weight vision models (object detection, mask generation, image-text-to-text) for workers.tiny."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workers.tiny import word_tokenizer

DETR_LABELS = ("dog", "cat", "person")

IMAGE_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
    "{% if m['content'] is string %}{{ m['content'] }}{% else %}{% for part in m['content'] %}"
    "{% if part['type'] == 'image' %}<image>{% else %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_detr(dest: Path) -> None:
    """A DETR with a 2-stage ResNet (no timm), 6 queries and 3 labels, tilted to find objects above 0.5."""
    import torch
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor, ResNetConfig

    stages: dict[str, Any] = {"out_features": ["stage2"]}
    backbone = ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], layer_type="basic", **stages)
    no_timm: dict[str, Any] = {"use_timm_backbone": False, "use_pretrained_backbone": False}
    config = DetrConfig(backbone_config=backbone, **no_timm, d_model=16, encoder_layers=1, decoder_layers=1,
                        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
                        decoder_ffn_dim=32, num_queries=6,
                        id2label=dict(enumerate(DETR_LABELS)), label2id={k: i for i, k in enumerate(DETR_LABELS)})
    torch.manual_seed(0)
    model = DetrForObjectDetection(config)
    with torch.no_grad():  # random logits would all land near 1/4; favour the real labels over "no object"
        model.class_labels_classifier.bias.copy_(torch.tensor([4.0, 3.0, 2.0, -8.0]))
    model.save_pretrained(dest)
    DetrImageProcessor(size={"shortest_edge": 64, "longest_edge": 96}).save_pretrained(dest)


def build_sam(dest: Path) -> None:
    """A SAM with 32-pixel images and 4-pixel patches, tilted so its masks pass the pipeline's filters."""
    import torch
    from transformers import SamConfig, SamImageProcessor, SamModel, SamProcessor

    config = SamConfig(
        vision_config={"image_size": 32, "patch_size": 4, "hidden_size": 16, "output_channels": 8,
                       "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32,
                       "global_attn_indexes": [0], "mlp_dim": 32, "num_pos_feats": 4},
        prompt_encoder_config={"image_size": 32, "patch_size": 4, "hidden_size": 8, "mask_input_channels": 4},
        mask_decoder_config={"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "mlp_dim": 16,
                             "iou_head_hidden_dim": 8})
    torch.manual_seed(0)
    model = SamModel(config)
    decoder: Any = model.mask_decoder
    with torch.no_grad():  # random masks fail SAM's quality filters: claim full confidence, sharpen the logits
        decoder.iou_prediction_head.proj_out.weight.zero_()
        decoder.iou_prediction_head.proj_out.bias.fill_(1.0)
        for mlp in decoder.output_hypernetworks_mlps:
            mlp.proj_out.weight.mul_(1e9)
    model.save_pretrained(dest)
    processor = SamImageProcessor(size={"longest_edge": 32}, pad_size={"height": 32, "width": 32},
                                  mask_size={"longest_edge": 8}, mask_pad_size={"height": 8, "width": 8})
    SamProcessor(image_processor=processor).save_pretrained(dest)


def build_vlm(dest: Path) -> None:
    """A LLaVA-shaped image chat model: a tiny CLIP vision tower, a 2-layer Llama and a word tokenizer."""
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        GenerationConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    tokenizer = word_tokenizer(["<|pad|>", "<|unk|>", "<|im_start|>", "<|im_end|>", "<image>"],
                               bos_token="<|im_start|>", eos_token="<|im_end|>", pad_token="<|pad|>",
                               unk_token="<|unk|>")
    tokenizer.add_tokens(["<image>"], special_tokens=True)  # one token, never split by the word pre-tokenizer
    vision = CLIPVisionConfig(image_size=32, patch_size=8, hidden_size=16, intermediate_size=32,
                              num_hidden_layers=1, num_attention_heads=2, projection_dim=16)
    text = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                       bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                       pad_token_id=tokenizer.pad_token_id)
    image_token = tokenizer.convert_tokens_to_ids("<image>")
    config = LlavaConfig(vision_config=vision, text_config=text, image_token_index=image_token,
                         vision_feature_select_strategy="default", vision_feature_layer=-1)
    torch.manual_seed(0)
    model = LlavaForConditionalGeneration(config)
    model.generation_config = GenerationConfig(max_new_tokens=12, do_sample=False, eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id)
    model.save_pretrained(dest)
    images = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    processor = LlavaProcessor(image_processor=images, tokenizer=tokenizer, patch_size=8,
                               vision_feature_select_strategy="default", chat_template=IMAGE_CHAT_TEMPLATE,
                               num_additional_image_tokens=1)
    processor.save_pretrained(dest)
