"""What the ``tf.contrib.layers`` functions share: the variable getter that makes every
layer variable a model variable under contrib's names (``kernel`` -> ``weights``, ...),
``variables_collections`` handling and the named-output collections (``slim.utils``).

Tensors cannot carry new attributes here, so an output's aliases are kept in a weak map
read by :func:`get_tensor_aliases` and :func:`convert_collection_to_dict`.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops import variable_scope as vs

_ALIASES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class ModelVariableGetter:
    """A custom getter adding GLOBAL_VARIABLES and MODEL_VARIABLES to each variable's
    collections, renaming its last name component by ``rename`` and remembering the
    variables it returned by (renamed) short name in :attr:`made`."""

    def __init__(self, rename: dict[str, str] | None = None):
        self.rename = rename or {}
        self.made: dict[str, Any] = {}

    def __call__(self, getter: Callable, name: str, *args: Any, **kwargs: Any) -> Any:
        parts = name.split("/")
        parts[-1] = self.rename.get(parts[-1], parts[-1])
        collections = list(kwargs.get("collections") or [])
        for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES):
            if key not in collections:
                collections.append(key)
        kwargs["collections"] = collections
        new_name = "/".join(parts)
        # TF's layers regularize under the layer's own name (fully_connected/kernel/
        # Regularizer/...), before the rename, and only a variable they create.
        regularizer = kwargs.pop("regularizer", None)
        created = new_name not in vs.variable_store()
        var = getter(new_name, *args, **kwargs)
        if regularizer is not None and created:
            g = get_default_graph()
            with g.name_scope(name + "/Regularizer/"):
                loss = regularizer(var)
            if loss is not None:
                g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        self.made[parts[-1]] = var
        return var


def get_variable_collections(variables_collections: Any, name: str) -> list | None:
    """The collections a layer's ``name`` variable joins: ``variables_collections[name]``
    for a dict, else ``variables_collections`` itself."""
    if isinstance(variables_collections, dict):
        found = variables_collections.get(name)
    else:
        found = variables_collections
    if isinstance(found, str):
        found = [found]
    return found


def add_variable_to_collections(var: Any, variables_collections: Any, name: str) -> None:
    """Adds ``var`` to the collections :func:`get_variable_collections` gives (once)."""
    if var is None:
        return
    g = get_default_graph()
    for key in get_variable_collections(variables_collections, name) or []:
        if var not in g.get_collection(key):
            g.add_to_collection(key, var)


def append_tensor_alias(tensor: Any, alias: str) -> Any:
    """Records ``alias`` (without a trailing '/') as a name of ``tensor``."""
    alias = alias[:-1] if alias.endswith("/") else alias
    _ALIASES.setdefault(tensor, []).append(alias)
    return tensor


def get_tensor_aliases(tensor: Any) -> list[str]:
    """The aliases recorded for ``tensor``, else its op's name."""
    return list(_ALIASES.get(tensor) or [tensor.op.name])


def collect_named_outputs(collections: Any, alias: str, outputs: Any) -> Any:
    """Tags ``outputs`` with ``alias`` and adds it to ``collections`` (skipped when
    ``collections`` is empty); returns ``outputs``."""
    if collections:
        append_tensor_alias(outputs, alias)
        g = get_default_graph()
        for key in [collections] if isinstance(collections, str) else collections:
            g.add_to_collection(key, outputs)
    return outputs


def convert_collection_to_dict(collection: str, clear_collection: bool = False
                               ) -> OrderedDict:
    """``{alias: tensor}`` over the tensors of ``collection`` (slim's end points)."""
    g = get_default_graph()
    out: OrderedDict = OrderedDict()
    for t in g.get_collection(collection):
        for alias in get_tensor_aliases(t):
            out[alias] = t
    if clear_collection:
        g.clear_collection(collection)
    return out


__all__ = ["ModelVariableGetter", "get_variable_collections", "add_variable_to_collections",
           "append_tensor_alias", "get_tensor_aliases", "collect_named_outputs",
           "convert_collection_to_dict"]
