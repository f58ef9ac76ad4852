"""Keras's layer wrappers: ``Bidirectional`` (an RNN layer run forwards and backwards)
and ``TimeDistributed`` (a layer applied to every time step).

Example:
    >>> h = tk.keras.layers.Bidirectional(tk.keras.layers.LSTM(16, return_sequences=True))(x)
    >>> y = tk.keras.layers.TimeDistributed(tk.keras.layers.Dense(5))(h)   # [batch, time, 5]
"""

from __future__ import annotations

import inspect
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend, base_layer
from trainkit.keras import sequence_masks as masking
from trainkit.keras.recurrent_layers import clone_layer
from trainkit.ops import array_ops
from trainkit.ops.sequence_ops import reverse

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Wrapper(base_layer.Layer):
    """A layer around another layer, whose weights it reports as its own."""

    def __init__(self, layer: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.layer = layer

    def _inner(self) -> list:
        return [self.layer]

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for lay in self._inner() for w in lay.trainable_weights]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return [w for lay in self._inner() for w in lay.weights]
        return [w for lay in self._inner() for w in lay.non_trainable_weights]

    @property
    def updates(self) -> list:
        return [u for lay in self._inner() for u in lay.updates]

    @property
    def losses(self) -> list:
        return list(self._losses) + [x for lay in self._inner() for x in lay.losses]


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each time step of ``[batch, time, ...]`` (the batch and time
    axes are merged for the inner call); the inner layer's weights are created in this
    layer's scope (``time_distributed/kernel:0``), as in tf_keras.

    Raises:
        ValueError: if ``layer`` is not a Keras layer, or for inputs of rank below 3.
    """

    supports_masking = True

    def __init__(self, layer: Any, **kwargs: Any):
        if not isinstance(layer, base_layer.Layer):
            raise ValueError("Please initialize `TimeDistributed` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        super().__init__(layer, **kwargs)

    def _check_input(self, x: Any) -> None:
        if isinstance(x, Tensor) and x.shape.ndims is not None and x.shape.ndims < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with "
                             f"at least 3 dimensions, received: {base_layer.shape_tuple(x.shape)}")

    def build(self, input_shape: Any) -> None:
        dims = TensorShape(input_shape).as_list()
        if not self.layer.built:
            self.layer.build(TensorShape([None, *dims[2:]]))
            self.layer.built = True
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        self._check_input(x)
        dims = x.shape.as_list()
        shape = array_ops.shape(x)
        inner = array_ops.reshape(x, array_ops.concat([[-1], shape[2:]], 0))
        inner.set_shape([None, *dims[2:]])
        kwargs = {"training": training} if training is not None and \
            "training" in inspect.signature(self.layer.call).parameters else {}
        y = conversion.convert_to_tensor(self.layer(inner, **kwargs))
        out_dims = y.shape.as_list()
        out = array_ops.reshape(y, array_ops.concat([shape[:2], array_ops.shape(y)[1:]], 0))
        out.set_shape([dims[0], dims[1], *out_dims[1:]])
        masking.set_mask(out, masking.get_mask(inputs) if mask is None else
                         masking.as_bool_mask(mask))
        return out


class Bidirectional(Wrapper):
    """Runs a recurrent layer forwards and a copy of it backwards over the same input and
    merges their outputs (``merge_mode``: ``'concat'`` (default), ``'sum'``, ``'mul'``,
    ``'ave'``, or None for the list ``[forward, backward]``). The backward outputs are
    turned back into forward time order. The two layers are copies named
    ``forward_<name>`` and ``backward_<name>``; the weights are the forward layer's, then
    the backward layer's. With ``return_state`` the forward states follow the output,
    then the backward states.

    Raises:
        ValueError: for a ``layer``/``backward_layer`` that is not a Keras layer, an
            unknown merge mode, or a backward layer that does not fit the forward one.
    """

    supports_masking = True

    def __init__(self, layer: Any, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: Any = None, **kwargs: Any):
        if not isinstance(layer, base_layer.Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, base_layer.Layer):
            raise ValueError("`backward_layer` need to be a `tf.keras.layers.Layer` "
                             f"instance. Received: {backward_layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should "
                             'be one of {"sum", "mul", "ave", "concat", None}')
        super().__init__(layer, **kwargs)
        forward = clone_layer(layer, name="forward_" + layer.name)
        if backward_layer is None:
            backward = clone_layer(layer, name="backward_" + layer.name,
                                   go_backwards=not layer.go_backwards)
        else:
            backward = backward_layer
            backward._name = "backward_" + backward.name
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value. forward_layer.go_backwards = "
                             f"{forward.go_backwards}, backward_layer.go_backwards = "
                             f"{backward.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(forward, attr), getattr(backward, attr)
            if a != b:
                raise ValueError("Forward layer and backward layer are expected to have the "
                                 f'same value for attribute "{attr}", got "{a}" for forward '
                                 f'layer and "{b}" for backward layer')
        for lay in (forward, backward):
            lay.zero_output_for_mask = lay.return_sequences
        self.forward_layer, self.backward_layer = forward, backward
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = False
        self._initial_weights = list(weights) if weights else None

    def _inner(self) -> list:
        return [self.forward_layer, self.backward_layer]

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls the layer; Keras-tensor initial states (forward ones, then backward ones)
        join the inputs so that a functional model sees the layers that made them."""
        flat = nest.flatten(kwargs.get("initial_state") or [])
        if flat and all(backend.is_keras_tensor(t) for t in flat) and \
                backend.is_keras_tensor(inputs):
            kwargs.pop("initial_state")
            return super().__call__([inputs, *flat], *args, **kwargs)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs: Any, training: Any = None, mask: Any = None,
             initial_state: Any = None) -> Any:
        if isinstance(inputs, list | tuple):
            inputs, initial_state = inputs[0], list(inputs[1:]) or None
        mask = masking.get_mask(inputs) if mask is None else masking.as_bool_mask(mask)
        kwargs: dict = {"mask": mask}
        if training is not None:
            kwargs["training"] = training
        fw_state = bw_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fw_state, bw_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(inputs, initial_state=fw_state, **kwargs)
        y_rev = self.backward_layer(inputs, initial_state=bw_state, **kwargs)
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)
        states: list = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            time_axis = 0 if getattr(self.forward_layer, "time_major", False) else 1
            y_rev = reverse(y_rev, [time_axis])
        output = _merge(self.merge_mode, y, y_rev)
        if self.return_sequences and mask is not None:
            for out in nest.flatten(output):
                masking.set_mask(out, mask)
        if self.return_state:
            return (output if self.merge_mode is None else [output]) + states
        return output


def _merge(mode: str | None, y: Tensor, y_rev: Tensor) -> Any:
    if mode == "concat":
        return array_ops.concat([y, y_rev], -1)
    if mode == "sum":
        return y + y_rev
    if mode == "ave":
        return (y + y_rev) / 2
    if mode == "mul":
        return y * y_rev
    return [y, y_rev]


__all__ = ["Wrapper", "Bidirectional", "TimeDistributed"]
