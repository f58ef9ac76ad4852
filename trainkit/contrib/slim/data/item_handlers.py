"""The item handlers of ``slim.tfexample_decoder``: each names the ``tf.train.Example``
features it needs and turns their parsed tensors into one item (a tensor, an image, a
box list, a sparse tensor), as tf_slim 1.1.0's (TF 1.15's ``tf.contrib.slim``).

Example:
    >>> handlers = {"image": Image(shape=[28, 28, 1]), "label": Tensor("image/class/label")}
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

from trainkit.data import decode_ops, image_decode_ops
from trainkit.framework import dtypes
from trainkit.framework.sparse_tensor import SparseTensor as _SparseTensor
from trainkit.ops import (
    array_ops,
    cast_ops,
    comparison_ops,
    control_flow_ops,
    functional_ops,
    join_ops,
    reduction_ops,
    shape_ops,
    slicing_ops,
    sparse_extras,
    sparse_ops,
)


class ItemHandler(abc.ABC):
    """Names the Example features an item needs and builds the item from them.

    Args:
        keys: one feature key or a list of them.
    """

    def __init__(self, keys: Any):
        self._keys = list(keys) if isinstance(keys, tuple | list) else [keys]

    @property
    def keys(self) -> list:
        """The feature keys this handler reads."""
        return self._keys

    @abc.abstractmethod
    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        """The item built from ``{feature key: parsed tensor}``."""


class ItemHandlerCallback(ItemHandler):
    """An item computed by ``func({key: parsed tensor})``."""

    def __init__(self, keys: Any, func: Callable[[dict], Any]):
        super().__init__(keys)
        self._func = func

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        return self._func(keys_to_tensors)


class BoundingBox(ItemHandler):
    """``[num_boxes, 4]`` boxes (``ymin, xmin, ymax, xmax`` columns) from four features,
    each key prefixed with ``prefix`` (sparse features contribute their values).

    Raises:
        ValueError: ``keys`` given but not four of them.
    """

    def __init__(self, keys: Any = None, prefix: str = ""):
        if keys is None:
            keys = ["ymin", "xmin", "ymax", "xmax"]
        elif len(keys) != 4:
            raise ValueError(f"BoundingBox expects 4 keys but got {len(keys)}")
        self._full_keys = [prefix + k for k in keys]
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        sides = []
        for key in self._full_keys:
            side = keys_to_tensors[key]
            if isinstance(side, _SparseTensor):
                side = side.values
            sides.append(shape_ops.expand_dims(side, 0))
        return shape_ops.transpose(join_ops.concat(sides, 0))


class Tensor(ItemHandler):
    """The parsed feature ``tensor_key``, reshaped to ``shape`` or to the shape stored in
    the ``shape_keys`` features; a sparse feature is made dense with ``default_value``.

    Raises:
        ValueError: both ``shape_keys`` and ``shape`` given.
    """

    def __init__(self, tensor_key: str, shape_keys: Any = None, shape: Any = None,
                 default_value: Any = 0):
        if shape_keys and shape is not None:
            raise ValueError("Cannot specify both shape_keys and shape parameters.")
        if shape_keys and not isinstance(shape_keys, list):
            shape_keys = [shape_keys]
        self._tensor_key = tensor_key
        self._shape_keys = shape_keys
        self._shape = shape
        self._default_value = default_value
        super().__init__([tensor_key, *(shape_keys or [])])

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        tensor = keys_to_tensors[self._tensor_key]
        shape = self._shape
        if self._shape_keys:
            dims = []
            for key in self._shape_keys:
                dim = keys_to_tensors[key]
                if isinstance(dim, _SparseTensor):
                    dim = sparse_ops.sparse_tensor_to_dense(dim)
                dims.append(dim)
            shape = shape_ops.reshape(join_ops.stack(dims), [-1])
        if isinstance(tensor, _SparseTensor):
            if shape is not None:
                tensor = sparse_extras.sparse_reshape(tensor, shape)
            return sparse_ops.sparse_tensor_to_dense(tensor, self._default_value)
        return shape_ops.reshape(tensor, shape) if shape is not None else tensor


class LookupTensor(Tensor):
    """A :class:`Tensor` item mapped through ``table.lookup`` (e.g. label names to ids)."""

    def __init__(self, tensor_key: str, table: Any, shape_keys: Any = None, shape: Any = None,
                 default_value: Any = ""):
        self._table = table
        super().__init__(tensor_key, shape_keys, shape, default_value)

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        return self._table.lookup(super().tensors_to_item(keys_to_tensors))


class BackupHandler(ItemHandler):
    """``handler``'s item, or ``backup``'s when that item has no elements.

    Raises:
        ValueError: either is not an :class:`ItemHandler`.
    """

    def __init__(self, handler: ItemHandler, backup: ItemHandler):
        for what, h in (("Primary", handler), ("Backup", backup)):
            if not isinstance(h, ItemHandler):
                raise ValueError(f"{what} handler is of type {type(h)} instead of ItemHandler")
        self._handler = handler
        self._backup = backup
        super().__init__(handler.keys + backup.keys)

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        item = self._handler.tensors_to_item(keys_to_tensors)
        return control_flow_ops.cond(
            comparison_ops.equal(reduction_ops.reduce_prod(array_ops.shape(item)), 0),
            lambda: self._backup.tensors_to_item(keys_to_tensors), lambda: item)


class SparseTensor(ItemHandler):
    """A sparse tensor whose last index column comes from the ``indices_key`` feature's
    values and whose values from ``values_key``'s (dense with ``densify``).

    Args:
        indices_key, values_key: default ``'indices'`` / ``'values'``.
        shape_key: a feature holding the dense shape; else ``shape``; else the indices
            feature's dense shape.
        densify, default_value: return a dense tensor filled with ``default_value``.
    """

    def __init__(self, indices_key: str | None = None, values_key: str | None = None,
                 shape_key: str | None = None, shape: Any = None, densify: bool = False,
                 default_value: Any = 0):
        self._indices_key = indices_key or "indices"
        self._values_key = values_key or "values"
        self._shape_key = shape_key
        self._shape = shape
        self._densify = densify
        self._default_value = default_value
        super().__init__([self._indices_key, self._values_key, *([shape_key] if shape_key
                                                                 else [])])

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        indices = keys_to_tensors[self._indices_key]
        values = keys_to_tensors[self._values_key]
        if self._shape_key:
            shape = keys_to_tensors[self._shape_key]
            if isinstance(shape, _SparseTensor):
                shape = sparse_ops.sparse_tensor_to_dense(shape)
        elif self._shape:
            shape = self._shape
        else:
            shape = indices.dense_shape
        rank = array_ops.shape(indices.indices)[1]
        ids = cast_ops.cast(indices.values, dtypes.int64)
        kept = slicing_ops.slice(indices.indices, [0, 0], join_ops.stack([-1, rank - 1]))
        new_indices = join_ops.concat([kept, shape_ops.reshape(ids, [-1, 1])], 1)
        tensor = _SparseTensor(new_indices, values.values, shape)
        if self._densify:
            tensor = sparse_ops.sparse_tensor_to_dense(tensor, self._default_value)
        return tensor


class Image(ItemHandler):
    """A decoded image: ``raw``/``RAW`` format bytes through ``decode_raw``, JPEG through
    ``decode_jpeg(dct_method=...)``, anything else through ``decode_image``; cast to
    ``dtype``, shaped ``[?, ?, channels]`` or reshaped to ``shape``. ``repeated`` decodes
    a vector of encoded images with ``map_fn``.
    """

    def __init__(self, image_key: str | None = None, format_key: str | None = None,
                 shape: Any = None, channels: int = 3, dtype: Any = dtypes.uint8,
                 repeated: bool = False, dct_method: str = ""):
        self._image_key = image_key or "image/encoded"
        self._format_key = format_key or "image/format"
        super().__init__([self._image_key, self._format_key])
        self._shape = shape
        self._channels = channels
        self._dtype = dtypes.as_dtype(dtype)
        self._repeated = repeated
        self._dct_method = dct_method

    def tensors_to_item(self, keys_to_tensors: dict) -> Any:
        buffer = keys_to_tensors[self._image_key]
        image_format = keys_to_tensors[self._format_key]
        if self._repeated:
            return functional_ops.map_fn(lambda x: self._decode(x, image_format), buffer,
                                         dtype=self._dtype)
        return self._decode(buffer, image_format)

    def _decode(self, buffer: Any, image_format: Any) -> Any:
        def decode_image() -> Any:
            return cast_ops.cast(image_decode_ops.decode_image(
                buffer, channels=self._channels), self._dtype)

        def decode_jpeg() -> Any:
            return cast_ops.cast(image_decode_ops.decode_jpeg(
                buffer, channels=self._channels, dct_method=self._dct_method), self._dtype)

        def check_jpeg() -> Any:
            return control_flow_ops.cond(image_decode_ops.is_jpeg(buffer), decode_jpeg,
                                         decode_image, name="cond_jpeg")

        def decode_raw() -> Any:
            return decode_ops.decode_raw(buffer, out_type=self._dtype)

        is_raw = comparison_ops.logical_or(comparison_ops.equal(image_format, "raw"),
                                           comparison_ops.equal(image_format, "RAW"))
        image = control_flow_ops.case([(is_raw, decode_raw)], default=check_jpeg,
                                      exclusive=True)
        image.set_shape([None, None, self._channels])
        if self._shape is not None:
            image = shape_ops.reshape(image, self._shape)
        return image


__all__ = ["ItemHandler", "ItemHandlerCallback", "BoundingBox", "Tensor", "LookupTensor",
           "BackupHandler", "SparseTensor", "Image"]
