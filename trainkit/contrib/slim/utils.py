"""``slim.utils``: named outputs (end points) of the contrib layers."""

from __future__ import annotations

from trainkit.contrib.layers.utils import (
    append_tensor_alias,
    collect_named_outputs,
    convert_collection_to_dict,
    get_tensor_aliases,
)

__all__ = ["collect_named_outputs", "append_tensor_alias", "get_tensor_aliases",
           "convert_collection_to_dict"]
