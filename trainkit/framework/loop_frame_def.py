"""A :class:`LoopFrame` as JSON text, so ``While``/``WhileGrad`` ops survive a complete
``GraphDef`` export (``as_graph_def``, ``export_meta_graph``, ``Saver.save``'s ``.meta``).

The frame's ops are ordinary nodes of the exported graph (a loop body's ops are graph
ops that only the loop runs); the frame records which of them are its ops, condition,
loop variables, predicate, results, captures, saved tensors and hoisted constants, by
name. A gradient frame also names the forward ``While`` op whose frame it
differentiates. A nested loop needs nothing more: the inner ``While`` op is one of the
outer frame's ops, and its own frame is in its own node.

Example:
    >>> text = frame_to_json(while_op)
    >>> frame = frame_from_json(text, tensor=g.get_tensor_by_name,
    ...                         op=g.get_operation_by_name)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from trainkit.framework.loop_frame import LoopFrame
from trainkit.framework.tensor import Operation, Tensor

FORMAT = 1
_TENSOR_LISTS = ("loop_vars", "outputs", "captures", "saved")
_GRAD_TENSOR_LISTS = ("fed_saved", "accumulated", "stacked")


def frame_to_json(op: Operation) -> str:
    """The JSON text of the frame of ``op`` (a ``While`` or ``WhileGrad`` op).

    Raises:
        ValueError: if ``op`` carries no frame, or a gradient frame's first input is
            not the history of the ``While`` op it differentiates.
    """
    frame = op.attrs.get("frame")
    if not isinstance(frame, LoopFrame):
        raise ValueError(f"Op '{op.name}' ({op.type}) has no loop frame to export.")
    d: dict[str, Any] = {
        "format": FORMAT, "name": frame.name, "kind": frame.kind,
        "back_prop": bool(frame.back_prop), "version": frame.version,
        "ops": [o.name for o in frame.ops],
        "cond_ops": [o.name for o in _in_graph_order(frame.cond_ops)],
        "hoisted": [o.name for o in _in_graph_order(frame.hoisted)],
        "pred": None if frame.pred is None else frame.pred.name,
    }
    for key in _TENSOR_LISTS + _GRAD_TENSOR_LISTS:
        d[key] = [t.name for t in getattr(frame, key)]
    if frame.kind == "grad":
        fwd = op.inputs[0].op if op.inputs else None
        if fwd is None or fwd.attrs.get("frame") is not frame.forward:
            raise ValueError(f"Op '{op.name}' ({op.type}): its first input is not the "
                             "history of the While op whose gradient it runs.")
        d["forward"] = fwd.name
    return json.dumps(d)


def _in_graph_order(ops: set[Operation]) -> list[Operation]:
    return sorted(ops, key=lambda o: o._id)


def frame_from_json(text: str, tensor: Callable[[str], Tensor],
                    op: Callable[[str], Operation]) -> LoopFrame:
    """Rebuilds a :class:`LoopFrame` from :func:`frame_to_json`'s text.

    Args:
        text: the JSON text.
        tensor: looks up a tensor by its exported name (``'while/add:0'``).
        op: looks up an op by its exported name; for a gradient frame the forward
            ``While`` op must already carry its rebuilt frame.

    Raises:
        ValueError: if the text is not a frame record this version reads, or a
            gradient frame's forward op has no frame.
    """
    try:
        d = json.loads(text)
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise TypeError(f"unknown format {d.get('format') if isinstance(d, dict) else d!r}")
        frame = LoopFrame(str(d["name"]), str(d["kind"]))
        for o in d["ops"]:
            frame.add(op(o))
        frame.cond_ops = {op(o) for o in d["cond_ops"]}
        frame.hoisted = {op(o) for o in d["hoisted"]}
        frame.pred = None if d["pred"] is None else tensor(d["pred"])
        for key in _TENSOR_LISTS + _GRAD_TENSOR_LISTS:
            setattr(frame, key, [tensor(n) for n in d[key]])
        frame.back_prop = bool(d["back_prop"])
        frame.version = int(d["version"])
    except (KeyError, TypeError, json.JSONDecodeError) as e:
        raise ValueError(f"cannot read its frame record ({type(e).__name__}: {e}).") from None
    if frame.kind == "grad":
        fwd = op(d.get("forward", ""))
        frame.forward = fwd.attrs.get("frame")
        if not isinstance(frame.forward, LoopFrame):
            raise ValueError(f"The gradient loop '{frame.name}' differentiates op "
                             f"'{fwd.name}', which has no loop frame.")
    return frame


def frame_node_names(text: str) -> set[str]:
    """The names of the nodes a frame record refers to (its ops and the ops of its
    tensors; for a gradient frame also the forward ``While``): what a pruned
    ``GraphDef`` must keep for the loop to be rebuilt. Empty for an unreadable record."""
    try:
        d = json.loads(text)
        names = set(d["ops"]) | set(d["cond_ops"]) | set(d["hoisted"])
        tensors = [d["pred"]] if d["pred"] is not None else []
        for key in _TENSOR_LISTS + _GRAD_TENSOR_LISTS:
            tensors += d[key]
        names |= {t.rpartition(":")[0] for t in tensors}
        if "forward" in d:
            names.add(d["forward"])
    except (KeyError, TypeError, json.JSONDecodeError):
        return set()
    return names


__all__ = ["frame_to_json", "frame_from_json", "frame_node_names"]
