"""``tk.keras.Model`` (functional) and ``tk.keras.Sequential`` as graph builders.

Calling a model on a tensor builds its layers' ops on that tensor inside the model's name
scope (``model/dense/MatMul``); the weights are shared with every other call. Models train
either in a TF1 session loop on their output tensors or with Keras's own
``compile``/``fit``/``evaluate``/``predict`` (``training.py``).

Example:
    >>> model = tk.keras.Sequential([tk.keras.layers.Dense(64, activation="relu"),
    ...                              tk.keras.layers.Dense(10)])
    >>> logits = model(x)
    >>> train_op = tk.train.AdamOptimizer().minimize(loss,
    ...                                              var_list=model.trainable_variables)
"""

from __future__ import annotations

import inspect
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, dataset_inputs, generator_training, history, training
from trainkit.keras.input_layer import Input, InputLayer, inputs_for_features


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


class Model(training.TrainingMixin, dataset_inputs.DatasetMixin,
            generator_training.GeneratorMixin, base_layer.Layer):
    """A functional model: ``Model(inputs, outputs)`` from ``tk.keras.Input`` tensors and
    the layers called on them.

    Raises:
        ValueError: for inputs that are not ``tk.keras.Input`` tensors, or outputs that do
            not depend on them through Keras layers ("Graph disconnected").
    """

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None,
                 trainable: bool = True, **kwargs: Any):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._layers: list[base_layer.Layer] = []
        self._steps: list[history.Node] = []
        self.inputs: list[Tensor] | None = None
        self.outputs: list[Tensor] | None = None
        if inputs is not None or outputs is not None:
            self._init_graph(inputs, outputs)

    def _init_graph(self, inputs: Any, outputs: Any) -> None:
        self._input_struct, self._output_struct = inputs, outputs
        ins, outs = nest.flatten(inputs), nest.flatten(outputs)
        for x in ins:
            node = history.node_of(x)
            if node is None or not isinstance(node.layer, InputLayer):
                raise ValueError("Input tensors to a Functional must come from "
                                 f"`tf.keras.Input`. Received: {x} (missing previous layer "
                                 "metadata).")
        known = {id(x) for x in ins}
        steps: list[history.Node] = []
        visiting: set[int] = set()
        input_nodes: list[history.Node] = []
        first_seen: dict[int, int] = {}   # id(layer) -> when the walk first reached it

        def visit(t: Any, consumer: str) -> None:
            node = history.node_of(t)
            if node is not None:
                first_seen.setdefault(id(node.layer), len(first_seen))
            if id(t) in known:
                if node is not None and isinstance(node.layer, InputLayer) and \
                        all(n is not node for n in input_nodes):
                    input_nodes.append(node)
                return
            if node is None or isinstance(node.layer, InputLayer):
                raise ValueError(f"Graph disconnected: cannot obtain value for tensor {t} at "
                                 f'layer "{consumer}". The following previous layers were '
                                 f"accessed without issue: {[n.layer.name for n in steps]}")
            if id(node) in visiting:
                return
            visiting.add(id(node))
            for x in node.input_tensors:
                visit(x, node.layer.name)
            steps.append(node)
            known.update(id(o) for o in node.output_tensors)

        for t in outs:
            visit(t, self.name)
        self._steps = steps
        self.inputs, self.outputs = ins, outs
        input_layers = [history.node_of(x).layer for x in ins]
        self._layers = _by_depth(input_nodes + steps, input_layers, first_seen)
        self.built = True

    # -- calling ---------------------------------------------------------------------------
    def call(self, inputs: Any, training: Any = None) -> Any:
        flat = [conversion.convert_to_tensor(x) for x in nest.flatten(inputs)]
        if len(flat) != len(self.inputs):
            raise ValueError(f'Layer "{self.name}" expects {len(self.inputs)} input(s), but '
                             f"it received {len(flat)} input tensors.")
        values = {id(k): v for k, v in zip(self.inputs, flat)}
        for node in self._steps:
            args = nest.map_structure(lambda t: values.get(id(t), t), node.inputs)
            kwargs = dict(node.kwargs)
            if training is not None and _takes_training(node.layer):
                kwargs.setdefault("training", training)
            out = node.layer(args, **kwargs)
            for old, new in zip(node.output_tensors, nest.flatten(out)):
                values[id(old)] = new
        return nest.map_structure(lambda t: values[id(t)], self._output_struct)

    # -- what the model owns ---------------------------------------------------------------
    @property
    def layers(self) -> list:
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Any:
        """The layer called ``name`` (or at ``index``).

        Raises:
            ValueError: if there is no such layer.
        """
        if index is not None:
            if not 0 <= index < len(self._layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model "
                                 f"only has {len(self._layers)} layers.")
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self._layers]}.")

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Sets the flag of the model and of every layer inside it (nested models too),
        as tf_keras does; a compiled model trains with the flags of its last ``compile``."""
        self._trainable = bool(value)
        for layer in self.__dict__.get("_layers", []):
            layer.trainable = value

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return _dedupe([w for layer in self._layers for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self) -> list:
        every = self.weights
        train = {id(w) for w in self.trainable_weights}
        return [w for w in every if id(w) not in train]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self) -> list:
        """Every layer's weights, layer by layer (as Keras orders a model's weights)."""
        return _dedupe([w for layer in self._layers for w in layer.weights])

    variables = weights

    @property
    def updates(self) -> list:
        """The layers' update ops (none when the model is not trainable, as tf_keras)."""
        if not self.trainable:
            return []
        return _dedupe([u for layer in self._layers for u in layer.updates])

    @property
    def losses(self) -> list:
        return _dedupe([x for layer in self._layers for x in layer.losses]
                       + list(self._losses))

    @property
    def input(self) -> Any:
        if self.inputs is None:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self) -> Any:
        if self.outputs is None:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    @property
    def output_shape(self) -> Any:
        if self.outputs is None:
            raise AttributeError("The layer has never been called and thus has no defined "
                                 "output shape.")
        shapes = [base_layer.shape_tuple(t.shape) for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def summary(self, print_fn: Any = print) -> None:
        """Prints each layer's name, type, output shape and parameter count, then totals."""
        rows = [("Layer (type)", "Output Shape", "Param #")]
        for layer in self._layers:
            try:
                shape = str(layer.output_shape)
            except AttributeError:
                shape = "multiple"
            params = layer.count_params() if layer.built else 0
            rows.append((f"{layer.name} ({type(layer).__name__})", shape, str(params)))
        trainable = sum(_size(w) for w in self.trainable_weights)
        other = sum(_size(w) for w in self.non_trainable_weights)
        line = "_" * 65
        print_fn(f'Model: "{self.name}"')
        print_fn(line)
        for i, (a, b, c) in enumerate(rows):
            print_fn(f"{a:<29}{b:<26}{c}")
            print_fn("=" * 65 if i == 0 else line)
        print_fn(f"Total params: {trainable + other}")
        print_fn(f"Trainable params: {trainable}")
        print_fn(f"Non-trainable params: {other}")
        print_fn(line)

    # -- names and deferred building for the training API ---------------------------
    @property
    def input_names(self) -> list[str]:
        """The input layers' names (``dense_input``, ``input_1``)."""
        return [_layer_name(x) for x in self.inputs or []]

    @property
    def output_names(self) -> list[str]:
        """The output layers' names (what ``compile`` keys per-output losses by)."""
        return [_layer_name(x) for x in self.outputs or []]

    def _build_for_data(self, shape: tuple, dtype: Any) -> None:
        """Builds a model whose input is not known yet on an ``Input`` for arrays of
        ``shape`` (as tf_keras does on the first ``fit``/``predict``).

        Raises:
            ValueError: if the model has no layers to build.
        """
        raise ValueError("This model has not yet been built. Build the model first by "
                         "calling `build()` or by calling the model on a batch of data.")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Not implemented: use :meth:`save_weights` (a TF1 checkpoint) instead.

        Raises:
            NotImplementedError: always.
        """
        raise NotImplementedError("trainkit.keras cannot save whole models; use "
                                  "model.save_weights(path) (a TF1 checkpoint) or "
                                  "tk.train.Saver(model.weights).save(sess, path).")


def _by_depth(nodes: list, input_layers: list, first_seen: dict) -> list:
    """The layers in tf_keras's order: farthest from the outputs first (a layer's depth
    is the longest path from its calls to an output), ties in the order the walk back
    from the outputs first reached them. ``nodes`` are in topological order."""
    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers: dict[int, Any] = {}
    for node in reversed(nodes):
        key = id(node.layer)
        depth = max(node_depth.get(id(node), 0), layer_depth.get(key, 0))
        layer_depth[key] = depth
        layers[key] = node.layer
        for t in node.input_tensors:
            parent = history.node_of(t)
            if parent is not None:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for layer in input_layers:
        if id(layer) not in layer_depth:
            layer_depth[id(layer)], layers[id(layer)] = 0, layer
            first_seen[id(layer)] = -1
    order = sorted(layers, key=lambda k: (-layer_depth[k], first_seen.get(k, -1)))
    return _dedupe([layers[k] for k in order])


def _size(w: Any) -> int:
    n = 1
    for d in w.shape.as_list():
        n *= d
    return n


def _layer_name(t: Any) -> str:
    node = history.node_of(t)
    return node.layer.name if node is not None else t.op.name


def _takes_training(layer: Any) -> bool:
    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False


class Sequential(Model):
    """A linear stack of layers. With an input shape on the first layer
    (``input_shape=``) the stack is built at once on an ``Input``; otherwise the first
    call builds it (its variables then live in the model's scope, ``sequential/dense/``).

    Raises:
        TypeError: when something that is not a Keras layer is added.
    """

    def __init__(self, layers: list | None = None, name: str | None = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self._stack: list[base_layer.Layer] = []
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Any) -> None:
        """Appends ``layer`` (builds it on the model's output when the input is known).

        Raises:
            TypeError: if ``layer`` is not a Keras layer.
        """
        node = history.node_of(layer) if isinstance(layer, Tensor) else None
        if node is not None and isinstance(node.layer, InputLayer):
            layer = node.layer
        if not isinstance(layer, base_layer.Layer):
            raise TypeError("The added layer must be an instance of class Layer. Received: "
                            f"layer={layer!r} of type {type(layer)}.")
        if isinstance(layer, InputLayer):
            self.inputs = self.outputs = [layer.output]
            return
        if self.outputs is None:
            shape = base_layer.batch_input_shape(layer)
            if shape is None and isinstance(layer, Model) and layer.inputs is not None \
                    and len(layer.inputs) == 1:   # a built model first: its input's shape
                shape = base_layer.shape_tuple(layer.inputs[0].shape)
            if shape is not None and not self._stack:
                self.inputs = [Input(batch_shape=shape, name=f"{layer.name}_input")]
                self.outputs = self.inputs
        if self.outputs is not None:
            self.outputs = [layer(self.outputs[0])]
        self._stack.append(layer)
        self._layers = list(self._stack)
        self.built = self.outputs is not None

    def pop(self) -> None:
        """Removes the last layer (the outputs become the previous layer's).

        Raises:
            TypeError: if there are no layers.
        """
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()
        self._layers = list(self._stack)
        if self.inputs is not None:
            self.outputs = [self._stack[-1].output] if self._stack else list(self.inputs)

    def _build_for_data(self, shape: tuple, dtype: Any) -> None:
        """Builds the stack on an ``Input`` of ``(None,) + shape[1:]`` (names as if the
        first layer had had that ``input_shape``), or on one ``Input`` per feature
        (named by its key) when ``shape`` and ``dtype`` are dicts.

        Raises:
            ValueError: if there are no layers.
        """
        if not self._stack:
            raise ValueError("You must add a layer to a Sequential model before using it.")
        if isinstance(shape, dict):
            # a feature dict (DenseFeatures first): tf_keras cannot make a graph network
            # of it and calls the model instead, so the layers build in its name scope
            # (``sequential/dense/kernel``)
            out = self._input_struct = inputs_for_features(shape, dtype)
            self.inputs = [out[k] for k in sorted(out)]
            with get_default_graph().name_scope(self.name):
                for layer in self._stack:
                    out = layer(out)
        else:
            self.inputs = [Input(batch_shape=(None,) + tuple(shape[1:]),
                                 name=f"{self._stack[0].name}_input")]
            out = self.inputs[0]
            for layer in self._stack:
                out = layer(out)
        self.outputs = [out]
        self.built = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        out = inputs
        for layer in self._stack:
            kwargs = {"training": training} if training is not None and \
                _takes_training(layer) else {}
            out = layer(out, **kwargs)
        return out


__all__ = ["Model", "Sequential"]
