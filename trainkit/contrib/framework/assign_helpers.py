"""The rest of TF1's ``tf.contrib.framework`` variable helpers (also ``tf.contrib.slim``'s):
values and checkpoints assigned through placeholders, local/global variables by value,
variable filtering by regular expression, and the global-step check.

Assigning through placeholders keeps large values out of the graph: ``assign_from_values``
and ``assign_from_checkpoint`` return ``(assign_op, feed_dict)`` to run together.

Example:
    >>> op, feed = assign_from_checkpoint("/tmp/model.ckpt-100", slim.get_model_variables())
    >>> sess.run(op, feed)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops import control_flow_ops
from trainkit.ops import variables as _variables
from trainkit.ops.placeholders import placeholder
from trainkit.platform import tf_logging as logging
from trainkit.training import training_util
from trainkit.training.checkpoint_reader import NewCheckpointReader


def _untrained(initial_value: Any, collection: str, validate_shape: bool, name: str | None,
               use_resource: bool | None) -> Any:
    return _variables.Variable(initial_value, trainable=False, collections=[collection],
                               validate_shape=validate_shape, use_resource=use_resource,
                               name=name)


def local_variable(initial_value: Any, validate_shape: bool = True, name: str | None = None,
                   use_resource: bool | None = None) -> Any:
    """A non-trainable variable of ``initial_value`` in ``GraphKeys.LOCAL_VARIABLES``
    only (``tf.contrib.framework.local_variable``)."""
    return _untrained(initial_value, GraphKeys.LOCAL_VARIABLES, validate_shape, name,
                      use_resource)


def global_variable(initial_value: Any, validate_shape: bool = True, name: str | None = None,
                    use_resource: bool | None = None) -> Any:
    """A non-trainable variable of ``initial_value`` in ``GraphKeys.GLOBAL_VARIABLES``
    only (``tf.contrib.framework.global_variable``)."""
    return _untrained(initial_value, GraphKeys.GLOBAL_VARIABLES, validate_shape, name,
                      use_resource)


def get_variable_full_name(var: Any) -> str:
    """The name ``var`` has in checkpoints: its op name, or for one partition of a
    partitioned variable the whole variable's name."""
    info = getattr(var, "_save_slice_info", None)
    return info.full_name if info else var.op.name


def _placeholder_assign(var: Any) -> tuple[Any, Any]:
    ph = placeholder(var.dtype.base_dtype, shape=var.get_shape(),
                     name="placeholder/" + var.op.name)
    return ph, var.assign(ph)


def _find_global(name: str) -> Any:
    found = get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, name)
    if not found:
        raise ValueError(f"Variable {name} wasn't found")
    if len(found) == 1:
        return found[0]
    # get_collection filters by prefix (a regex match): take the exact name.
    for v in found:
        if v.op.name == name:
            return v
    raise ValueError(f"Variable {name} doesn't uniquely identify a variable")


def assign_from_values(var_names_to_values: Mapping[str, Any]) -> tuple[Any, dict]:
    """An op assigning each named global variable its value, fed through a
    ``placeholder/<var name>`` placeholder.

    Returns:
        ``(assign_op, feed_dict)``.

    Raises:
        ValueError: a name that matches no global variable, or several without one
            matching exactly; a value that does not reshape to the variable's shape.
    """
    feed: dict = {}
    ops = []
    for name in var_names_to_values:
        var = _find_global(name)
        ph, op = _placeholder_assign(var)
        ops.append(op)
        feed[ph] = np.asarray(var_names_to_values[name]).reshape(var.get_shape().as_list())
    return control_flow_ops.group(*ops), feed


def assign_from_values_fn(var_names_to_values: Mapping[str, Any]) -> Callable[[Any], Any]:
    """``fn(session)`` running :func:`assign_from_values`'s op with its feed (the op is
    built now)."""
    op, feed = assign_from_values(var_names_to_values)

    def callback(session: Any) -> Any:
        return session.run(op, feed)

    return callback


def _group_by_checkpoint_name(var_list: Any) -> dict[str, list]:
    grouped: dict[str, list] = {}
    if isinstance(var_list, tuple | list):
        for var in var_list:
            grouped.setdefault(get_variable_full_name(var), []).append(var)
    elif isinstance(var_list, Mapping):
        for name, value in var_list.items():
            grouped[name] = list(value) if isinstance(value, tuple | list) else [value]
    else:
        raise TypeError(f"var_list must be a list of variables or a dict from checkpoint "
                        f"names to variables, got {type(var_list).__name__}.")
    return grouped


def assign_from_checkpoint(model_path: str, var_list: Any,
                           ignore_missing_vars: bool = False) -> tuple[Any, dict]:
    """An op assigning ``var_list`` from the checkpoint ``model_path``, the values fed
    through ``placeholder/<var name>`` placeholders.

    Args:
        model_path: a checkpoint prefix (``tf.train.latest_checkpoint(dir)``).
        var_list: variables (looked up by their checkpoint names), or a dict from
            checkpoint names to a variable or a list of variables.
        ignore_missing_vars: skip, with a warning, names the checkpoint lacks.

    Returns:
        ``(assign_op, feed_dict)``.

    Raises:
        ValueError: a missing name (unless ignored) or a variable whose shape differs
            from the checkpoint's (TF's messages).
        NotFoundError / DataLossError: no readable checkpoint at ``model_path``.
    """
    grouped = _group_by_checkpoint_name(var_list)
    reader = NewCheckpointReader(model_path)
    feed: dict = {}
    ops = []
    for name, variables in grouped.items():
        if not reader.has_tensor(name):
            message = f"Checkpoint is missing variable [{name}]"
            if ignore_missing_vars:
                logging.warning(message)
                continue
            raise ValueError(message)
        value = reader.get_tensor(name)
        for var in variables:
            ph, op = _placeholder_assign(var)
            ops.append(op)
            info = getattr(var, "_save_slice_info", None)
            if info is None:
                if var.get_shape().as_list() != list(value.shape):
                    raise ValueError(
                        f"Total size of new array must be unchanged for {name} lh_shape: "
                        f"[{tuple(value.shape)}], rh_shape: [{var.get_shape()}]")
                feed[ph] = value
            else:
                index = tuple(slice(o, o + s) for o, s in zip(info.var_offset, info.var_shape,
                                                              strict=True))
                feed[ph] = value[index].reshape(info.var_shape)
    return control_flow_ops.group(*ops), feed


def filter_variables(var_list: Any, include_patterns: Any = None, exclude_patterns: Any = None,
                     reg_search: bool = True) -> list:
    """The variables whose names match one of ``include_patterns`` (all when None) and
    none of ``exclude_patterns``; ``re.search`` (anywhere in the name) or, with
    ``reg_search=False``, ``re.match`` (from its start)."""
    match = re.search if reg_search else re.match
    included = list(var_list) if include_patterns is None else [
        v for v in var_list if any(match(p, v.name) for p in include_patterns)]
    if exclude_patterns is None:
        return included
    return [v for v in included if not any(match(p, v.name) for p in exclude_patterns)]


def assert_or_get_global_step(graph: Any = None, global_step_tensor: Any = None) -> Any:
    """``global_step_tensor`` after checking it is a valid global step, or the graph's
    global step (None when it has none).

    Raises:
        TypeError: ``global_step_tensor`` is not an integer scalar variable or tensor.
    """
    if global_step_tensor is None:
        return training_util.get_global_step(graph)
    training_util.assert_global_step(global_step_tensor)
    return global_step_tensor


__all__ = ["local_variable", "global_variable", "get_variable_full_name",
           "assign_from_values", "assign_from_values_fn", "assign_from_checkpoint",
           "filter_variables", "assert_or_get_global_step"]
