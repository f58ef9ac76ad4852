"""``tf.debugging.assert_shapes``: check tensors' shapes against specs of sizes and
shared symbolic dimensions (``("N", "Q")`` for ``x``, ``("N",)`` for ``y``: the same
``N``), statically where the shapes are known (``ValueError``) and at run time otherwise
(an op raising ``InvalidArgumentError``).

Example:
    >>> check = tk.debugging.assert_shapes([(x, ("N", "Q")), (y, ("N",))])
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Operation
from trainkit.ops import array_ops, control_flow_ops, math_ops
from trainkit.ops.check_ops import Assert


def _pairs(shapes: Any) -> list:
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    out = []
    for item in items:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            raise TypeError(f"assert_shapes takes (tensor, shape) pairs, got {item!r}.")
        t, spec = item
        spec = list(spec) if isinstance(spec, list | tuple) else [spec]
        for d in spec:
            if not (isinstance(d, str) or (isinstance(d, int) and not isinstance(d, bool))):
                raise TypeError(f"Shape dimensions must be ints or strings, got {d!r}.")
        out.append((conversion.convert_to_tensor(t), spec))
    return out


def assert_shapes(shapes: Any, data: Any = None, summarize: int | None = None,
                  message: str | None = None, name: str | None = None) -> Operation:
    """An op checking every ``(tensor, spec)`` pair (a no-op when all were checked while
    building). A spec lists each dimension's size (an int) or symbol (a string shared
    across tensors); a leading ``'*'`` or ``'...'`` allows any number of leading
    dimensions.

    Raises:
        ValueError: a rank or size that is known to be wrong while building.
        TypeError: a malformed pair or dimension.
    """
    prefix = f"{message}.  " if message else ""
    with name_scope(name, "assert_shapes"):
        pairs = _pairs(shapes)
        known: dict[str, tuple] = {}   # symbol -> (static size or None, tensor, dim)
        checks = []
        for t, spec in pairs:
            anyprefix = bool(spec) and spec[0] in ("*", "...")
            dims = spec[1:] if anyprefix else spec
            rank = t.shape.ndims
            if rank is not None and (rank != len(dims) if not anyprefix else rank < len(dims)):
                raise ValueError(f"{prefix}Specified by tensor {t.name}.  Tensor {t.name} "
                                 f"must have rank {len(dims)}.  Received rank {rank}, "
                                 f"shape {t.shape}")
            static = t.shape.as_list() if rank is not None else None
            dyn = array_ops.shape(t)
            for k, d in enumerate(dims):
                pos = k - len(dims)
                size = static[pos] if static is not None else None
                got = dyn[pos] if (static is None or size is None) else None
                if isinstance(d, int):
                    want, source = d, "explicitly"
                elif d in known:
                    want, src_t, src_k = known[d]
                    source = f"by tensor {src_t.name} dimension {src_k}"
                    if want is None:
                        want = array_ops.shape(src_t)[src_k]
                else:
                    known[d] = (size, t, pos % len(dims) if rank is None else
                                (rank + pos))
                    continue
                if size is not None and isinstance(want, int):
                    if size != want:
                        raise ValueError(
                            f"{prefix}Specified {source}.  Tensor {t.name} dimension "
                            f"{(rank + pos) if rank else pos} must have size {want}.  "
                            f"Received size {size}, shape {tuple(static or [])}")
                    continue
                have = got if got is not None else size
                cond = math_ops.equal(conversion.convert_to_tensor(have, dtype=_dt.int32),
                                      conversion.convert_to_tensor(want, dtype=_dt.int32))
                idx = (rank + pos) if rank is not None else pos
                info = [f"Specified {source}", f"Tensor {t.name} dimension", idx,
                        "must have size", want, "Received shape: ", dyn] + list(data or [])
                checks.append(Assert(cond, info, summarize=summarize))
        if not checks:
            return control_flow_ops.no_op()
        return control_flow_ops.group(*checks)


__all__ = ["assert_shapes"]
