"""Normalizing-flow bijectors of ``tf.contrib.distributions.bijectors`` (TF 1.15):
``MaskedAutoregressiveFlow`` (MAF, Papamakarios et al. 2017) with its
``masked_autoregressive_default_template`` / ``masked_dense`` (MADE masks), ``RealNVP``
(Dinh et al. 2017) with ``real_nvp_default_template``, and ``Permute``.

MAF:      y_i = x_i exp(log_scale_i(y_<i)) + shift_i(y_<i);  inverse one pass, forward
          ``k`` passes (unrolled here, the event size being static).
RealNVP:  y_:m = x_:m,  y_m: = x_m: exp(log_scale(x_:m)) + shift(x_:m).

Example:
    >>> maf = MaskedAutoregressiveFlow(
    ...     shift_and_log_scale_fn=masked_autoregressive_default_template([32, 32]))
    >>> flow = TransformedDistribution(Normal(0.0, 1.0), maf, event_shape=[2])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import trainkit as tk
from trainkit.contrib.distributions.bijectors.bijector import Bijector
from trainkit.framework.tensor import Tensor


def _gen_mask(num_blocks: int, n_in: int, n_out: int, exclusive: bool) -> np.ndarray:
    """The MADE mask ``[n_out, n_in]``: input block ``j`` feeds output blocks ``> j``
    (``exclusive``) or ``>= j``; blocks are ``n // num_blocks`` wide, and leftover inputs
    feed nothing while leftover outputs see every block (as TF)."""
    mask = np.zeros([n_out, n_in], np.float32)
    d_in, d_out = n_in // num_blocks, n_out // num_blocks
    row = d_out if exclusive else 0
    for block in range(num_blocks):
        mask[row:, block * d_in:(block + 1) * d_in] = 1.0
        row += d_out
    return mask


def masked_dense(inputs: Any, units: int, num_blocks: int | None = None,
                 exclusive: bool = False, kernel_initializer: Any = None,
                 reuse: bool | None = None, name: str | None = None,
                 activation: Callable | None = None, use_bias: bool = True) -> Tensor:
    """A dense layer whose kernel is masked so output block ``i`` sees only input blocks
    ``< i`` (``exclusive``) or ``<= i``.

    Differs from TF: the mask multiplies the kernel in the forward pass (TF masks the
    initial value and re-applies the mask as a ``kernel_constraint`` after each update);
    masked entries start at zero and receive zero gradient, so the layer computes the same.

    Raises:
        NotImplementedError: if the input depth is not static.
    """
    inputs = tk.convert_to_tensor(inputs)
    depth = inputs.shape[-1] if inputs.shape.ndims else None
    depth = getattr(depth, "value", depth)
    if depth is None:
        raise NotImplementedError("Rightmost dimension must be known prior to graph "
                                  "execution.")
    num_blocks = num_blocks or int(depth)
    mask = _gen_mask(num_blocks, int(depth), units, exclusive).T
    base_init = kernel_initializer or tk.glorot_normal_initializer()

    def masked_initializer(shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        return tk.constant(mask, dtype=dtype) * base_init(shape, dtype=dtype)

    def masked_kernel(kernel: Tensor) -> Tensor:
        return kernel * tk.constant(mask, dtype=kernel.dtype)

    with tk.variable_scope(name, default_name="dense", reuse=reuse):
        kernel = tk.get_variable("kernel", [int(depth), units], dtype=inputs.dtype,
                                 initializer=masked_initializer)
        out = tk.tensordot(inputs, masked_kernel(kernel), [[inputs.shape.ndims - 1], [0]])
        if use_bias:
            out = out + tk.get_variable("bias", [units], dtype=inputs.dtype,
                                        initializer=tk.zeros_initializer())
        return activation(out) if activation is not None else out


def _clip_preserve_grad(x: Tensor, lo: float, hi: float) -> Tensor:
    """``clip(x, lo, hi)`` in value with the gradient of ``x``."""
    return x + tk.stop_gradient(tk.clip_by_value(x, lo, hi) - x)


def masked_autoregressive_default_template(hidden_layers: list, shift_only: bool = False,
                                           activation: Callable | None = tk.nn.relu,
                                           log_scale_min_clip: float = -5.0,
                                           log_scale_max_clip: float = 3.0,
                                           log_scale_clip_gradient: bool = False,
                                           name: str | None = None) -> Callable:
    """The MADE network of TF 1.15's MAF: masked dense layers (the first exclusive) giving
    ``(shift, log_scale)`` per coordinate, ``log_scale`` clipped to
    ``[log_scale_min_clip, log_scale_max_clip]`` (with a straight-through gradient unless
    ``log_scale_clip_gradient``); a ``make_template``, so every call shares variables.

    Differs from TF: extra ``tf.layers.dense`` keyword arguments are not accepted.
    """
    name = name or "masked_autoregressive_default_template"

    def _fn(x: Tensor) -> tuple[Tensor, Tensor | None]:
        depth = x.shape[-1] if x.shape.ndims else None
        depth = getattr(depth, "value", depth)
        if depth is None:
            raise NotImplementedError("Rightmost dimension must be known prior to graph "
                                      "execution.")
        depth = int(depth)
        input_shape = tk.shape(x)
        if x.shape.ndims == 1:
            x = x[None, ...]
        for i, units in enumerate(hidden_layers):
            x = masked_dense(x, units, num_blocks=depth, exclusive=i == 0,
                             activation=activation)
        x = masked_dense(x, (1 if shift_only else 2) * depth, num_blocks=depth,
                         activation=None)
        if shift_only:
            return tk.reshape(x, input_shape), None
        x = tk.reshape(x, tk.concat([input_shape, [2]], 0))
        shift, log_scale = x[..., 0], x[..., 1]
        clip = tk.clip_by_value if log_scale_clip_gradient else _clip_preserve_grad
        return shift, clip(log_scale, log_scale_min_clip, log_scale_max_clip)

    return tk.make_template(name, _fn)


class MaskedAutoregressiveFlow(Bijector):
    """The affine autoregressive flow ``y_i = x_i exp(log_scale_i(y)) + shift_i(y)``, where
    ``shift_and_log_scale_fn`` is autoregressive (output ``i`` depends on inputs ``< i``).

    Args:
        shift_and_log_scale_fn: ``x -> (shift, log_scale)`` (``log_scale`` may be None).
        is_constant_jacobian: as ``Bijector``.
        validate_args: as ``Bijector``.
        unroll_loop: accepted for TF's signature (the forward pass is always unrolled).
        event_ndims: must be 1.
        name: default ``"masked_autoregressive_flow"``.

    Raises:
        ValueError: if ``event_ndims`` is not 1.
        NotImplementedError: ``forward`` on an event of unknown size.
    """

    def __init__(self, shift_and_log_scale_fn: Callable, is_constant_jacobian: bool = False,
                 validate_args: bool = False, unroll_loop: bool = False, event_ndims: int = 1,
                 name: str | None = None) -> None:
        if event_ndims != 1:
            raise ValueError(f"event_ndims must be 1, got {event_ndims}.")
        self._fn = shift_and_log_scale_fn
        super().__init__(is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args, forward_min_event_ndims=1,
                         name=name or "masked_autoregressive_flow")

    def _forward(self, x: Tensor) -> Tensor:
        size = x.shape[-1] if x.shape.ndims else None
        size = getattr(size, "value", size)
        if size is None:
            raise NotImplementedError("MaskedAutoregressiveFlow.forward needs a static "
                                      "event size.")
        y = tk.zeros_like(x)
        # after pass i, coordinates <= i are final (each depends only on earlier ones)
        for _ in range(int(size)):
            shift, log_scale = self._fn(y)
            y = x if log_scale is None else x * tk.exp(log_scale)
            y = y if shift is None else y + shift
        return y

    def _inverse(self, y: Tensor) -> Tensor:
        shift, log_scale = self._fn(y)
        x = y if shift is None else y - shift
        return x if log_scale is None else x * tk.exp(-log_scale)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        _, log_scale = self._fn(y)
        if log_scale is None:
            return tk.zeros_like(y[..., 0])
        return -tk.reduce_sum(log_scale, -1)


def real_nvp_default_template(hidden_layers: list, shift_only: bool = False,
                              activation: Callable | None = tk.nn.relu,
                              name: str | None = None) -> Callable:
    """TF 1.15's RealNVP network: dense layers on the unchanged part, the last giving
    ``output_units`` shifts then ``output_units`` log-scales; a ``make_template``.

    Differs from TF: extra ``tf.layers.dense`` keyword arguments are not accepted.
    """

    def _fn(x: Tensor, output_units: int) -> tuple[Tensor, Tensor | None]:
        squeeze = x.shape.ndims == 1
        if squeeze:
            x = x[None, ...]
        for units in hidden_layers:
            x = tk.layers.dense(x, units, activation=activation)
        x = tk.layers.dense(x, (1 if shift_only else 2) * output_units, activation=None)
        if shift_only:
            return (x[0] if squeeze else x), None
        shift, log_scale = tk.split(x, 2, axis=-1)
        if squeeze:
            shift, log_scale = shift[0], log_scale[0]
        return shift, log_scale

    with tk.name_scope(name, "real_nvp_default_template"):
        return tk.make_template("real_nvp_default_template", _fn)


class RealNVP(Bijector):
    """The affine coupling layer: the first ``num_masked`` coordinates pass through and
    condition a shift and scale of the rest.

    Args:
        num_masked: how many leading coordinates pass unchanged (``>= 0``).
        shift_and_log_scale_fn: ``(x0, output_units) -> (shift, log_scale)``.
        is_constant_jacobian, validate_args: as ``Bijector``.
        name: default ``"real_nvp"``.

    Raises:
        ValueError: if ``num_masked`` is negative, or not below a static event size.
    """

    def __init__(self, num_masked: int, shift_and_log_scale_fn: Callable,
                 is_constant_jacobian: bool = False, validate_args: bool = False,
                 name: str | None = None) -> None:
        if num_masked < 0:
            raise ValueError(f"num_masked must be a non-negative integer, got {num_masked}.")
        self._num_masked = int(num_masked)
        self._fn = shift_and_log_scale_fn
        super().__init__(is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args, forward_min_event_ndims=1,
                         name=name or "real_nvp")

    def _split(self, x: Tensor) -> tuple[Tensor, Tensor, int]:
        size = x.shape[-1] if x.shape.ndims else None
        size = getattr(size, "value", size)
        if size is None:
            raise NotImplementedError("RealNVP needs a static event size.")
        if self._num_masked >= int(size):
            raise ValueError(f"num_masked ({self._num_masked}) must be smaller than the "
                             f"event size ({size}).")
        m = self._num_masked
        return x[..., :m], x[..., m:], int(size) - m

    def _forward(self, x: Tensor) -> Tensor:
        x0, x1, units = self._split(x)
        shift, log_scale = self._fn(x0, units)
        y1 = x1 if log_scale is None else x1 * tk.exp(log_scale)
        y1 = y1 if shift is None else y1 + shift
        return tk.concat([x0, y1], -1)

    def _inverse(self, y: Tensor) -> Tensor:
        y0, y1, units = self._split(y)
        shift, log_scale = self._fn(y0, units)
        x1 = y1 if shift is None else y1 - shift
        x1 = x1 if log_scale is None else x1 * tk.exp(-log_scale)
        return tk.concat([y0, x1], -1)

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        x0, _, units = self._split(x)
        _, log_scale = self._fn(x0, units)
        if log_scale is None:
            return tk.zeros_like(x[..., 0])
        return tk.reduce_sum(log_scale, -1)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -self._forward_log_det_jacobian(y)  # x_:m = y_:m conditions both ways


class Permute(Bijector):
    """Reorders the last axis: ``y = x[..., permutation]``; log Jacobian 0.

    Args:
        permutation: a permutation of ``0..k-1`` (Python list or int tensor).
        validate_args, name: as ``Bijector`` (default name ``"permute"``).

    Raises:
        ValueError: if a static ``permutation`` is not a permutation.
    """

    def __init__(self, permutation: Any, validate_args: bool = False,
                 name: str = "permute") -> None:
        if not isinstance(permutation, Tensor):
            perm = np.asarray(permutation)
            if perm.ndim != 1 or sorted(perm.tolist()) != list(range(perm.size)):
                raise ValueError(f"Permutation over `d` must contain exactly one of each "
                                 f"of `{{0, 1, ..., d}}`, got {permutation!r}.")
        with tk.name_scope(name):
            self._permutation = tk.convert_to_tensor(permutation, dtype=tk.int32,
                                                     name="permutation")
        super().__init__(graph_parents=[self._permutation], is_constant_jacobian=True,
                         validate_args=validate_args, forward_min_event_ndims=1, name=name)

    @property
    def permutation(self) -> Tensor:
        """The permutation."""
        return self._permutation

    def _forward(self, x: Tensor) -> Tensor:
        return tk.gather(x, self._permutation, axis=-1)

    def _inverse(self, y: Tensor) -> Tensor:
        return tk.gather(y, tk.invert_permutation(self._permutation), axis=-1)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return tk.zeros_like(y[..., 0])

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        return tk.zeros_like(x[..., 0])


__all__ = ["MaskedAutoregressiveFlow", "masked_autoregressive_default_template",
           "masked_dense", "RealNVP", "real_nvp_default_template", "Permute"]
