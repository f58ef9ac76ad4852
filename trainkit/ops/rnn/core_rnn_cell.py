"""TF1's ``tf.contrib.rnn`` wrappers from ``core_rnn_cell``: ``EmbeddingWrapper``,
``InputProjectionWrapper``, ``OutputProjectionWrapper``, and ``Linear`` (the
``kernel``/``bias`` affine map the legacy seq2seq models use), with TF1's variable names.

Each wrapper is a cell with a scope of its own (``embedding_wrapper``,
``output_projection_wrapper``, ...); the wrapped cell's variables live inside it.

Example:
    >>> cell = OutputProjectionWrapper(BasicLSTMCell(32), 100)    # outputs [batch, 100]
"""

from __future__ import annotations

import math
from typing import Any

from trainkit import nest
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, init_ops, math_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.embedding_ops import embedding_lookup
from trainkit.ops.nn_activations import bias_add
from trainkit.ops.rnn.cell_base import CellWrapper, check_units


class Linear:
    """``concat(args, 1) @ kernel + bias`` with variables ``kernel`` ``[sum of widths,
    output_size]`` and ``bias`` ``[output_size]`` (zeros by default) created in the current
    variable scope (TF1's ``core_rnn_cell._Linear``).

    Raises:
        ValueError: for no args, an arg that is not 2-D or whose width is unknown.
    """

    def __init__(self, args: Any, output_size: int, build_bias: bool,
                 bias_initializer: Any = None, kernel_initializer: Any = None):
        self._is_sequence = nest.is_nested(args)
        if args is None or (self._is_sequence and not args):
            raise ValueError("`args` must be specified")
        items = nest.flatten(args) if self._is_sequence else [args]
        total = 0
        for a in items:
            shape = TensorShape(a.shape)
            if shape.ndims != 2:
                raise ValueError(f"linear is expecting 2D arguments: "
                                 f"{[str(t.shape) for t in items]}")
            if shape[1] is None:
                raise ValueError(f"linear expects shape[1] to be provided for shape {shape}, "
                                 f"but saw None")
            total += int(shape[1])
        dtype = items[0].dtype
        self._build_bias = build_bias
        self.kernel = vs.get_variable("kernel", [total, output_size], dtype=dtype,
                                      initializer=kernel_initializer)
        self.bias = None
        if build_bias:
            self.bias = vs.get_variable(
                "bias", [output_size], dtype=dtype,
                initializer=bias_initializer or init_ops.constant_initializer(0.0))

    def __call__(self, args: Any) -> Tensor:
        items = nest.flatten(args) if nest.is_nested(args) else [args]
        x = items[0] if len(items) == 1 else array_ops.concat(items, 1)
        y = math_ops.matmul(x, self.kernel)
        return bias_add(y, self.bias) if self._build_bias else y


class _ScopedWrapper(CellWrapper):
    """A wrapper cell with its own variable scope around the wrapped cell's."""

    def build(self, inputs_shape: Any) -> None:
        self.built = True

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        return self._cell.zero_state(batch_size, dtype)

    def _keep(self, v: Any) -> Any:
        if v not in self._variables:
            self._variables.append(v)
        return v


class OutputProjectionWrapper(_ScopedWrapper):
    """Projects the wrapped cell's output to ``output_size`` with a ``Linear`` map
    (variables ``output_projection_wrapper/kernel`` and ``/bias``).

    Raises:
        TypeError: if ``cell`` is not a cell. ValueError: if ``output_size`` < 1.
    """

    def __init__(self, cell: Any, output_size: int, activation: Any = None,
                 reuse: Any = None):
        super().__init__(cell, "OutputProjectionWrapper", reuse)
        self._output_size = check_units(output_size, "output_size", "OutputProjectionWrapper")
        self._activation = activation
        self._linear: Linear | None = None

    @property
    def output_size(self) -> int:
        return self._output_size

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        output, new_state = self._cell(inputs, state)
        if self._linear is None:
            self._linear = Linear(output, self._output_size, True)
            self._keep(self._linear.kernel)
            self._keep(self._linear.bias)
        projected = self._linear(output)
        if self._activation is not None:
            projected = self._activation(projected)
        return projected, new_state


class InputProjectionWrapper(_ScopedWrapper):
    """Projects the input to ``num_proj`` with a ``Linear`` map (variables
    ``input_projection_wrapper/kernel`` and ``/bias``) before the wrapped cell.

    Raises:
        TypeError: if ``cell`` is not a cell. ValueError: if ``num_proj`` < 1.
    """

    def __init__(self, cell: Any, num_proj: int, activation: Any = None,
                 input_size: Any = None, reuse: Any = None):
        super().__init__(cell, "InputProjectionWrapper", reuse)
        self._num_proj = check_units(num_proj, "num_proj", "InputProjectionWrapper")
        self._activation = activation
        self._linear: Linear | None = None

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        if self._linear is None:
            self._linear = Linear(inputs, self._num_proj, True)
            self._keep(self._linear.kernel)
            self._keep(self._linear.bias)
        projected = self._linear(inputs)
        if self._activation is not None:
            projected = self._activation(projected)
        return self._cell(projected, state)


class EmbeddingWrapper(_ScopedWrapper):
    """Looks integer ids up in ``embedding`` ``[embedding_classes, embedding_size]``
    (``embedding_wrapper/embedding``, dtype of the state) before the wrapped cell. The
    default initializer is the scope's, else uniform in ``[-sqrt(3), sqrt(3)]``.

    Raises:
        TypeError: if ``cell`` is not a cell. ValueError: for non-positive sizes.
    """

    def __init__(self, cell: Any, embedding_classes: int, embedding_size: int,
                 initializer: Any = None, reuse: Any = None):
        super().__init__(cell, "EmbeddingWrapper", reuse)
        self._classes = check_units(embedding_classes, "embedding_classes", "EmbeddingWrapper")
        self._size = check_units(embedding_size, "embedding_size", "EmbeddingWrapper")
        self._initializer = initializer

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        init = self._initializer or vs.get_variable_scope().initializer
        if init is None:
            r = math.sqrt(3)
            init = init_ops.random_uniform_initializer(-r, r)
        dtype = nest.flatten(state)[0].dtype
        emb = self._keep(vs.get_variable("embedding", [self._classes, self._size],
                                         initializer=init, dtype=dtype))
        embedded = embedding_lookup(emb, array_ops.reshape(inputs, [-1]))
        return self._cell(embedded, state)


__all__ = ["Linear", "EmbeddingWrapper", "InputProjectionWrapper", "OutputProjectionWrapper"]
