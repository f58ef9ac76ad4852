"""``tk.contrib.framework``: ``arg_scope`` and the model-variable helpers of TF1's
``tf.contrib.framework`` (shared with ``tk.contrib.slim``)."""

from __future__ import annotations

from trainkit.contrib.framework.arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
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

__all__ = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
           "arg_scoped_arguments", "arg_scope_func_key", "variable", "model_variable",
           "add_model_variable", "get_variables", "get_model_variables",
           "get_local_variables", "get_trainable_variables", "get_variables_by_suffix",
           "get_variables_by_name", "get_unique_variable", "get_variables_to_restore",
           "assign_from_checkpoint_fn", "get_global_step", "create_global_step",
           "get_or_create_global_step"]
