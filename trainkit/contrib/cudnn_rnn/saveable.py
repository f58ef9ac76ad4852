"""The saveables that checkpoint a cuDNN layer's opaque buffer as TF canonical tensors
(TF 1.15's ``CudnnLSTMSaveable``, ``CudnnGRUSaveable``, ``CudnnRNNTanhSaveable``,
``CudnnRNNReluSaveable``).

A cuDNN layer puts one in ``GraphKeys.SAVEABLE_OBJECTS`` when it builds. ``Saver`` then
writes, beside the ``opaque_kernel`` variable, each layer's and direction's canonical
tensors under the names a graph of compatible cells gives its variables
(``<scope>/rnn/multi_rnn_cell/cell_<k>/cudnn_compatible_lstm_cell/kernel``; bidirectional:
``<scope>/stack_bidirectional_rnn/cell_<k>/bidirectional_rnn/fw|bw/...``; ``<scope>`` is
the variable scope the layer was built in: the layer's own when built by its first
call). Restoring reads those tensors and writes the opaque buffer from them (after the
variables, so it wins over a saved ``opaque_kernel``).

Example:
    >>> lstm = CudnnLSTM(2, 8); out, _ = lstm(x)
    >>> tk.train.Saver().save(sess, path)   # + cudnn_lstm/rnn/multi_rnn_cell/cell_0/...
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.contrib.cudnn_rnn import params as P
from trainkit.ops import variable_scope as vs
from trainkit.ops.placeholders import placeholder
from trainkit.ops.state_ops import assign


class CudnnOpaqueParamsSaveable:
    """Saves an opaque buffer as TF canonical tensors and restores it from them.

    Args:
        opaque_params: the layer's ``opaque_kernel`` variable.
        num_layers, num_units, input_size, input_mode, direction: its configuration.
        scope: the variable scope (or its name) that prefixes the canonical names.
        name: this saveable's name.

    Raises:
        ValueError, NotImplementedError: for a configuration :class:`~params.Layout`
            refuses.
    """

    _converter_cls: type = P.CudnnParamsFormatConverterLSTM
    _rnn_cell_name = "cudnn_compatible_lstm_cell"

    def __init__(self, opaque_params: Any, num_layers: int, num_units: int, input_size: int,
                 input_mode: str = P.CUDNN_INPUT_LINEAR_MODE,
                 direction: str = P.CUDNN_RNN_UNIDIRECTION, scope: Any = None,
                 name: str = "cudnn_rnn_saveable"):
        self.name = name
        self._variables = opaque_params
        self._num_layers, self._direction = num_layers, direction
        self._converter = self._converter_cls(num_layers, num_units, input_size,
                                              input_mode=input_mode, direction=direction)
        scope_name = scope.name if isinstance(scope, vs.VariableScope) else scope
        self._scope = scope_name or None
        weights, biases = self._converter.opaque_to_tf_canonical(opaque_params)
        self._tensors = weights + biases
        w_names, b_names = self._tf_canonical_names()
        names = w_names + b_names
        if self._scope:
            names = [f"{self._scope}/{n}" for n in names]
        self.checkpoint_names = tuple(names)
        dtype = opaque_params.dtype.base_dtype
        self._feeds = [placeholder(dtype, t.shape) for t in self._tensors]
        self._restore_op = self.restore(self._feeds, None)

    @property
    def format_converter(self) -> P.CudnnParamsFormatConverter:
        return self._converter

    def restore(self, restored_tensors: list, restored_shapes: Any) -> Any:
        """An op that writes the opaque buffer from TF canonical tensors."""
        del restored_shapes
        return assign(self._variables, self._converter.tf_canonical_to_opaque(
            list(restored_tensors)), validate_shape=False)

    def _tf_canonical_name_prefix(self, layer: int, is_fwd: bool = True) -> str:
        if self._direction == P.CUDNN_RNN_UNIDIRECTION:
            return f"rnn/multi_rnn_cell/cell_{layer}/{self._rnn_cell_name}"
        side = "fw" if is_fwd else "bw"
        return (f"stack_bidirectional_rnn/cell_{layer}/bidirectional_rnn/{side}/"
                f"{self._rnn_cell_name}")

    def _tf_canonical_names(self) -> tuple[list[str], list[str]]:
        names = self._converter.canonical_names
        per = len(names) // 2
        weights, biases = [], []
        for layer in range(self._num_layers):
            sides = [True] if self._direction == P.CUDNN_RNN_UNIDIRECTION else [True, False]
            for fwd in sides:
                prefix = self._tf_canonical_name_prefix(layer, fwd)
                weights += [f"{prefix}/{n}" for n in names[:per]]
                biases += [f"{prefix}/{n}" for n in names[per:]]
        return weights, biases

    # -- trainkit's saveable protocol (training/saver.py) ----------------------------------
    def saveable_state(self, session: Any) -> dict[str, np.ndarray]:
        return dict(zip(self.checkpoint_names, session.run(self._tensors)))

    def restore_saveable_state(self, session: Any, state: dict[str, np.ndarray]) -> None:
        """Writes the opaque buffer from the checkpoint's canonical tensors.

        Raises:
            InvalidArgumentError: a tensor of another shape than this layer's.
        """
        feed = {}
        for key, ph in zip(self.checkpoint_names, self._feeds):
            value = np.asarray(state[key])
            if not ph.shape.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None, None, f"Restoring {self.name}: the checkpoint's {key} has shape "
                                f"{list(value.shape)}, this layer's is {ph.shape}.")
            feed[ph] = value
        session.run(self._restore_op, feed)


class CudnnLSTMSaveable(CudnnOpaqueParamsSaveable):
    """The saveable of ``CudnnLSTM`` (``CudnnCompatibleLSTMCell``'s names)."""


class CudnnGRUSaveable(CudnnOpaqueParamsSaveable):
    """The saveable of ``CudnnGRU`` (``CudnnCompatibleGRUCell``'s names)."""

    _converter_cls = P.CudnnParamsFormatConverterGRU
    _rnn_cell_name = "cudnn_compatible_gru_cell"


class CudnnRNNTanhSaveable(CudnnOpaqueParamsSaveable):
    """The saveable of ``CudnnRNNTanh`` (``BasicRNNCell``'s names)."""

    _converter_cls = P.CudnnParamsFormatConverterTanh
    _rnn_cell_name = "basic_rnn_cell"


class CudnnRNNReluSaveable(CudnnRNNTanhSaveable):
    """The saveable of ``CudnnRNNRelu`` (``BasicRNNCell``'s names)."""

    _converter_cls = P.CudnnParamsFormatConverterRelu


__all__ = ["CudnnOpaqueParamsSaveable", "CudnnLSTMSaveable", "CudnnGRUSaveable",
           "CudnnRNNTanhSaveable", "CudnnRNNReluSaveable"]
