"""``tf.train.warm_start``: variables of a new model take their initial values from an
earlier model's checkpoint (read when their initializers run, as
``init_from_checkpoint`` does), chosen by TF's ``vars_to_warm_start`` rules.

Example:
    >>> tk.train.warm_start("/tmp/old_model", vars_to_warm_start="dnn/.*")
    >>> sess.run(tk.global_variables_initializer())      # dnn/* from the checkpoint
"""

from __future__ import annotations

import os
import re
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.training.init_from_checkpoint import init_from_checkpoint


def select_variables(vars_to_warm_start: Any) -> list:
    """The variables ``vars_to_warm_start`` names, as TF picks them: a regex matches
    *trainable* variable names, a list of regexes or variables any global variable, None
    none."""
    graph = get_default_graph()
    spec = vars_to_warm_start
    if spec is None:
        return []
    if isinstance(spec, str):
        return [v for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
                if re.match(spec, v.op.name)]
    chosen = []
    for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
        for item in spec:
            if (item is v) or (isinstance(item, str) and re.match(item, v.op.name)):
                chosen.append(v)
                break
    return chosen


def warm_start(ckpt_to_initialize_from: Any, vars_to_warm_start: Any = ".*",
               var_name_to_vocab_info: dict | None = None,
               var_name_to_prev_var_name: dict | None = None) -> None:
    """Makes the selected variables' initializers read their values from the checkpoint
    (a prefix or a directory), under their own names or the names
    ``var_name_to_prev_var_name`` gives.

    Raises:
        ValueError: no checkpoint path, vocabulary remapping asked for (not supported), a
            rename for a variable that is not warm-started, or (from
            ``init_from_checkpoint``) a name missing from the checkpoint or a shape that
            differs.
    """
    if not ckpt_to_initialize_from:
        raise ValueError("`ckpt_to_initialize_from` MUST be set.")
    if var_name_to_vocab_info:
        raise ValueError("warm_start(var_name_to_vocab_info=...) (vocabulary remapping) is "
                         "not supported by trainkit.")
    renames = dict(var_name_to_prev_var_name or {})
    chosen = select_variables(vars_to_warm_start)
    names = {v.op.name for v in chosen}
    unused = sorted(set(renames) - names)
    if unused:
        raise ValueError(f"You provided the following variables in "
                         f"var_name_to_prev_var_name that were not used: {unused}.  Perhaps "
                         f"you misspelled them?")
    if chosen:
        init_from_checkpoint(os.fspath(ckpt_to_initialize_from),
                             {renames.get(v.op.name, v.op.name): v for v in chosen})


__all__ = ["warm_start", "select_variables"]
