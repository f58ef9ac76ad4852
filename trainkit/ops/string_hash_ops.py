"""String hash buckets: ``string_to_hash_bucket_fast`` (FarmHash ``Fingerprint64``),
``string_to_hash_bucket`` (TF's legacy ``Hash64``) and ``string_to_hash_bucket_strong``
(keyed SipHash-2-4). A string's bucket is its hash modulo ``num_buckets``, equal to TF1's.

Op types: ``StringToHashBucketFast``, ``StringToHashBucket``, ``StringToHashBucketStrong``.

Example:
    >>> ids = tk.string_to_hash_bucket_fast(["paris", "rome"], 100)   # int64 [2]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.hash_functions import fingerprint64, hash64, siphash24
from trainkit.ops.op_util import make_op


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _hash_op(op_type: str, x: Any, num_buckets: int, name: str | None,
             attrs: dict | None = None) -> Tensor:
    x = conversion.convert_to_tensor(x, name="input")
    if x.dtype is not _dt.string:
        raise TypeError(f"{op_type}: input must be a string tensor, got {x.dtype.name}.")
    if not isinstance(num_buckets, int | np.integer) or num_buckets < 1:
        raise ValueError(f"Attr 'num_buckets' of '{op_type}' Op passed {num_buckets} less "
                         "than minimum 1.")
    attrs = {"num_buckets": int(num_buckets), **(attrs or {})}
    return make_op(op_type, [x], [_dt.int64], name=name or op_type, attrs=attrs,
                   shapes=[x.shape]).outputs[0]


def string_to_hash_bucket_fast(input: Any, num_buckets: int,  # noqa: A002 - TF's name
                               name: str | None = None) -> Tensor:
    """Each string's FarmHash ``Fingerprint64`` modulo ``num_buckets`` (int64, same shape).

    Raises:
        TypeError: a non-string input. ValueError: ``num_buckets < 1``.
    """
    return _hash_op("StringToHashBucketFast", input, num_buckets, name)


def string_to_hash_bucket(string_tensor: Any = None, num_buckets: int | None = None,
                          name: str | None = None, input: Any = None  # noqa: A002
                          ) -> Tensor:
    """Each string's legacy TF ``Hash64`` modulo ``num_buckets`` (int64, same shape);
    TF recommends the ``_fast`` variant, which hashes differently.

    Raises:
        TypeError: a non-string input. ValueError: ``num_buckets < 1``.
    """
    x = input if string_tensor is None else string_tensor
    return _hash_op("StringToHashBucket", x, num_buckets, name)


def string_to_hash_bucket_strong(input: Any, num_buckets: int,  # noqa: A002 - TF's name
                                 key: Any, name: str | None = None) -> Tensor:
    """Each string's SipHash-2-4 under the two-int ``key`` modulo ``num_buckets``.

    Raises:
        TypeError: a non-string input. ValueError: ``num_buckets < 1`` or a ``key`` that
            is not two ints.
    """
    k = [int(v) for v in key]
    if len(k) != 2:
        raise ValueError(f"Invalid key length {len(k)}: string_to_hash_bucket_strong needs "
                         "a key of two ints.")
    return _hash_op("StringToHashBucketStrong", input, num_buckets, name, {"key": k})


def _kernel(hash_fn: Callable[[dict, bytes], int]) -> Callable:
    def kernel(ctx: registry.KernelContext, values: np.ndarray) -> np.ndarray:
        arr = np.asarray(values, dtype=object)
        n = ctx.attrs["num_buckets"]
        out = np.fromiter((hash_fn(ctx.attrs, _as_bytes(v)) % n for v in arr.reshape(-1)),
                          dtype=np.uint64, count=arr.size)
        return out.astype(np.int64).reshape(arr.shape)
    return kernel


registry.register_kernel("StringToHashBucketFast")(_kernel(lambda a, s: fingerprint64(s)))
registry.register_kernel("StringToHashBucket")(_kernel(lambda a, s: hash64(s)))
registry.register_kernel("StringToHashBucketStrong")(
    _kernel(lambda a, s: siphash24((a["key"][0], a["key"][1]), s)))
registry.not_differentiable("StringToHashBucketFast", "StringToHashBucket",
                            "StringToHashBucketStrong")

__all__ = ["string_to_hash_bucket_fast", "string_to_hash_bucket",
           "string_to_hash_bucket_strong"]
