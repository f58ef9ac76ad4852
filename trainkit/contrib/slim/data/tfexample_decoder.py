"""``slim.tfexample_decoder``: decodes serialized ``tf.train.Example`` records into named
items through item handlers (re-exported here, as TF's module has them).

Example:
    >>> decoder = TFExampleDecoder(
    ...     {"image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
    ...      "image/format": tf.FixedLenFeature((), tf.string, default_value="png"),
    ...      "image/class/label": tf.FixedLenFeature([], tf.int64)},
    ...     {"image": Image(shape=[28, 28, 1], channels=1),
    ...      "label": Tensor("image/class/label")})
    >>> image, label = decoder.decode(serialized, ["image", "label"])
"""

from __future__ import annotations

from typing import Any

from trainkit.contrib.slim.data.data_decoder import DataDecoder
from trainkit.contrib.slim.data.item_handlers import (
    BackupHandler,
    BoundingBox,
    Image,
    ItemHandler,
    ItemHandlerCallback,
    LookupTensor,
    SparseTensor,
    Tensor,
)
from trainkit.data import parsing_ops
from trainkit.ops import shape_ops


class TFExampleDecoder(DataDecoder):
    """Parses one Example with ``keys_to_features`` and builds each item with its
    handler.

    Args:
        keys_to_features: feature key -> ``FixedLenFeature`` / ``VarLenFeature``.
        items_to_handlers: item name -> :class:`ItemHandler` (reading its keys).
    """

    def __init__(self, keys_to_features: dict, items_to_handlers: dict):
        self._keys_to_features = keys_to_features
        self._items_to_handlers = items_to_handlers

    def list_items(self) -> list:
        """The item names, in ``items_to_handlers`` order."""
        return list(self._items_to_handlers)

    def decode(self, serialized_example: Any, items: Any = None) -> list:
        """The tensors of ``items`` (all items when empty) for one serialized Example.

        Raises:
            KeyError: an item without a handler, or a handler key without a feature.
        """
        example = parsing_ops.parse_single_example(serialized_example, self._keys_to_features)
        # As TF: fixed-length features are reshaped once, in sorted key order.
        for key in sorted(self._keys_to_features):
            feature = self._keys_to_features[key]
            if isinstance(feature, parsing_ops.FixedLenFeature):
                example[key] = shape_ops.reshape(example[key], feature.shape)
        outputs = []
        for item in (items or self._items_to_handlers.keys()):
            handler = self._items_to_handlers[item]
            outputs.append(handler.tensors_to_item({k: example[k] for k in handler.keys}))
        return outputs


__all__ = ["TFExampleDecoder", "ItemHandler", "ItemHandlerCallback", "BoundingBox", "Tensor",
           "LookupTensor", "BackupHandler", "SparseTensor", "Image"]
