"""The Keras ``Layer`` in TF1 graph mode (tf_keras's v1 layer under ``tf.compat.v1``).

A layer is named when constructed (``dense``, ``dense_1``, ... unique per graph whatever
the enclosing scopes). Each call opens a name scope of that name, made unique by the graph
(a second call of ``dense`` builds its ops in ``dense_1/`` or the next free name); the
first call builds the weights there, so the variables are ``<scopes>/dense/kernel:0``.
Weights are ``tk.Variable``s in ``GLOBAL_VARIABLES`` (and ``TRAINABLE_VARIABLES`` when
trainable), with Keras's default initializers.

Built-in layers run the matching ``tk.layers`` function for their maths inside the
call's name scope, handing it the layer's own weights through a custom getter.

Example:
    >>> dense = tk.keras.layers.Dense(10, activation="relu")
    >>> y = dense(x)
    >>> [v.name for v in dense.weights]
    ['dense/kernel:0', 'dense/bias:0']
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend, history, initializers
from trainkit.ops import array_ops, cast_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.variables import Variable

_LAYER_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "weights",
                 "activity_regularizer", "autocast", "input_dim", "input_length"}


def to_snake_case(name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d`` (Keras's default layer names)."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def shape_tuple(shape: Any) -> tuple | None:
    """A ``TensorShape`` (or list) as a tuple of ints and Nones; None for unknown rank."""
    shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    return None if shape.ndims is None else tuple(shape.as_list())


class Layer:
    """Base class of Keras layers: subclass with ``build(input_shape)`` (create weights
    with :meth:`add_weight`) and ``call(inputs, **kwargs)``.

    Args:
        trainable: whether the weights are trained (``trainable_weights``).
        name: the layer's name (default: the snake-cased class name, unique per graph).
        dtype: the weights' dtype (default ``tk.keras.backend.floatx()``).
        input_shape / batch_input_shape / batch_size / input_dim: the input a
            ``Sequential`` model's first layer expects.

    Raises:
        TypeError: for an unknown keyword argument or a name that is not a string.
    """

    # Input checks before build, as Keras's ``input_spec``: exact or minimum rank.
    _ndim: int | None = None
    _min_ndim: int | None = None

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 dynamic: bool = False, **kwargs: Any):
        for key in kwargs:
            if key not in _LAYER_KWARGS:
                raise TypeError("Keyword argument not understood:", key)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}.")
        self._name = name or backend.unique_object_name(
            to_snake_case(type(self).__name__), zero_based=True)
        self._trainable = bool(trainable)
        self._dtype = _dt.as_dtype(dtype or backend.floatx())
        self._trainable_weights: list[Variable] = []
        self._non_trainable_weights: list[Variable] = []
        self._by_name: dict[str, Variable] = {}
        self._updates: list[Any] = []
        self._losses: list[Any] = []
        self._nodes: list[history.Node] = []
        self._call_scope = ""
        self.built = False
        self._batch_input_shape = _batch_shape(kwargs)
        self._activity_regularizer = kwargs.get("activity_regularizer")

    # -- the protocol subclasses implement ----------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the weights (called once, in the first call's name scope)."""
        self.built = True

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        """The layer's computation on graph tensors."""
        return inputs

    # -- calling -------------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Builds the layer's ops on ``inputs`` (and its weights on the first call).

        Raises:
            ValueError: for inputs whose rank does not fit the layer.
        """
        if "training" in kwargs and not _accepts(self.call, "training"):
            kwargs.pop("training")  # Keras drops a training flag the layer has no use for
        graph = get_default_graph()
        with graph.name_scope(self._name) as scope:
            self._call_scope = scope
            if not self.built:
                x = inputs if isinstance(inputs, list | tuple | dict) else \
                    conversion.convert_to_tensor(inputs)
                self._check_input(x)
                self.build(_input_shapes(x))
                self.built = True
            outputs = self.call(inputs, *args, **kwargs)
            if self._activity_regularizer is not None:
                self._add_activity_losses(outputs)
        node = history.record(self, inputs, outputs, kwargs)
        if node is not None:
            self._nodes.append(node)
        return outputs

    def _add_activity_losses(self, outputs: Any) -> None:
        # As tf_keras: the penalty of each output divided by its batch size, so that its
        # strength does not depend on the batch.
        for out in nest.flatten(outputs):
            loss = conversion.convert_to_tensor(self._activity_regularizer(out))
            batch = cast_ops.cast(array_ops.shape(out)[0], loss.dtype)
            self._losses.append(loss / batch)

    def apply(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Same as calling the layer."""
        return self(inputs, *args, **kwargs)

    def _check_input(self, x: Any) -> None:
        if not isinstance(x, Tensor) or x.shape.ndims is None:
            return
        n = x.shape.ndims
        want = None
        if self._ndim is not None and n != self._ndim:
            want = f"ndim={self._ndim}"
        elif self._min_ndim is not None and n < self._min_ndim:
            want = f"min_ndim={self._min_ndim}"
        if want:
            raise ValueError(f'Input 0 of layer "{self._name}" is incompatible with the '
                             f"layer: expected {want}, found ndim={n}. Full shape received: "
                             f"{shape_tuple(x.shape)}")

    def function_scope(self) -> vs.VariableScope:
        """The current call's name scope as a variable scope whose getter hands out this
        layer's weights: pass it as ``name=`` to a ``tk.layers`` function so its ops land
        in the call's scope and use these weights."""
        scope = self._call_scope
        return vs.VariableScope(True, name=scope.rstrip("/"), name_scope=scope,
                                custom_getter=self._weight_getter)

    def _weight_getter(self, getter: Callable, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._by_name[name.rsplit("/", 1)[-1]]

    def add_weight(self, name: str, shape: Any, dtype: Any = None, initializer: Any = None,
                   regularizer: Callable | None = None, trainable: bool | None = None,
                   constraint: Any = None, **kwargs: Any) -> Variable:
        """Creates the weight ``<call scope>/name`` (call it from ``build``).

        The initializer defaults to glorot-uniform for floats and zeros otherwise.
        """
        dt = _dt.as_dtype(dtype or self._dtype)
        init = initializers.get(initializer)
        if init is None:
            init = initializers.GlorotUniform() if dt.is_floating else initializers.Zeros()
        train = True if trainable is None else bool(trainable)
        dims = [int(d) for d in shape]
        var = Variable(lambda: init(dims, dtype=dt), name=name, dtype=dt, trainable=train,
                       constraint=constraint)
        backend.track_variable(var)
        (self._trainable_weights if train else self._non_trainable_weights).append(var)
        self._by_name[name] = var
        if regularizer is not None:
            loss = regularizer(var)
            if loss is not None:
                self._losses.append(loss)
        return var

    # -- what the layer owns ---------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> str:
        return self._dtype.name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def trainable_weights(self) -> list:
        return list(self._trainable_weights) if self._trainable else []

    @property
    def non_trainable_weights(self) -> list:
        if self._trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self) -> list:
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def updates(self) -> list:
        """The ops that update state (BatchNormalization's moving averages); Keras does
        not add them to ``UPDATE_OPS``: run them with the train op. None while the layer
        is not trainable (tf_keras's v1 layers)."""
        return list(self._updates) if self._trainable else []

    def add_update(self, updates: Any) -> None:
        """Adds state-updating ops (one or a list) to ``layer.updates``."""
        self._updates.extend(updates if isinstance(updates, list | tuple) else [updates])

    @property
    def losses(self) -> list:
        """The weight regularizers' and activity regularizer's losses, and those given to
        :meth:`add_loss`."""
        return list(self._losses)

    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Adds scalar loss tensors (or zero-argument callables giving them) that
        ``compile`` adds to the total loss; a model compiled without ``loss`` then trains
        on them alone (``fit(x)`` with no targets).

        Raises:
            TypeError: for something that is neither a tensor, a number nor a callable.
        """
        for loss in losses if isinstance(losses, list | tuple) else [losses]:
            if callable(loss) and not isinstance(loss, Tensor):
                loss = loss()
            if loss is None:
                continue
            if not isinstance(loss, Tensor | int | float):
                raise TypeError(f"add_loss expects tensors, numbers or callables, got "
                                f"{type(loss).__name__}.")
            self._losses.append(conversion.convert_to_tensor(loss, dtype=_dt.float32)
                                if not isinstance(loss, Tensor) else loss)

    def count_params(self) -> int:
        """The number of scalars in the weights.

        Raises:
            ValueError: if the layer is not built yet.
        """
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self._name}, but "
                             "the layer isn't built. You can build it manually via: "
                             f"`{self._name}.build(batch_input_shape)`.")
        return int(sum(np.prod(v.shape.as_list(), dtype=np.int64) for v in self.weights))

    def get_weights(self) -> list:
        """The weights' values (NumPy arrays) in ``tk.keras.backend.get_session()``."""
        return backend.batch_get_value(self.weights)

    def set_weights(self, weights: list) -> None:
        """Writes ``weights`` (NumPy arrays, in :attr:`weights` order).

        Raises:
            ValueError: for a list of the wrong length or an array of the wrong shape.
        """
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(f'You called `set_weights(weights)` on layer "{self._name}" '
                             f"with a weight list of length {len(weights)}, but the layer "
                             f"was expecting {len(params)} weights. Provided weights: "
                             f"{str(weights)[:50]}...")
        for p, w in zip(params, weights):
            have, got = tuple(p.shape.as_list()), np.shape(w)
            if have != got:
                raise ValueError(f"Layer weight shape {have} not compatible with provided "
                                 f"weight shape {got}")
        backend.batch_set_value(list(zip(params, weights)))

    # -- the recorded calls ------------------------------------------------------------------
    def _only_node(self, what: str) -> history.Node:
        if not self._nodes:
            raise AttributeError(f"The layer has never been called and thus has no defined "
                                 f"{what}.")
        return self._nodes[0]

    @property
    def input(self) -> Any:
        """The input of the layer's first recorded call (on Keras tensors).

        Raises:
            AttributeError: if there is none.
        """
        if not self._nodes:
            raise AttributeError(f"Layer {self._name} is not connected, no input to return.")
        return self._nodes[0].inputs

    @property
    def output(self) -> Any:
        """The output of the layer's first recorded call (on Keras tensors).

        Raises:
            AttributeError: if there is none.
        """
        if not self._nodes:
            raise AttributeError(f"Layer {self._name} has no inbound nodes.")
        return self._nodes[0].outputs

    @property
    def input_shape(self) -> Any:
        return self._shape_of("input shape", lambda n: n.inputs)

    @property
    def output_shape(self) -> Any:
        return self._shape_of("output shape", lambda n: n.outputs)

    def _shape_of(self, what: str, side: Callable) -> Any:
        self._only_node(what)
        shapes = {repr(_shapes_of(side(n))) for n in self._nodes}
        if len(shapes) > 1:
            raise AttributeError(f'The layer "{self._name}" has multiple inbound nodes, with '
                                 f'different {what}s. Hence the notion of "{what}" is '
                                 "ill-defined for the layer.")
        return _shapes_of(side(self._nodes[0]))

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} name={self._name!r}>"


def _accepts(fn: Callable, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _shapes_of(x: Any) -> Any:
    if isinstance(x, Tensor):
        return shape_tuple(x.shape)
    return nest.map_structure(lambda t: shape_tuple(t.shape), x)


def _input_shapes(x: Any) -> Any:
    """What ``build`` gets: the shape of a tensor, a list of shapes, or a dict of shapes
    (feature dicts, for ``DenseFeatures``)."""
    if isinstance(x, Tensor):
        return x.shape
    if isinstance(x, dict):
        return {k: getattr(v, "shape", None) for k, v in x.items()}
    return [t.shape for t in x]


def _batch_shape(kwargs: dict) -> tuple | None:
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    shape = kwargs.get("input_shape")
    if shape is None and kwargs.get("input_dim") is not None:
        shape = (kwargs["input_dim"],)
    if shape is None:
        return None
    return (kwargs.get("batch_size"), *tuple(shape))


def learning_phase_value(training: Any) -> Any:
    """``training`` for a layer call: the learning phase when None; an int phase as a
    bool."""
    if training is None:
        training = backend.learning_phase()
    if isinstance(training, int | np.integer):
        training = bool(training)
    return training


def batch_input_shape(layer: Layer) -> tuple | None:
    """The input shape (with batch) given to ``layer``'s constructor, if any."""
    return layer._batch_input_shape


__all__ = ["Layer", "to_snake_case", "shape_tuple", "learning_phase_value",
           "batch_input_shape"]
