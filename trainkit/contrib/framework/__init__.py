"""``tk.contrib.framework``: ``arg_scope`` and the model-variable helpers of TF1's
``tf.contrib.framework`` (shared with ``tk.contrib.slim``), plus the names it re-exported
from the core (``nest``, ``load_checkpoint``, ``list_variables``, ``get_name_scope``,
...)."""

from __future__ import annotations

from trainkit.contrib.framework import nest
from trainkit.contrib.framework.arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from trainkit.contrib.framework.assign_helpers import (
    assert_or_get_global_step,
    assign_from_checkpoint,
    assign_from_values,
    assign_from_values_fn,
    filter_variables,
    get_variable_full_name,
    global_variable,
    local_variable,
)
from trainkit.contrib.framework.variables import (
    add_model_variable,
    assign_from_checkpoint_fn,
    create_global_step,
    get_global_step,
    get_local_variables,
    get_model_variables,
    get_or_create_global_step,
    get_trainable_variables,
    get_unique_variable,
    get_variables,
    get_variables_by_name,
    get_variables_by_suffix,
    get_variables_to_restore,
    model_variable,
    variable,
)
from trainkit.framework.composite_conversion import convert_to_tensor_or_sparse_tensor
from trainkit.framework.default_graph import get_name_scope
from trainkit.ops.script_ops import py_func
from trainkit.ops.tensor_checks import is_tensor
from trainkit.training.checkpoint_reader import list_variables, load_checkpoint, load_variable
from trainkit.training.init_from_checkpoint import init_from_checkpoint
from trainkit.training.training_util import assert_global_step

#: the names ``tf.contrib.slim`` does not re-export (they are not variable helpers).
NOT_SLIM = ("nest", "get_name_scope", "convert_to_tensor_or_sparse_tensor", "is_tensor",
            "py_func", "init_from_checkpoint", "list_variables", "load_checkpoint",
            "load_variable")

__all__ = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
           "arg_scoped_arguments", "arg_scope_func_key", "variable", "model_variable",
           "add_model_variable", "get_variables", "get_model_variables",
           "get_local_variables", "get_trainable_variables", "get_variables_by_suffix",
           "get_variables_by_name", "get_unique_variable", "get_variables_to_restore",
           "assign_from_checkpoint_fn", "get_global_step", "create_global_step",
           "get_or_create_global_step", "local_variable", "global_variable",
           "get_variable_full_name", "assign_from_values", "assign_from_values_fn",
           "assign_from_checkpoint", "filter_variables", "assert_or_get_global_step",
           "assert_global_step", *NOT_SLIM]
