"""``tk.quantization``: TF1's quantization ops (fake quantization for
quantization-aware training, quantize/dequantize and quantize-and-dequantize)."""

from __future__ import annotations

from trainkit.ops.fake_quant_ops import (
    fake_quant_with_min_max_args,
    fake_quant_with_min_max_args_gradient,
    fake_quant_with_min_max_vars,
    fake_quant_with_min_max_vars_gradient,
    fake_quant_with_min_max_vars_per_channel,
    fake_quant_with_min_max_vars_per_channel_gradient,
)
from trainkit.ops.quantize_dequantize_ops import (
    quantize_and_dequantize,
    quantize_and_dequantize_v2,
)
from trainkit.ops.quantize_ops import dequantize, quantize
from trainkit.ops.quantized_concat_ops import quantized_concat

__all__ = [
    "quantize", "dequantize", "quantized_concat",
    "quantize_and_dequantize", "quantize_and_dequantize_v2",
    "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
    "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
    "fake_quant_with_min_max_vars_per_channel",
    "fake_quant_with_min_max_vars_per_channel_gradient",
]
