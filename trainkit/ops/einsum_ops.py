"""``einsum``: a NumPy ``np.einsum`` kernel over an equation normalised at graph-build
time to explicit single-letter subscripts (``...`` becomes capital letters the equation
does not use, an implicit output becomes the letters used once, in order), so the
gradient rule
(``autodiff/einsum_grad.py``) can re-derive each input's equation.

Op type: ``Einsum`` (attr ``equation``: ``"ab,bc->ac"``, no ellipsis).

Example:
    >>> c = einsum("bij,bjk->bik", a, b)            # batched matmul
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

_SPARE = string.ascii_uppercase


def _expand_ellipsis(spec: str, rank: int | None, width: int, spare: str) -> str:
    if "..." not in spec:
        return spec
    if rank is None:
        raise ValueError("einsum with '...' needs inputs of known rank.")
    n = rank - (len(spec) - 3)
    return spec.replace("...", spare[width - n:width])


def normalize_equation(equation: str, ranks: list[int | None]) -> str:
    """``equation`` with ``...`` spelled out and an explicit output.

    Raises:
        ValueError: a malformed equation or one whose operand count or ranks don't fit.
    """
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    specs = lhs.split(",")
    if len(specs) != len(ranks):
        raise ValueError(f"einsum equation {equation!r} names {len(specs)} operands, got "
                         f"{len(ranks)}.")
    spare = "".join(c for c in _SPARE if c not in eq)
    widths = [r - (len(s) - 3) for s, r in zip(specs, ranks) if "..." in s and r is not None]
    width = max(widths, default=0)
    specs = [_expand_ellipsis(s, r, width, spare) for s, r in zip(specs, ranks)]
    if arrow:
        out = rhs.replace("...", spare[:width])
    else:
        letters = "".join(specs)
        out = spare[:width] + "".join(sorted(c for c in set(letters) - set(spare)
                                             if letters.count(c) == 1))
    for s, r in zip(specs, ranks):
        if not s.isalpha() and s != "" or r is not None and len(s) != r:
            raise ValueError(f"einsum equation {equation!r} does not fit operand ranks "
                             f"{ranks}.")
    if any(c not in "".join(specs) for c in out) or len(set(out)) != len(out):
        raise ValueError(f"einsum equation {equation!r}: bad output subscripts {rhs!r}.")
    return ",".join(specs) + "->" + out


def einsum(equation: str, *inputs: Any, name: str | None = None, **kwargs: Any) -> Tensor:
    """Sums products of ``inputs`` over the subscripts missing from the output, as
    ``np.einsum`` (``...`` broadcasting dims must match in size).

    Raises:
        ValueError: a malformed equation or inputs that don't fit it.
    """
    if len(inputs) == 1 and isinstance(inputs[0], list | tuple):
        inputs = tuple(inputs[0])
    xs = [conversion.convert_to_tensor(x, name="inputs") for x in inputs]
    xs = [xs[0]] + [conversion.convert_to_tensor(x, dtype=xs[0].dtype) for x in xs[1:]]
    eq = normalize_equation(equation, [x.shape.ndims for x in xs])
    lhs, out = eq.split("->")
    sizes: dict[str, Any] = {}
    for spec, x in zip(lhs.split(","), xs):
        dims = x.shape.as_list() if x.shape.ndims is not None else [None] * len(spec)
        for c, d in zip(spec, dims):
            if d is not None and sizes.get(c) not in (None, d):
                raise ValueError(f"einsum {equation!r}: subscript {c!r} has sizes "
                                 f"{sizes[c]} and {d}.")
            sizes[c] = d if d is not None else sizes.get(c)
    return make_op("Einsum", xs, [xs[0].dtype], name=name or "einsum",
                   attrs={"equation": eq}, shapes=[[sizes[c] for c in out]]).outputs[0]


@registry.register_kernel("Einsum")
def _einsum_kernel(ctx: registry.KernelContext, *xs: Any) -> np.ndarray:
    out = np.einsum(ctx.attrs["equation"], *xs)
    return np.asarray(out, dtype=np.result_type(*xs))


__all__ = ["einsum", "normalize_equation"]
