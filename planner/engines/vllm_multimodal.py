"""What a multimodal model adds to vLLM's memory: the vision tower's weights and the encoder's profile run.

Pure (docs/methodology.md sections 1 and 3.10). vLLM loads the tower and projector with the language model, so
"Model loading took" includes them. Before the language model's dummy forward pass, V1's gpu_model_runner.profile_run
(0.11.0, 0.18.0 and 0.19.0 sdists) runs the encoder once on its largest dummy batch: `_get_mm_dummy_batch` builds
max_items_per_batch copies of the largest item of the modality with the most tokens per item, `embed_multimodal`
(0.11: `get_multimodal_embeddings`) encodes them, and the outputs go into `self.encoder_cache` until the profile
run ends. So alive under the language model's peak are the dummy pixel values (the local `batched_dummy_mm_inputs`;
the processor output is cast to the model dtype, multimodal/processing context `_postprocess_output`) and the
encoder outputs; 0.11.0 also widens each output to (encoder budget, hidden) with `new_zeros` when it is shorter
than the budget, and keeps the unwidened last one alive through the loop variable.

The number of items (MultiModalBudget / utils.get_max_items): the encoder budget is
max(max_num_encoder_input_tokens = max_num_batched_tokens, tokens per item); items = budget // tokens per item,
at most max_num_seqs x max(1, min(limit per prompt, max_model_len // tokens per item)), at least 1.

Traced for Gemma 3 only: its largest item is one image of image_size^2 pixels (pan-and-scan off by default) giving
mm_tokens_per_image embeddings and (image_size / patch_size)^2 encoder positions. Other towers (Qwen-VL, Pixtral,
Llama 4) size their largest item from the processor's pixel limits and video frames, which the config does not
hold: their encoder profile is not planned (their weights are).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.spec import ModelSpec, ceil_div


@dataclass(frozen=True)
class EncoderProfile:
    items: int  # dummy items encoded together
    alive_bytes: int  # pixel values and encoder outputs alive under the language model's profile peak
    peak_bytes: int  # the encoder's own peak above the weights (pixel values + its widest MLP point)


def vision_weight_bytes(spec: ModelSpec, dtype_bytes: int, tp: int) -> int:
    """The tower and projector on one tensor-parallel rank of the first pipeline stage, at the model dtype (vLLM
    keeps the vision tower unquantized in the checkpoints it loads: modules_to_not_convert / ignore lists)."""
    v = spec.vision
    if v is None:
        return 0
    return (ceil_div(v.sharded_params, tp) + v.replicated_params) * dtype_bytes


def encoder_profile(
    spec: ModelSpec,
    dtype_bytes: int,
    batched_tokens: int,
    max_seqs: int,
    max_len: int,
    tp: int,
    widen_to_budget: bool,
) -> EncoderProfile | None:
    """The encoder's dummy batch in V1's profile run (module docstring); None where the item is not traced."""
    v = spec.vision
    if v is None or not (v.tokens_per_item and v.patches_per_item and v.pixels_per_item):
        return None
    per_item = v.tokens_per_item
    budget = max(batched_tokens, per_item)
    per_prompt = max(1, max_len // per_item)
    items = max(1, min(budget // per_item, max_seqs * per_prompt))
    pixels = items * v.pixels_per_item * dtype_bytes
    outputs = items * per_item * spec.hidden_size * dtype_bytes
    if widen_to_budget and per_item < budget:
        outputs += items * budget * spec.hidden_size * dtype_bytes
    # The encoder layer's MLP point: residual and normed input [n, h], fc1's output and its activation [n, I / tp].
    positions = items * v.patches_per_item
    peak = pixels + positions * (2 * v.hidden_size + 2 * (v.intermediate_size // tp)) * dtype_bytes
    return EncoderProfile(items, pixels + outputs, peak)
