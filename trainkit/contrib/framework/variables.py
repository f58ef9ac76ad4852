"""Model variables and variable queries of ``tf.contrib.framework`` / ``slim``:
``variable``, ``model_variable`` (also in ``MODEL_VARIABLES``), ``get_variables`` by
scope/suffix, ``get_variables_to_restore`` and ``assign_from_checkpoint_fn``.

Example:
    >>> w = model_variable("weights", [3, 4], initializer=tk.zeros_initializer())
    >>> init_fn = assign_from_checkpoint_fn(path, get_variables_to_restore(exclude=["fc"]))
    >>> init_fn(sess)
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from trainkit.contrib.framework.arg_scope import add_arg_scope
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops import variable_scope as vs
from trainkit.platform import tf_logging as logging
from trainkit.training.checkpoint_reader import NewCheckpointReader
from trainkit.training.saver import Saver
from trainkit.training.training_util import (
    create_global_step,
    get_global_step,
    get_or_create_global_step,
)


@add_arg_scope
def variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
             regularizer: Callable | None = None, trainable: bool = True,
             collections: Any = None, caching_device: Any = None, device: Any = None,
             partitioner: Any = None, custom_getter: Callable | None = None,
             use_resource: Any = None) -> Any:
    """``tk.get_variable`` in ``collections`` (default GLOBAL_VARIABLES), on ``device``."""
    collections = list(dict.fromkeys(collections if collections is not None
                                     else [GraphKeys.GLOBAL_VARIABLES]))
    getter = vs.get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=vs.get_variable_scope().reuse)
    ctx = (get_default_graph().device(device) if device is not None
           else contextlib.nullcontext())
    with ctx:
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, trainable=trainable, collections=collections,
                      caching_device=caching_device, partitioner=partitioner,
                      use_resource=use_resource)


@add_arg_scope
def model_variable(name: str, shape: Any = None, dtype: Any = _dt.float32,
                   initializer: Any = None, regularizer: Callable | None = None,
                   trainable: bool = True, collections: Any = None,
                   caching_device: Any = None, device: Any = None, partitioner: Any = None,
                   custom_getter: Callable | None = None, use_resource: Any = None) -> Any:
    """:func:`variable`, also added to GLOBAL_VARIABLES and MODEL_VARIABLES."""
    collections = list(collections or []) + [GraphKeys.GLOBAL_VARIABLES,
                                             GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype, initializer=initializer,
                    regularizer=regularizer, trainable=trainable, collections=collections,
                    caching_device=caching_device, device=device, partitioner=partitioner,
                    custom_getter=custom_getter, use_resource=use_resource)


def add_model_variable(var: Any) -> None:
    """Adds ``var`` to MODEL_VARIABLES (once)."""
    if var not in get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES):
        get_default_graph().add_to_collection(GraphKeys.MODEL_VARIABLES, var)


def get_variables(scope: Any = None, suffix: str | None = None,
                  collection: str = GraphKeys.GLOBAL_VARIABLES) -> list:
    """The variables of ``collection`` whose names start with ``scope`` (a regex, a
    string or a VariableScope) and end with ``suffix``."""
    if isinstance(scope, vs.VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return get_default_graph().get_collection(collection, scope)


def get_model_variables(scope: Any = None, suffix: str | None = None) -> list:
    """:func:`get_variables` over MODEL_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope: Any = None, suffix: str | None = None) -> list:
    """:func:`get_variables` over LOCAL_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope: Any = None, suffix: str | None = None) -> list:
    """:func:`get_variables` over TRAINABLE_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_by_suffix(suffix: str, scope: Any = None) -> list:
    """The global variables whose names end with ``suffix``."""
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name: str, scope: Any = None) -> list:
    """The global variables whose last name component is ``given_name``: scoped ones
    (``.../given_name``) and one made at the top level (``given_name`` itself).

    As in TF, the pattern is ``scope.*/given_name:|^given_name:``, so a top-level
    ``given_name`` is returned whatever ``scope`` says."""
    return get_variables(scope=scope, suffix=f"/{given_name}:|^{given_name}:")


def get_unique_variable(var_op_name: str) -> Any:
    """The one global variable named ``var_op_name``.

    Raises:
        ValueError: if there is none or more than one.
    """
    candidates = get_variables(scope=var_op_name)
    found = [v for v in candidates if v.op.name == var_op_name]
    if not found:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    if len(found) > 1:
        raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")
    return found[0]


def get_variables_to_restore(include: Any = None, exclude: Any = None) -> list:
    """The global variables under the ``include`` scopes (default all) but none under
    the ``exclude`` scopes.

    Raises:
        TypeError: if ``include`` or ``exclude`` is given and not a list or tuple.
    """
    if include is None:
        chosen = get_variables()
    else:
        if not isinstance(include, list | tuple):
            raise TypeError("include is provided but is not a list or a tuple.")
        chosen = [v for s in include for v in get_variables(s)]
    dropped: set[int] = set()
    if exclude is not None:
        if not isinstance(exclude, list | tuple):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        dropped = {id(v) for s in exclude for v in get_variables(s)}
    return [v for v in chosen if id(v) not in dropped]


def assign_from_checkpoint_fn(model_path: str, var_list: Any, ignore_missing_vars: bool = False,
                              reshape_variables: bool = False) -> Callable | None:
    """A function ``fn(session)`` restoring ``var_list`` (variables, or a dict from
    checkpoint names to variables) from ``model_path``; None when ``ignore_missing_vars``
    leaves nothing to restore.

    Raises:
        ValueError: if ``var_list`` is empty.
    """
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = NewCheckpointReader(model_path)
        by_name = var_list if isinstance(var_list, dict) else {v.op.name: v for v in var_list}
        var_list = {}
        for name, v in by_name.items():
            if reader.has_tensor(name):
                var_list[name] = v
            else:
                logging.warning("Variable %s missing in checkpoint %s", name, model_path)
        if not var_list:
            logging.warning("No Variables to restore")
            return None
    saver = Saver(var_list, reshape=reshape_variables)

    def callback(session: Any) -> None:
        saver.restore(session, model_path)

    return callback


__all__ = ["variable", "model_variable", "add_model_variable", "get_variables",
           "get_model_variables", "get_local_variables", "get_trainable_variables",
           "get_variables_by_suffix", "get_variables_by_name", "get_unique_variable",
           "get_variables_to_restore", "assign_from_checkpoint_fn", "get_global_step",
           "create_global_step", "get_or_create_global_step"]
