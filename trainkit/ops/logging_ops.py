"""Printing from inside the graph: ``print`` (TF2-style ``tf.print``, an op) and the TF1
``Print`` (an identity that prints as a side effect).

Example:
    >>> import trainkit as tk
    >>> x = tk.constant([1, 2, 3])
    >>> op = tk.print("x:", x)
    >>> with tk.Session() as sess:
    ...     sess.run(op)   # writes "x: [1 2 3]" to stderr
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.check_ops import format_value
from trainkit.ops.op_util import make_op


def _stream_spec(stream: Any) -> Any:
    # Keep the process streams symbolic so a stream swapped later (pytest capture,
    # redirect_stdout) is the one written to.
    if stream is sys.stderr or stream is sys.__stderr__:
        return "stderr"
    if stream is sys.stdout or stream is sys.__stdout__:
        return "stdout"
    if isinstance(stream, str):
        if stream in ("stderr", "stdout") or stream.startswith("file://"):
            return stream
        raise ValueError(f"print: unsupported output_stream {stream!r} (use sys.stderr, "
                         "sys.stdout, 'file://<path>', a writable object or a function).")
    if callable(getattr(stream, "write", None)) or callable(stream):
        return stream
    raise ValueError(f"print: unsupported output_stream {stream!r}.")


def _emit(spec: Any, text: str) -> None:
    if spec == "stderr":
        sys.stderr.write(text)
    elif spec == "stdout":
        sys.stdout.write(text)
    elif isinstance(spec, str):
        with open(spec[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text)
    elif callable(getattr(spec, "write", None)):
        spec.write(text)
    else:
        spec(text.rstrip("\n"))  # a logging function such as logging.info


def print_v2(*inputs: Any, **kwargs: Any) -> Operation:
    """An op printing ``inputs`` (tensors and plain Python values) when it runs.

    Args:
        *inputs: what to print, separated by ``sep``; tensors show at most ``summarize``
            leading and trailing entries per dimension.
        output_stream: ``sys.stderr`` (default), ``sys.stdout``, ``'file://<path>'``
            (appended), an object with ``write`` or a function taking the line.
        summarize: entries per dimension (default 3; -1 for all).
        sep: separator (default ``' '``). end: line end (default ``'\\n'``).
        name: the op name.

    Raises:
        TypeError: for unknown keyword arguments. ValueError: for a bad output_stream.
    """
    stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"print: unknown keyword arguments {sorted(kwargs)}")
    template: list = []
    tensors: list[Tensor] = []
    for x in inputs:
        if isinstance(x, Tensor) or conversion.is_tensor_like(x):
            template.append(len(tensors))
            tensors.append(conversion.convert_to_tensor(x))
        else:
            template.append(str(x))
    graph = tensors[0].graph if tensors else get_default_graph()
    return graph.create_op(
        "PrintV2", tensors, [], name=name or "PrintV2",
        attrs={"template": tuple(template), "output_stream": _stream_spec(stream),
               "summarize": summarize, "sep": sep, "end": end})


@registry.register_kernel("PrintV2", stateful=True)
def _print_v2_kernel(ctx: registry.KernelContext, *values: Any) -> None:
    a = ctx.attrs
    parts = [p if isinstance(p, str) else format_value(values[p], a["summarize"])
             for p in a["template"]]
    _emit(a["output_stream"], a["sep"].join(parts) + a["end"])


def Print(input_: Any, data: Any, message: str | None = None,  # noqa: N802 - TF name
          first_n: int | None = None, summarize: int | None = None,
          name: str | None = None) -> Tensor:
    """``input_`` unchanged; printing ``message`` and the ``data`` tensors to stderr each
    time it is computed (only the first ``first_n`` times when given).
    """
    t = conversion.convert_to_tensor(input_)
    data_t = [conversion.convert_to_tensor(d) for d in (data or [])]
    return make_op("Print", [t, *data_t], [t.dtype], name=name or "Print",
                   attrs={"message": message or "", "first_n": -1 if first_n is None
                          else int(first_n), "summarize": 3 if summarize is None
                          else int(summarize)}, shapes=[t.shape]).outputs[0]


@registry.register_kernel("Print", stateful=True, aliases_input=True)
def _print_kernel(ctx: registry.KernelContext, x: Any, *data: Any) -> Any:
    a = ctx.attrs
    if a["first_n"] >= 0:
        key = ("print_count", ctx.key)
        with ctx.state.lock:
            n = ctx.state.resources.get(key, 0)
            ctx.state.resources[key] = n + 1
        if n >= a["first_n"]:
            return x
    text = a["message"] + "".join(f"[{format_value(d, a['summarize'], v2=False)}]"
                                  for d in data)
    sys.stderr.write(text + "\n")
    return x


@registry.register_gradient("Print")
def _print_grad(op: Operation, grad: Tensor) -> list:
    return [grad] + [None] * (len(op.inputs) - 1)


registry.not_differentiable("PrintV2")

def timestamp(name: str | None = None) -> Tensor:
    """The time the op runs, in float64 seconds since the Unix epoch (a stateful op: it
    runs anew each time, never folded)."""
    return make_op("Timestamp", [], [_dt.float64], name=name or "Timestamp",
                   shapes=[TensorShape([])]).outputs[0]


@registry.register_kernel("Timestamp", stateful=True)
def _timestamp(ctx: registry.KernelContext) -> np.ndarray:
    return np.asarray(time.time(), dtype=np.float64)


registry.not_differentiable("Timestamp")

__all__ = ["print_v2", "Print", "timestamp"]
