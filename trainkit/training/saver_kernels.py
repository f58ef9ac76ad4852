"""The kernels behind ``Saver``: ``TkRestoreVariables`` (all-or-nothing restore of the
variables from a checkpoint) and ``TkGetRandomState``/``TkSetRandomState`` (the
session's random-op streams as JSON), plus the saveable object made of the latter two.

Example:
    >>> from trainkit.framework import registry
    >>> registry.get_op_def("TkRestoreVariables").stateful
    True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes, registry
from trainkit.framework.shapes import TensorShape
from trainkit.ops.philox_stream import restore_stream, stream_state
from trainkit.ops.placeholders import placeholder
from trainkit.training import checkpoint_format as fmt
from trainkit.training import saver_items as items_

#: the checkpoint key of the random-op streams
RANDOM_STATE_NAME = "_trainkit/random_state"


def _restore_variables(ctx: registry.KernelContext, prefix: np.ndarray) -> None:
    """Reads every variable of ``ctx.attrs['specs']`` from the checkpoint, then assigns.

    All keys, dtypes and shapes are checked before any variable changes (all or nothing).
    Assignment is in place when the buffer exists with the same shape and dtype, so
    anything holding the buffer sees the restored value.
    """
    path = prefix.item()
    path = path.decode("utf-8") if isinstance(path, bytes) else str(path)
    index = fmt.read_index(path)
    for spec in ctx.attrs["specs"]:
        key, _, shape, dtype = spec[:4]
        entry = index.entries.get(key)
        if entry is None:
            raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
        if entry.dtype != dtype:
            raise errors.InvalidArgumentError(
                None, None, f"tensor_name = {key}; expected dtype {dtype} does not equal "
                            f"original dtype {entry.dtype}")
        part = items_.spec_slice(spec)  # a shard: its block of the full tensor
        if part is not None and tuple(part[0]) != entry.shape:
            raise errors.InvalidArgumentError(
                None, None, f"Partitioned variable {key}: full shape {list(part[0])} does "
                            f"not match the checkpoint's shape {list(entry.shape)}")
        if part is None and shape is not None and tuple(shape) != entry.shape and not (
                ctx.attrs["reshape"] and np.prod(shape) == np.prod(entry.shape)):
            raise errors.InvalidArgumentError(
                None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                            f"{list(shape)} rhs shape= {list(entry.shape)} (variable {key})")
    values = fmt.read_tensors(index, list(dict.fromkeys(s[0] for s in ctx.attrs["specs"])))
    with ctx.state.lock:
        for spec in ctx.attrs["specs"]:
            key, var_key, shape = spec[:3]
            part = items_.spec_slice(spec)
            value = values[key] if part is None else items_.block(values[key], part)
            value = value if shape is None else value.reshape(shape)
            buf = ctx.state.variables.get(var_key)
            if buf is not None and buf.shape == value.shape and buf.dtype == value.dtype:
                np.copyto(buf, value)
            else:
                ctx.state.variables[var_key] = value


def _get_random_state(ctx: registry.KernelContext) -> np.ndarray:
    with ctx.state.lock:
        states = {k: stream_state(g) for k, g in ctx.state.rngs.items()}
    return np.array(json.dumps(states, sort_keys=True).encode("utf-8"), dtype=object)


def _set_random_state(ctx: registry.KernelContext, blob: np.ndarray) -> None:
    try:
        states = json.loads(bytes(blob.item()).decode("utf-8"))
        gens = {key: restore_stream(st) for key, st in states.items()}
    except (AttributeError, TypeError, ValueError, KeyError) as e:
        raise errors.DataLossError(None, None, f"Malformed random-generator state in "
                                               f"checkpoint: {e}") from None
    with ctx.state.lock:  # streams unused at save time start afresh, as they did then
        ctx.state.rngs.clear()
        ctx.state.rngs.update(gens)


registry.register_kernel("TkRestoreVariables", stateful=True)(_restore_variables)
registry.register_kernel("TkGetRandomState", stateful=True,
                         shape_fn=lambda op: [TensorShape([])])(_get_random_state)
registry.register_kernel("TkSetRandomState", stateful=True)(_set_random_state)
registry.not_differentiable("TkRestoreVariables", "TkGetRandomState", "TkSetRandomState")


class RandomStateSaveable:
    """The session's random-op generators as a saveable object: their JSON state (NumPy
    bit generators and TF's Philox streams) goes into the checkpoint beside the
    variables, so a resumed run draws what an uninterrupted one would."""

    name = RANDOM_STATE_NAME

    def __init__(self, graph: Any):
        self._get = graph.create_op("TkGetRandomState", [], [dtypes.string],
                                    name="random_state").outputs[0]
        self._feed = placeholder(dtypes.string, [], name="random_state_value")
        self._set = graph.create_op("TkSetRandomState", [self._feed], [],
                                    name="restore_random_state")

    def saveable_state(self, session: Any) -> dict[str, np.ndarray]:
        return {"json": np.asarray(session.run(self._get), dtype=object)}

    def restore_saveable_state(self, session: Any, state: Mapping[str, np.ndarray]) -> None:
        session.run(self._set, {self._feed: state["json"]})


__all__ = ["RANDOM_STATE_NAME", "RandomStateSaveable"]
