"""``tf.train.init_from_checkpoint``: variables take their initial values from a
checkpoint (read when their initializers run), mapped by TF1's ``assignment_map`` rules:

* ``{"ckpt_scope/": "scope/"}``: every ``get_variable`` variable under ``scope/`` from
  the same name under ``ckpt_scope/`` (``"/"`` on either side: the root);
* ``{"ckpt_scope/name": "scope/var"}`` or ``{"ckpt_scope/name": variable}``: one variable.

A partitioned variable (by name, as a ``PartitionedVariable`` or as the list of its
shards) is initialized shard by shard from its block of the full checkpoint tensor, so
the checkpoint may have been written with another partitioning, or none.

Example:
    >>> tk.train.init_from_checkpoint("/tmp/bert", {"bert/": "bert/"})
    >>> sess.run(tk.global_variables_initializer())      # bert/* from the checkpoint
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.partitioned_variables import PartitionedVariable, save_slice_info
from trainkit.ops.variable_scope import variable_store
from trainkit.ops.variables import Variable, replace_initial_value
from trainkit.training.checkpoint_reader import CheckpointReader, resolve_checkpoint


def _restore_tensor(prefix: str, name: str, var: Variable, part: Any = None) -> Tensor:
    with var.op.graph.name_scope(var.op.name + "/"):
        return make_op("CheckpointTensor", [], [var.dtype.base_dtype], name="read_checkpoint",
                       attrs={"prefix": prefix, "tensor_name": name, "slice": part},
                       shapes=[var.shape]).outputs[0]


def _set(var: Any, prefix: str, name: str, shapes: dict) -> None:
    if name not in shapes:
        raise ValueError(f"Tensor {name} is not found in {prefix} checkpoint "
                         f"{sorted(shapes)[:20]}")
    if isinstance(var, Variable):
        if not var.shape.is_compatible_with(TensorShape(shapes[name])):
            raise ValueError(f"Shape of variable {var.name} ({var.shape}) doesn't match with "
                             f"shape of tensor {name} ({shapes[name]}) from checkpoint "
                             "reader.")
        replace_initial_value(var, _restore_tensor(prefix, name, var))
        return
    for shard in var:  # the shards of a partitioned variable: each reads its block
        info = save_slice_info(shard)
        if info is None:
            raise ValueError(f"init_from_checkpoint: {shard.name} in a list of variables is "
                             "not a shard of a partitioned variable.")
        if info.full_shape != list(shapes[name]):
            raise ValueError(f"Shape of partitioned variable {info.full_name} "
                             f"({info.full_shape}) doesn't match with shape of tensor {name} "
                             f"({shapes[name]}) from checkpoint reader.")
        part = (tuple(info.var_offset), tuple(info.var_shape))
        replace_initial_value(shard, _restore_tensor(prefix, name, shard, part))


def _partitioned(name: str, store: dict) -> list[Variable] | None:
    """The shards ``name/part_<i>`` of a partitioned ``get_variable`` variable."""
    shards = []
    while f"{name}/part_{len(shards)}" in store:
        shards.append(store[f"{name}/part_{len(shards)}"])
    return shards or None


def _as_target(current: Any, store: dict) -> Any:
    if isinstance(current, Variable):
        return current
    if isinstance(current, PartitionedVariable):
        return list(current)
    if isinstance(current, list | tuple) and all(isinstance(v, Variable) for v in current):
        return list(current)
    found = store.get(current)
    return found if found is not None else _partitioned(current, store)


def init_from_checkpoint(ckpt_dir_or_file: str, assignment_map: dict) -> None:
    """Replaces the initializers of the mapped variables by reads from the checkpoint.

    Args:
        ckpt_dir_or_file: a checkpoint prefix or a directory with a ``checkpoint`` file.
        assignment_map: checkpoint name or scope -> variable name or scope, a variable,
            a ``PartitionedVariable`` or a list of its shards.

    Raises:
        ValueError: a name missing from the checkpoint, a shape mismatch, or a scope-only
            key mapped to a single variable name.
    """
    prefix = resolve_checkpoint(ckpt_dir_or_file)
    shapes = CheckpointReader(prefix).get_variable_to_shape_map()
    store = variable_store()
    for ckpt_name, current in sorted(assignment_map.items(), key=lambda kv: kv[0]):
        var = _as_target(current, store)
        if var is not None:
            _set(var, prefix, ckpt_name, shapes)
            continue
        if not ckpt_name.endswith("/"):
            raise ValueError(f"Assignment map with scope only name {current} should map to "
                             f"scope only {ckpt_name}. Should be 'scope/': 'other_scope/'.")
        scope = current[:current.rindex("/")] if "/" in current else ""
        done = set()
        for var_name in sorted(store):
            if scope and not var_name.startswith(scope + "/"):
                continue
            info = save_slice_info(store[var_name])
            name = var_name if info is None else info.full_name  # shards: their variable
            if name in done:
                continue
            done.add(name)
            rest = name[len(scope):]
            if current != "/":
                rest = rest[1:]
            full = rest if ckpt_name == "/" else ckpt_name + rest
            target = store[var_name] if info is None else _partitioned(name, store)
            _set(target, prefix, full.rstrip("/"), shapes)


@registry.register_kernel("CheckpointTensor", stateful=True)
def _checkpoint_tensor(ctx: registry.KernelContext) -> np.ndarray:
    a = ctx.attrs
    value = CheckpointReader(a["prefix"]).get_tensor(a["tensor_name"])
    part = a.get("slice")
    if part is None:
        return value
    offset, shape = part
    return np.ascontiguousarray(
        value[tuple(slice(int(o), int(o) + int(n)) for o, n in zip(offset, shape))])


registry.not_differentiable("CheckpointTensor")

__all__ = ["init_from_checkpoint"]
