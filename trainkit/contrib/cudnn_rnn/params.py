"""The parameters of ``tk.contrib.cudnn_rnn``: the opaque buffer, cuDNN's canonical
weights and biases, TF's canonical (compatible-cell) tensors, and the converters between
them (``CudnnParamsFormatConverterLSTM`` / ``GRU`` / ``Tanh`` / ``Relu``, TF 1.15's).

cuDNN canonical form (TF 1.15's ``CudnnOpaqueParamsSaveable`` doc): per layer, per
direction (forward first), ``2 G`` weight matrices and ``2 G`` bias vectors; matrices
``0 .. G-1`` act on the layer's input (``[num_units, input width]``), ``G .. 2G-1`` on the
recurrent state (``[num_units, num_units]``). Gate order: LSTM ``i, f, c, o``; GRU
``r, z, h`` (reset, update, new memory); RNN ``tanh`` / ``relu`` one gate. The input
width is ``input_size`` for layer 0, else ``num_units`` times the number of directions.

The opaque buffer here is a flat vector: every canonical weight flattened row-major in
canonical order, then every bias (for one layer this is what TF's Keras hands cuDNN).
Differs from TF: a real GPU's buffer layout belongs to the cuDNN version; checkpoints
carry the canonical tensors, which restore into this layout (see ``saveable``).

TF canonical form (what ``CudnnCompatibleLSTMCell`` / ``CudnnCompatibleGRUCell`` /
``BasicRNNCell`` hold), per layer and direction: LSTM ``kernel [in + u, 4u]`` (gates
``i, c, f, o``), ``bias [4u]`` = input + recurrent biases; GRU ``gates/kernel
[in + u, 2u]`` (``r, u``), ``candidate/input_projection/kernel [in, u]``,
``candidate/hidden_projection/kernel [u, u]``, ``gates/bias`` (summed) and the two
candidate biases (kept apart); RNN ``kernel [in + u, u]``, ``bias`` (summed). A summed
bias converts back as two halves (the sum, all the equations see, is unchanged).

Example:
    >>> conv = CudnnParamsFormatConverterLSTM(num_layers=2, num_units=8, input_size=4)
    >>> weights, biases = conv.opaque_to_tf_canonical(lstm.kernel)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.constant_op import constant
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops
from trainkit.ops.join_ops import concat, split
from trainkit.ops.shape_ops import transpose

CUDNN_RNN_UNIDIRECTION = "unidirectional"
CUDNN_RNN_BIDIRECTION = "bidirectional"
CUDNN_LSTM = "lstm"
CUDNN_GRU = "gru"
CUDNN_RNN_RELU = "rnn_relu"
CUDNN_RNN_TANH = "rnn_tanh"
CUDNN_LSTM_PARAMS_PER_LAYER = 8
CUDNN_GRU_PARAMS_PER_LAYER = 6
CUDNN_RNN_TANH_PARAMS_PER_LAYER = 2
CUDNN_RNN_RELU_PARAMS_PER_LAYER = 2
CUDNN_INPUT_LINEAR_MODE = "linear_input"
CUDNN_INPUT_SKIP_MODE = "skip_input"
CUDNN_INPUT_AUTO_MODE = "auto_select"

PARAMS_PER_LAYER = {CUDNN_LSTM: 8, CUDNN_GRU: 6, CUDNN_RNN_TANH: 2, CUDNN_RNN_RELU: 2}


def check_direction(direction: Any) -> None:
    """Raises ValueError unless ``direction`` is ``unidirectional`` or ``bidirectional``."""
    if direction not in (CUDNN_RNN_UNIDIRECTION, CUDNN_RNN_BIDIRECTION):
        raise ValueError(f"Invalid direction: {direction!r}, expecting "
                         f"{CUDNN_RNN_UNIDIRECTION!r} or {CUDNN_RNN_BIDIRECTION!r}")


def check_input_mode(input_mode: Any) -> None:
    """Raises ValueError unless ``input_mode`` is one of cuDNN's three."""
    modes = (CUDNN_INPUT_LINEAR_MODE, CUDNN_INPUT_SKIP_MODE, CUDNN_INPUT_AUTO_MODE)
    if input_mode not in modes:
        raise ValueError(f"Invalid input_mode: {input_mode!r}, expect one of {modes}")


def check_rnn_mode(rnn_mode: Any) -> None:
    """Raises ValueError unless ``rnn_mode`` is ``lstm``, ``gru``, ``rnn_tanh``, ``rnn_relu``."""
    if rnn_mode not in PARAMS_PER_LAYER:
        raise ValueError(f"Invalid rnn_mode: {rnn_mode!r}, expect one of "
                         f"{tuple(PARAMS_PER_LAYER)}")


def _positive(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}.")
    return value


class Layout:
    """Where each canonical tensor of one cuDNN RNN configuration lives in the opaque
    buffer (the validated configuration, in Python numbers).

    Raises:
        ValueError: an invalid mode, direction or input mode; sizes that are not
            positive ints.
        NotImplementedError: ``skip_input`` (or ``auto_select`` with ``input_size ==
            num_units``), and a projection (``num_proj``).
    """

    def __init__(self, rnn_mode: str, num_layers: int, num_units: int, input_size: int,
                 input_mode: str = CUDNN_INPUT_LINEAR_MODE,
                 direction: str = CUDNN_RNN_UNIDIRECTION, num_proj: Any = None):
        check_rnn_mode(rnn_mode)
        check_direction(direction)
        check_input_mode(input_mode)
        self.mode = rnn_mode
        self.num_layers = _positive(num_layers, "num_layers")
        self.num_units = _positive(num_units, "num_units")
        self.input_size = _positive(input_size, "input_size")
        if num_proj:
            raise NotImplementedError("cudnn_rnn: LSTM projections (num_proj) are not "
                                      "supported by trainkit.")
        skip = input_mode == CUDNN_INPUT_SKIP_MODE or (
            input_mode == CUDNN_INPUT_AUTO_MODE and input_size == num_units)
        if skip:
            raise NotImplementedError(
                f"cudnn_rnn: input_mode {input_mode!r} (no input projection in the first "
                f"layer) is not supported by trainkit; use {CUDNN_INPUT_LINEAR_MODE!r}.")
        self.input_mode, self.direction = input_mode, direction
        self.num_dirs = 1 if direction == CUDNN_RNN_UNIDIRECTION else 2
        self.gates = PARAMS_PER_LAYER[rnn_mode] // 2

    def input_width(self, layer: int) -> int:
        return self.input_size if layer == 0 else self.num_units * self.num_dirs

    @property
    def weight_shapes(self) -> list[list[int]]:
        """Every canonical weight's shape, in canonical order."""
        u, g = self.num_units, self.gates
        return [[u, self.input_width(layer)] if k < g else [u, u]
                for layer in range(self.num_layers) for _ in range(self.num_dirs)
                for k in range(2 * g)]

    @property
    def bias_shapes(self) -> list[list[int]]:
        return [[self.num_units]] * (self.num_layers * self.num_dirs * 2 * self.gates)

    @property
    def size(self) -> int:
        """The number of elements of the opaque buffer."""
        return sum(a * b for a, b in self.weight_shapes) + sum(
            s[0] for s in self.bias_shapes)

    def opaque_to_cu(self, opaque: Any) -> tuple[list[Tensor], list[Tensor]]:
        """The canonical weights (as matrices) and biases in ``opaque``."""
        shapes = self.weight_shapes
        sizes = [a * b for a, b in shapes] + [s[0] for s in self.bias_shapes]
        parts = split(array_ops.reshape(opaque, [-1]), sizes, axis=0)
        weights = [array_ops.reshape(p, s) for p, s in zip(parts, shapes)]
        return weights, parts[len(shapes):]

    def cu_to_opaque(self, weights: list, biases: list) -> Tensor:
        """The opaque buffer holding these canonical weights and biases.

        Raises:
            ValueError: if there are not as many weights and biases as the layout has.
        """
        if len(weights) != len(self.weight_shapes) or len(biases) != len(self.bias_shapes):
            raise ValueError(f"cudnn_rnn: expected {len(self.weight_shapes)} weights and "
                             f"{len(self.bias_shapes)} biases, got {len(weights)} and "
                             f"{len(biases)}.")
        flat = [array_ops.reshape(conversion.convert_to_tensor(t), [-1])
                for t in list(weights) + list(biases)]
        return concat(flat, 0)

    def block(self, items: list, layer: int, direction: int) -> list:
        """The ``2 G`` canonical items of one layer and direction."""
        n = 2 * self.gates
        start = (layer * self.num_dirs + direction) * n
        return items[start:start + n]


def _t(x: Tensor) -> Tensor:
    return transpose(x, [1, 0])


class CudnnParamsFormatConverter:
    """Converts between the opaque buffer and TF canonical tensors (TF 1.15's API).

    Args:
        num_layers, num_units, input_size: the RNN's configuration.
        num_proj: must be None or 0 (projections are not supported).
        input_mode: ``linear_input`` (``skip_input`` is not supported).
        direction: ``unidirectional`` or ``bidirectional``.

    Raises:
        ValueError, NotImplementedError: as :class:`Layout`.
    """

    _rnn_mode = CUDNN_LSTM

    def __init__(self, num_layers: int, num_units: int, input_size: int,
                 num_proj: Any = None, input_mode: str = CUDNN_INPUT_LINEAR_MODE,
                 direction: str = CUDNN_RNN_UNIDIRECTION):
        self._layout = Layout(self._rnn_mode, num_layers, num_units, input_size,
                              input_mode, direction, num_proj)

    def opaque_to_tf_canonical(self, opaque_param: Any) -> tuple[list, list]:
        """``(weights, biases)``: TF canonical tensors, layer by layer, forward first."""
        lay = self._layout
        cu_w, cu_b = lay.opaque_to_cu(opaque_param)
        weights, biases = [], []
        for layer in range(lay.num_layers):
            for d in range(lay.num_dirs):
                weights += self.tf_weights_of(lay.block(cu_w, layer, d))
                biases += self.tf_biases_of(lay.block(cu_b, layer, d))
        return weights, biases

    def tf_canonical_to_opaque(self, tf_canonicals: list, weights_proj: Any = None) -> Tensor:
        """The opaque buffer from TF canonical tensors (all weights, then all biases).

        Raises:
            ValueError: for a list of the wrong length.
            NotImplementedError: for ``weights_proj``.
        """
        if weights_proj is not None:
            raise NotImplementedError("cudnn_rnn: projection weights are not supported.")
        lay = self._layout
        per = len(self.canonical_names) // 2
        blocks = lay.num_layers * lay.num_dirs
        tf_canonicals = list(tf_canonicals)
        if len(tf_canonicals) != 2 * per * blocks:
            raise ValueError(f"{type(self).__name__}: expected {2 * per * blocks} TF "
                             f"canonical tensors, got {len(tf_canonicals)}.")
        tf_w, tf_b = tf_canonicals[:per * blocks], tf_canonicals[per * blocks:]
        cu_w, cu_b = [], []
        for k in range(blocks):
            width = lay.input_width(k // lay.num_dirs)
            cu_w += self.cu_weights_of(tf_w[k * per:(k + 1) * per], width)
            cu_b += self.cu_biases_of(tf_b[k * per:(k + 1) * per])
        return lay.cu_to_opaque(cu_w, cu_b)

    # one layer and direction: subclasses define the stitching and the names
    canonical_names: tuple[str, ...] = ("kernel", "bias")

    def tf_weights_of(self, cu: list) -> list:
        raise NotImplementedError

    def tf_biases_of(self, cu: list) -> list:
        raise NotImplementedError

    def cu_weights_of(self, tf: list, width: int) -> list:
        raise NotImplementedError

    def cu_biases_of(self, tf: list) -> list:
        raise NotImplementedError

    def _split_wr(self, matrix: Tensor, width: int) -> list:
        """``[u, width + u]`` -> the input part and the recurrent part."""
        return split(matrix, [width, self._layout.num_units], axis=1)


class CudnnParamsFormatConverterLSTM(CudnnParamsFormatConverter):
    """Opaque <-> ``CudnnCompatibleLSTMCell``'s ``kernel`` and ``bias`` (gates ``icfo``)."""

    _rnn_mode = CUDNN_LSTM
    _order = (0, 2, 1, 3)  # cuDNN i, f, c, o -> TF i, c, f, o (its own inverse)

    def tf_weights_of(self, cu: list) -> list:
        g = len(cu) // 2
        rows = [concat([cu[k], cu[g + k]], 1) for k in self._order[:g]]
        return [_t(concat(rows, 0))]

    def tf_biases_of(self, cu: list) -> list:
        g = len(cu) // 2
        return [concat([cu[k] + cu[g + k] for k in self._order[:g]], 0)]

    def cu_weights_of(self, tf: list, width: int) -> list:
        g = self._layout.gates
        rows = split(_t(conversion.convert_to_tensor(tf[0])), g, axis=0)
        parts = [self._split_wr(rows[k], width) for k in self._order[:g]]
        return [p[0] for p in parts] + [p[1] for p in parts]

    def cu_biases_of(self, tf: list) -> list:
        g = self._layout.gates
        pieces = split(conversion.convert_to_tensor(tf[0]), g, axis=0)
        halves = [pieces[k] * 0.5 for k in self._order[:g]]
        return halves + halves


class CudnnParamsFormatConverterTanh(CudnnParamsFormatConverterLSTM):
    """Opaque <-> ``BasicRNNCell``'s ``kernel`` and ``bias`` (``tanh``)."""

    _rnn_mode = CUDNN_RNN_TANH
    _order = (0,)


class CudnnParamsFormatConverterRelu(CudnnParamsFormatConverterTanh):
    """Opaque <-> ``BasicRNNCell``'s ``kernel`` and ``bias`` (``relu``)."""

    _rnn_mode = CUDNN_RNN_RELU


class CudnnParamsFormatConverterGRU(CudnnParamsFormatConverter):
    """Opaque <-> ``CudnnCompatibleGRUCell``'s gate and candidate kernels and biases."""

    _rnn_mode = CUDNN_GRU
    canonical_names = ("gates/kernel", "candidate/input_projection/kernel",
              "candidate/hidden_projection/kernel", "gates/bias",
              "candidate/input_projection/bias", "candidate/hidden_projection/bias")

    def tf_weights_of(self, cu: list) -> list:
        w_r, w_u, w_h, r_r, r_u, r_h = cu
        gates = concat([concat([w_r, r_r], 1), concat([w_u, r_u], 1)], 0)
        return [_t(gates), _t(w_h), _t(r_h)]

    def tf_biases_of(self, cu: list) -> list:
        b_wr, b_wu, b_wh, b_rr, b_ru, b_rh = cu
        return [concat([b_wr, b_wu], 0) + concat([b_rr, b_ru], 0), b_wh, b_rh]

    def cu_weights_of(self, tf: list, width: int) -> list:
        gates, w_h, r_h = (conversion.convert_to_tensor(t) for t in tf)
        g_r, g_u = split(_t(gates), 2, axis=0)
        w_r, r_r = self._split_wr(g_r, width)
        w_u, r_u = self._split_wr(g_u, width)
        return [w_r, w_u, _t(w_h), r_r, r_u, _t(r_h)]

    def cu_biases_of(self, tf: list) -> list:
        b_ru, b_wh, b_rh = (conversion.convert_to_tensor(t) for t in tf)
        b_r, b_u = split(b_ru * 0.5, 2, axis=0)
        return [b_r, b_u, b_wh, b_r, b_u, b_rh]


CONVERTERS = {CUDNN_LSTM: CudnnParamsFormatConverterLSTM,
              CUDNN_GRU: CudnnParamsFormatConverterGRU,
              CUDNN_RNN_TANH: CudnnParamsFormatConverterTanh,
              CUDNN_RNN_RELU: CudnnParamsFormatConverterRelu}


def cudnn_rnn_opaque_params_size(rnn_mode: str, num_layers: int, num_units: int,
                                 input_size: int, input_mode: str = CUDNN_INPUT_LINEAR_MODE,
                                 direction: str = CUDNN_RNN_UNIDIRECTION, dtype: Any = None,
                                 dropout: float = 0.0, seed: Any = 0, num_proj: Any = None,
                                 name: str | None = None) -> Tensor:
    """The opaque buffer's number of elements, as an int32 scalar tensor."""
    del dtype, dropout, seed
    lay = Layout(rnn_mode, num_layers, num_units, input_size, input_mode, direction, num_proj)
    return constant(lay.size, name=name or "cudnn_rnn_opaque_params_size")


def cudnn_rnn_opaque_params_to_canonical(rnn_mode: str, num_layers: int, num_units: int,
                                         input_size: int, params: Any,
                                         input_mode: str = CUDNN_INPUT_LINEAR_MODE,
                                         direction: str = CUDNN_RNN_UNIDIRECTION,
                                         dropout: float = 0.0, seed: Any = 0,
                                         num_proj: Any = None, name: str | None = None
                                         ) -> tuple[list, list]:
    """cuDNN canonical ``(weights, biases)`` in the opaque ``params`` (weights as
    ``[num_units, width]`` matrices)."""
    del dropout, seed, name
    lay = Layout(rnn_mode, num_layers, num_units, input_size, input_mode, direction, num_proj)
    return lay.opaque_to_cu(params)


def cudnn_rnn_canonical_to_opaque_params(rnn_mode: str, num_layers: int, num_units: int,
                                         input_size: int, weights: list, biases: list,
                                         input_mode: str = CUDNN_INPUT_LINEAR_MODE,
                                         direction: str = CUDNN_RNN_UNIDIRECTION,
                                         dropout: float = 0.0, seed: Any = 0,
                                         num_proj: Any = None, name: str | None = None
                                         ) -> Tensor:
    """The opaque buffer of cuDNN canonical ``weights`` and ``biases``."""
    del dropout, seed, name
    lay = Layout(rnn_mode, num_layers, num_units, input_size, input_mode, direction, num_proj)
    return lay.cu_to_opaque(weights, biases)


__all__ = ["Layout", "CONVERTERS", "check_direction", "check_input_mode", "check_rnn_mode",
           "CudnnParamsFormatConverter", "CudnnParamsFormatConverterLSTM",
           "CudnnParamsFormatConverterGRU", "CudnnParamsFormatConverterTanh",
           "CudnnParamsFormatConverterRelu", "cudnn_rnn_opaque_params_size",
           "cudnn_rnn_opaque_params_to_canonical", "cudnn_rnn_canonical_to_opaque_params"]
