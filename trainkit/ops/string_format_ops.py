"""``tf.strings.format``: a scalar string from a template whose placeholders are replaced
by tensor values, written as ``tf.print`` writes them (``ops/tensor_summary.py``).

Example:
    >>> tf.strings.format("loss = {}, w = {}", [loss, w])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import tensor_summary
from trainkit.ops.op_util import make_op


def string_format(template: str, inputs: Any, placeholder: str = "{}", summarize: int = 3,
                  name: str | None = None) -> Tensor:
    """``template`` with its ``placeholder``s replaced, in order, by the values of
    ``inputs`` (a tensor or a list of them), each at most ``summarize`` entries at both
    ends of every dimension (-1: all).

    Raises:
        ValueError: the number of placeholders differs from the number of inputs.
    """
    items = list(inputs) if isinstance(inputs, list | tuple) else [inputs]
    tensors = [conversion.convert_to_tensor(t) for t in items]
    pieces = str(template).split(placeholder)
    if len(pieces) - 1 != len(tensors):
        raise ValueError(f"The template expects {len(pieces) - 1} tensors, but the inputs "
                         f"only has {len(tensors)}. Please ensure the number of placeholders "
                         f"in template matches inputs length.")
    return make_op("StringFormat", tensors, [_dt.string], name=name or "StringFormat",
                   attrs={"pieces": tuple(pieces), "summarize": int(summarize)},
                   shapes=[[]]).outputs[0]


@registry.register_kernel("StringFormat")
def _string_format(ctx: registry.KernelContext, *values: Any) -> np.ndarray:
    pieces, n = ctx.attrs["pieces"], ctx.attrs["summarize"]
    out = [pieces[0]]
    for v, piece in zip(values, pieces[1:]):
        out.append(tensor_summary.summarize(v, n, v2=True))
        out.append(piece)
    return np.asarray("".join(out).encode("utf-8"), dtype=object)


registry.not_differentiable("StringFormat")

__all__ = ["string_format"]
