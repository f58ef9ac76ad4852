"""``Input`` / ``InputLayer``: the placeholder a functional model starts from.

Example:
    >>> inputs = tk.keras.Input(shape=(784,))        # placeholder 'input_1', [None, 784]
    >>> outputs = tk.keras.layers.Dense(10)(inputs)
    >>> model = tk.keras.Model(inputs, outputs)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend, base_layer, history
from trainkit.ops import placeholders


class InputLayer(base_layer.Layer):
    """The layer that owns an input placeholder (or a given ``input_tensor``).

    Raises:
        ValueError: when neither a shape nor a tensor is given.
    """

    def __init__(self, input_shape: Any = None, batch_size: int | None = None,
                 dtype: Any = None, input_tensor: Any = None, sparse: bool = False,
                 name: str | None = None, batch_input_shape: Any = None, **kwargs: Any):
        if sparse:
            raise NotImplementedError("InputLayer: sparse inputs are not supported.")
        name = name or backend.unique_object_name("input")
        super().__init__(name=name, dtype=dtype, **kwargs)
        if input_tensor is None:
            if batch_input_shape is None:
                if input_shape is None:
                    raise ValueError("Please provide to Input a `shape` or a `tensor` or a "
                                     "`type_spec` argument. Note that `shape` does not "
                                     "include the batch dimension.")
                batch_input_shape = (batch_size, *tuple(input_shape))
            dims = [None if d is None else int(d) for d in batch_input_shape]
            tensor = placeholders.placeholder(_dt.as_dtype(dtype or backend.floatx()), dims,
                                              name=name)
        else:
            tensor = conversion.convert_to_tensor(input_tensor)
        self.built = True
        self._batch_input_shape = base_layer.shape_tuple(tensor.shape)
        node = history.record(self, None, tensor, {})
        if node is not None:
            self._nodes.append(node)

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"InputLayer {self.name!r} is not callable: use its `output` (or "
                        "tk.keras.Input(...)) as a model's input.")


def Input(shape: Any = None, batch_size: int | None = None, name: str | None = None,  # noqa: N802
          dtype: Any = None, sparse: bool = False, tensor: Any = None,
          batch_shape: Any = None, **kwargs: Any) -> Tensor:
    """A Keras input: a placeholder of ``[batch_size] + shape`` named ``input_1``, ...
    (or ``name``), recorded as the output of an :class:`InputLayer`.

    Raises:
        ValueError: when neither ``shape``, ``batch_shape`` nor ``tensor`` is given.
    """
    layer = InputLayer(input_shape=shape, batch_size=batch_size, dtype=dtype,
                       input_tensor=tensor, sparse=sparse, name=name,
                       batch_input_shape=batch_shape, **kwargs)
    return layer.output


def inputs_for_features(shapes: dict, dtypes: dict) -> dict:
    """One ``Input`` per feature of a dict of arrays or of dataset components, named by
    its key, as tf_keras's ``ModelInputs`` makes them for a model first fed a dict:
    ``(None,) + shape[1:]`` (a vector's ``(None,)`` becomes ``(None, 1)``), float
    features in ``floatx()``, text as strings.

    Raises:
        TypeError: for a feature whose dtype Keras cannot feed.
    """
    out = {}
    for key in sorted(shapes):
        shape = (None, *tuple(shapes[key])[1:])
        out[key] = Input(batch_shape=shape if shape != (None,) else (None, 1), name=key,
                         dtype=_feature_dtype(key, dtypes[key]))
    return out


def _feature_dtype(key: str, dtype: Any) -> _dt.DType:
    kind = getattr(dtype, "kind", None)
    if kind in ("U", "S", "O"):
        return _dt.string
    try:
        dt = _dt.as_dtype(dtype)
    except (TypeError, ValueError) as e:
        raise TypeError(f"Feature {key!r}: cannot feed values of dtype {dtype} to a "
                        "Keras input.") from e
    return _dt.as_dtype(backend.floatx()) if dt.is_floating else dt


__all__ = ["InputLayer", "Input", "inputs_for_features"]
