"""``slim.utils``: named outputs (end points) of the contrib layers and the shape-argument
helpers (``last_dimension``, ``two_element_tuple``, ...)."""

from __future__ import annotations

from trainkit.contrib.layers.dimensions import (
    channel_dimension,
    last_dimension,
    n_positive_integers,
    two_element_tuple,
)
from trainkit.contrib.layers.utils import (
    append_tensor_alias,
    collect_named_outputs,
    convert_collection_to_dict,
    get_tensor_aliases,
)

__all__ = ["collect_named_outputs", "append_tensor_alias", "get_tensor_aliases",
           "convert_collection_to_dict", "last_dimension", "channel_dimension",
           "two_element_tuple", "n_positive_integers"]
