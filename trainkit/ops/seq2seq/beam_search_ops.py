"""``gather_tree`` (``tf.contrib.seq2seq.gather_tree``): the token sequences of a beam
search, read backwards through the parent pointers, and ``tile_batch``.

For batch ``b`` and beam ``k`` with ``L = min(max_time, max_sequence_lengths[b])``:
``out[L-1, b, k] = step_ids[L-1, b, k]``, and going back ``p = parent_ids[t+1, b, ...]``,
``out[t, b, k] = step_ids[t, b, p]``. Steps past ``L`` and every step after the first
``end_token`` of a beam are ``end_token`` (TF 1.15's kernel).

Example:
    >>> ids = gather_tree(step_ids, parent_ids, max_sequence_lengths=lens, end_token=1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.math_extras import sequence_mask
from trainkit.ops.op_util import make_op


def gather_tree(step_ids: Any, parent_ids: Any, max_sequence_lengths: Any, end_token: Any,
                name: str | None = None) -> Tensor:
    """Follows the parent pointers of a beam search back from each beam's last step.

    Args:
        step_ids: int32 ``[max_time, batch, beam]`` ids chosen at each step.
        parent_ids: int32 ``[max_time, batch, beam]`` beam each id extends.
        max_sequence_lengths: int32 ``[batch]``.
        end_token: int32 scalar.

    Returns:
        int32 ``[max_time, batch, beam]``: the full sequence of every final beam.

    Raises:
        ValueError: shapes that do not fit. InvalidArgumentError (at run time): a parent
            id outside ``[0, beam]``.
    """
    with name_scope(name, "GatherTree"):
        ids = conversion.convert_to_tensor(step_ids, dtype=_dt.int32, name="step_ids")
        parents = conversion.convert_to_tensor(parent_ids, dtype=_dt.int32, name="parent_ids")
        lens = conversion.convert_to_tensor(max_sequence_lengths, dtype=_dt.int32,
                                            name="max_sequence_lengths")
        end = conversion.convert_to_tensor(end_token, dtype=_dt.int32, name="end_token")
        if ids.shape.ndims not in (None, 3) or not ids.shape.is_compatible_with(parents.shape):
            raise ValueError(f"step_ids must be [max_time, batch, beam] and match parent_ids, "
                             f"got {ids.shape} and {parents.shape}.")
        if lens.shape.ndims not in (None, 1) or end.shape.ndims not in (None, 0):
            raise ValueError(f"max_sequence_lengths must be a vector and end_token a scalar, "
                             f"got {lens.shape} and {end.shape}.")
        return make_op("GatherTree", [ids, parents, lens, end], [_dt.int32], name="GatherTree",
                       shapes=[ids.shape.merge_with(parents.shape)]).outputs[0]


@registry.register_kernel("GatherTree")
def _gather_tree_kernel(ctx: registry.KernelContext, ids: Any, parents: Any, lens: Any,
                        end: Any) -> np.ndarray:
    ids, parents, lens = np.asarray(ids), np.asarray(parents), np.asarray(lens)
    if ids.shape != parents.shape or ids.ndim != 3 or lens.shape != ids.shape[1:2]:
        raise errors.InvalidArgumentError(
            None, None, f"GatherTree: step_ids {ids.shape}, parent_ids {parents.shape} and "
                        f"max_sequence_lengths {lens.shape} do not fit [T, B, beam], [B].")
    max_time, batch, beam = ids.shape
    end = int(end)
    out = np.full(ids.shape, end, np.int32)
    for b in range(batch):
        length = min(max_time, int(lens[b]))
        if length <= 0:
            continue
        for k in range(beam):
            out[length - 1, b, k] = ids[length - 1, b, k]
            parent = int(parents[length - 1, b, k])
            for t in range(length - 2, -1, -1):
                if parent < 0 or parent > beam:
                    raise errors.InvalidArgumentError(
                        None, None, f"Saw invalid parent id {parent} at (batch, beam, time) "
                                    f"= ({b}, {k}, {t})")
                out[t, b, k] = ids[t, b, parent]
                parent = int(parents[t, b, parent])
            done = np.cumsum(out[:length, b, k] == end) > 0
            after = np.concatenate([[False], done[:-1]])
            out[:length, b, k][after] = end
    return out


registry.not_differentiable("GatherTree")


def gather_tree_from_array(t: Any, parent_ids: Tensor, sequence_length: Tensor) -> Tensor:
    """Reorders ``t`` (``[max_time, batch * beam, ...]``, one entry per step and beam, e.g.
    a stacked alignment history) along the beams' parent chains, as :func:`gather_tree`
    reorders ids; steps past a beam's ``sequence_length`` (``[batch, beam]``) keep their
    own beam."""
    parent_ids = conversion.convert_to_tensor(parent_ids, dtype=_dt.int32, name="parent_ids")
    sequence_length = conversion.convert_to_tensor(sequence_length, name="sequence_length")
    max_time = array_ops.shape(parent_ids)[0]
    batch = array_ops.shape(parent_ids)[1]
    beam = parent_ids.shape.as_list()[2]
    beam_ids = array_ops.tile(array_ops.reshape(array_ops.range(beam), [1, 1, beam]),
                              array_ops.stack([max_time, batch, 1]))
    max_lengths = math_ops.cast(math_ops.reduce_max(sequence_length, axis=1), _dt.int32)
    sorted_ids = gather_tree(beam_ids, parent_ids, max_lengths, beam + 1)
    in_bounds = array_ops.transpose(sequence_mask(sequence_length, maxlen=max_time), [2, 0, 1])
    sorted_ids = math_ops.where(in_bounds, sorted_ids, beam_ids)
    time_ind = array_ops.tile(array_ops.reshape(array_ops.range(max_time), [-1, 1, 1]),
                              array_ops.stack([1, batch, beam]))
    batch_ind = array_ops.transpose(array_ops.tile(
        array_ops.reshape(array_ops.range(batch), [-1, 1, 1]),
        array_ops.stack([1, max_time, beam])), [1, 0, 2])
    indices = array_ops.stack([time_ind, batch_ind, sorted_ids], -1)
    t = conversion.convert_to_tensor(t)
    grouped = array_ops.reshape(t, array_ops.stack([max_time, batch, beam, -1]))
    out = array_ops.reshape(array_ops.gather_nd(grouped, indices), array_ops.shape(t))
    out.set_shape(t.shape)
    return out


def _tile_one(t: Any, multiplier: int) -> Tensor:
    t = conversion.convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    shape = array_ops.shape(t)
    tiled = array_ops.tile(array_ops.expand_dims(t, 1), tiling)
    tiled = array_ops.reshape(tiled, array_ops.concat([shape[:1] * multiplier, shape[1:]], 0))
    b = t.shape.as_list()[0]
    tiled.set_shape(TensorShape([None if b is None else b * multiplier]).concatenate(
        t.shape[1:]))
    return tiled


def tile_batch(t: Any, multiplier: int, name: str | None = None) -> Any:
    """Repeats each batch entry ``multiplier`` times, consecutively: ``[a, b]`` with 2 is
    ``[a, a, b, b]`` (``tf.contrib.seq2seq.tile_batch``; prepares encoder outputs and
    states for a :class:`BeamSearchDecoder`).

    Raises:
        ValueError: a tensor of unknown rank or a scalar.
    """
    with name_scope(name, "tile_batch"):
        return nest.map_structure(lambda x: _tile_one(x, multiplier), t)


__all__ = ["gather_tree", "gather_tree_from_array", "tile_batch"]
