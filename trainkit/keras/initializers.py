"""``tk.keras.initializers``: the TF1 Keras initializers (``tf.compat.v1.keras``): the
``tk.initializers`` classes where Keras uses them as is, and Keras's own defaults for
the random ones (``RandomUniform(-0.05, 0.05)``, ``RandomNormal(0, 0.05)``,
``TruncatedNormal(0, 0.05)``).

Example:
    >>> tk.keras.layers.Dense(4, kernel_initializer="he_normal")
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.ops import init_ops
from trainkit.ops.init_extras import Identity, Orthogonal
from trainkit.ops.init_ops import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    Initializer,
    Ones,
    VarianceScaling,
    Zeros,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
)


class RandomUniform(init_ops.RandomUniform):
    """Uniform in ``[minval, maxval)``; Keras's default range is ``[-0.05, 0.05)``."""

    def __init__(self, minval: Any = -0.05, maxval: Any = 0.05, seed: int | None = None,
                 dtype: Any = _dt.float32):
        super().__init__(minval, maxval, seed, dtype)


class RandomNormal(init_ops.RandomNormal):
    """Normal with ``mean`` and ``stddev`` (Keras's default stddev is 0.05)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None,
                 dtype: Any = _dt.float32):
        super().__init__(mean, stddev, seed, dtype)


class TruncatedNormal(init_ops.TruncatedNormal):
    """Normal re-drawn beyond two standard deviations (Keras's default stddev is 0.05)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None,
                 dtype: Any = _dt.float32):
        super().__init__(mean, stddev, seed, dtype)


zeros = Zeros
ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
orthogonal = Orthogonal
identity = Identity
variance_scaling = VarianceScaling

_BY_NAME: dict[str, Any] = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "uniform": RandomUniform,
    "random_uniform": RandomUniform, "normal": RandomNormal, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": he_normal, "he_uniform": he_uniform,
    "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform, "orthogonal": Orthogonal,
    "identity": Identity, "variance_scaling": VarianceScaling,
}
for _cls in (Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal,
             GlorotUniform, GlorotNormal, Orthogonal, Identity, VarianceScaling):
    _BY_NAME[_cls.__name__] = _cls


def get(identifier: Any) -> Any:
    """The initializer named by ``identifier`` (an instance is returned as is; None stays
    None).

    Raises:
        ValueError: for an unknown name.
        TypeError: for anything that is neither a name nor callable.
    """
    if identifier is None or (callable(identifier) and not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown initializer: '{identifier}'. Please ensure you are "
                             "using a `keras.utils.custom_object_scope` and that this "
                             "object is included in the scope.")
        return _BY_NAME[identifier]()
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}")


__all__ = ["get", "Initializer", "Zeros", "Ones", "Constant", "RandomUniform",
           "RandomNormal", "TruncatedNormal", "GlorotUniform", "GlorotNormal", "Orthogonal",
           "Identity", "VarianceScaling", "he_normal", "he_uniform", "lecun_normal",
           "lecun_uniform", "zeros", "ones", "constant", "uniform", "random_uniform", "normal",
           "random_normal", "truncated_normal", "glorot_uniform", "glorot_normal",
           "orthogonal", "identity", "variance_scaling"]
