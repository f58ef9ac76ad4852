"""Keras masks in graph mode: which time steps of a ``[batch, time, ...]`` tensor are
real, and the ``Masking`` layer that makes one.

A layer that makes a mask (``Masking``, ``Embedding(mask_zero=True)``, an ``RNN`` with
``return_sequences``, the wrappers) records it for its output with :func:`set_mask`; a
layer that uses one (the recurrent layers) reads it with :func:`get_mask` (tf_keras keeps
it as the tensor's ``_keras_mask``). Layers that pass masks through unchanged in Keras
(``Dense``, ``Activation``, ``Dropout``, ``BatchNormalization`` and layers with
``supports_masking = True``) are looked through when their call was recorded.

Example:
    >>> x = tk.keras.layers.Masking(mask_value=0.0)(inputs)   # steps all 0.0 are masked
    >>> h = tk.keras.layers.LSTM(8)(x)        # keeps its state over the masked steps
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, history
from trainkit.ops import reduction_ops
from trainkit.ops.cast_ops import cast
from trainkit.ops.comparison_ops import not_equal
from trainkit.ops.shape_ops import squeeze

# Masks live in the graph's side table keyed by id(tensor), so they die with the graph.
_TABLE = "keras.masks"

# Built-in layers whose Keras counterparts pass the input's mask on unchanged.
_PASS_THROUGH = ("Dense", "Activation", "Dropout", "BatchNormalization")


def set_mask(tensor: Tensor, mask: Tensor | None) -> None:
    """Records ``mask`` (bool, ``[batch, time]``) as the mask of ``tensor``."""
    if mask is not None and isinstance(tensor, Tensor):
        tensor.graph.side_table(_TABLE)[id(tensor)] = mask


def get_mask(tensor: Any) -> Tensor | None:
    """The mask recorded for ``tensor`` (looking through mask-preserving layers), or
    None."""
    seen = 0
    while isinstance(tensor, Tensor) and seen < 1000:
        mask = tensor.graph.side_table(_TABLE).get(id(tensor))
        if mask is not None:
            return mask
        node = history.node_of(tensor)
        if node is None or not _passes_mask(node.layer) or len(node.input_tensors) != 1:
            return None
        tensor = node.input_tensors[0]
        seen += 1
    return None


def _passes_mask(layer: Any) -> bool:
    flag = getattr(layer, "supports_masking", None)
    if flag is not None:
        return bool(flag)
    return type(layer).__name__ in _PASS_THROUGH


class Masking(base_layer.Layer):
    """Masks the time steps whose features all equal ``mask_value``: the output is the
    input with those steps zeroed, and its mask (for the recurrent layers after it) is
    ``any(inputs != mask_value, axis=-1)``.

    Example:
        >>> model = tk.keras.Sequential([tk.keras.layers.Masking(input_shape=(10, 3)),
        ...                              tk.keras.layers.LSTM(4)])
    """

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        keep = reduction_ops.reduce_any(not_equal(x, self.mask_value), axis=-1,
                                        keepdims=True)
        out = x * cast(keep, x.dtype)
        set_mask(out, squeeze(keep, axis=[-1]))
        return out

    def compute_mask(self, inputs: Any, mask: Any = None) -> Tensor:
        """``any(inputs != mask_value, axis=-1)``."""
        x = conversion.convert_to_tensor(inputs)
        return reduction_ops.reduce_any(not_equal(x, self.mask_value), axis=-1)


def as_bool_mask(mask: Any) -> Tensor | None:
    """``mask`` as a bool tensor (None stays None)."""
    if mask is None:
        return None
    m = conversion.convert_to_tensor(mask)
    return m if m.dtype.base_dtype == _dt.bool_ else cast(m, _dt.bool_)


__all__ = ["Masking", "set_mask", "get_mask", "as_bool_mask"]
