"""cuDNN's recurrent step equations, shared by ``tk.keras.layers.CuDNNLSTM`` /
``CuDNNGRU`` and ``tk.contrib.cudnn_rnn`` (which differ only in how they store the
weights).

cuDNN keeps separate input and recurrent biases. For the LSTM they only ever appear
summed, so a step is a plain LSTM over ``z = (x W + b_W) + (h R + b_R)`` with gates
``i, f, c, o`` and no forget bias. The GRU applies its reset gate *after* the recurrent
product, with that product's own bias inside:
``z, r = sigmoid(x W_{z,r} + b_W + h R_{z,r} + b_R)``,
``h~ = tanh(x W_h + b_Wh + r * (h R_h + b_Rh))``, ``h' = z * h + (1 - z) * h~``
(TF's ``GRUCell`` multiplies ``r * h`` before the product instead).

Example:
    >>> h, c = lstm_step(x_part + h_part, c_prev)          # gates i, f, c, o
    >>> h = gru_step(x_part, h_part, h_prev)                # gates z, r, h
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops
from trainkit.ops.join_ops import split


def lstm_step(z: Any, c_prev: Any) -> tuple[Tensor, Tensor]:
    """One LSTM step from the summed pre-activations ``z [B, 4u]`` (gates ``i, f, c,
    o``); returns ``(h, c)``."""
    i, f, c, o = split(z, 4, axis=1)
    c = math_ops.sigmoid(f) * c_prev + math_ops.sigmoid(i) * math_ops.tanh(c)
    return math_ops.sigmoid(o) * math_ops.tanh(c), c


def gru_mix(z: Any, r: Any, x_h: Any, h_h: Any, h_prev: Any) -> Tensor:
    """The GRU's new state from its (activated) update and reset gates ``z, r``, the
    candidate's input part ``x_h`` and recurrent part ``h_h`` (both with their biases):
    ``z * h_prev + (1 - z) * tanh(x_h + r * h_h)``."""
    return z * h_prev + (1 - z) * math_ops.tanh(x_h + r * h_h)


def gru_step(x_part: Any, h_part: Any, h_prev: Any) -> Tensor:
    """One cuDNN GRU step from ``x_part = x W + b_W`` and ``h_part = h R + b_R`` (each
    ``[B, 3u]``, gates ``z, r, h``); returns the new state."""
    x_z, x_r, x_h = split(x_part, 3, axis=1)
    h_z, h_r, h_h = split(h_part, 3, axis=1)
    z = math_ops.sigmoid(x_z + h_z)
    r = math_ops.sigmoid(x_r + h_r)
    return gru_mix(z, r, x_h, h_h, h_prev)


__all__ = ["lstm_step", "gru_mix", "gru_step"]
