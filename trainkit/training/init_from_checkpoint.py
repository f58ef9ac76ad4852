"""``tf.train.init_from_checkpoint``: variables take their initial values from a
checkpoint (read when their initializers run), mapped by TF1's ``assignment_map`` rules:

* ``{"ckpt_scope/": "scope/"}``: every ``get_variable`` variable under ``scope/`` from
  the same name under ``ckpt_scope/`` (``"/"`` on either side: the root);
* ``{"ckpt_scope/name": "scope/var"}`` or ``{"ckpt_scope/name": variable}``: one variable.

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
from trainkit.ops.variable_scope import variable_store
from trainkit.ops.variables import Variable, replace_initial_value
from trainkit.training.checkpoint_reader import CheckpointReader, resolve_checkpoint


def _restore_tensor(prefix: str, name: str, var: Variable) -> Tensor:
    with var.op.graph.name_scope(var.op.name + "/"):
            return make_op("CheckpointTensor", [], [var.dtype.base_dtype], name="read_checkpoint",
                       attrs={"prefix": prefix, "tensor_name": name},
                       shapes=[var.shape]).outputs[0]


def _set(var: Any, prefix: str, name: str, shapes: dict) -> None:
    if name not in shapes:
        raise ValueError(f"Tensor {name} is not found in {prefix} checkpoint "
                         f"{sorted(shapes)[:20]}")
    if not var.shape.is_compatible_with(TensorShape(shapes[name])):
        raise ValueError(f"Shape of variable {var.name} ({var.shape}) doesn't match with "
                         f"shape of tensor {name} ({shapes[name]}) from checkpoint reader.")
    replace_initial_value(var, _restore_tensor(prefix, name, var))


def init_from_checkpoint(ckpt_dir_or_file: str, assignment_map: dict) -> None:
    """Replaces the initializers of the mapped variables by reads from the checkpoint.

    Raises:
        ValueError: a name missing from the checkpoint, a shape mismatch, or a scope-only
            key mapped to a single variable name.
    """
    prefix = resolve_checkpoint(ckpt_dir_or_file)
    shapes = CheckpointReader(prefix).get_variable_to_shape_map()
    store = variable_store()
    for ckpt_name, current in sorted(assignment_map.items(), key=lambda kv: kv[0]):
        var = current if isinstance(current, Variable) else store.get(current)
        if var is not None:
            _set(var, prefix, ckpt_name, shapes)
            continue
        if not ckpt_name.endswith("/"):
            raise ValueError(f"Assignment map with scope only name {current} should map to "
                             f"scope only {ckpt_name}. Should be 'scope/': 'other_scope/'.")
        scope = current[:current.rindex("/")] if "/" in current else ""
        for var_name in sorted(store):
            if scope and not var_name.startswith(scope + "/"):
                continue
            rest = var_name[len(scope):]
            if current != "/":
                rest = rest[1:]
            full = rest if ckpt_name == "/" else ckpt_name + rest
            _set(store[var_name], prefix, full.rstrip("/"), shapes)


@registry.register_kernel("CheckpointTensor", stateful=True)
def _checkpoint_tensor(ctx: registry.KernelContext) -> np.ndarray:
    a = ctx.attrs
    return CheckpointReader(a["prefix"]).get_tensor(a["tensor_name"])


registry.not_differentiable("CheckpointTensor")

__all__ = ["init_from_checkpoint"]
