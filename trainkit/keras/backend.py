"""``tk.keras.backend``: the session Keras layers read and write weights through, the
learning phase, per-graph layer-name counters, the float settings (``backend_config``),
``variable``/``placeholder``/``function``, and the tensor functions Keras programs write
custom layers and losses in (``K.mean``, ``K.concatenate``, ``K.ctc_batch_cost``, ...:
``backend_math``, ``backend_arrays``, ``backend_ctc``, re-exported here).

In TF1 graph mode Keras keeps one session per graph: ``get_session()`` is the default
session when one is open (``with tf.Session() as sess:``), else a session Keras creates
for the default graph. Either way it first initializes the variables Keras layers created
that are not initialized yet there, as tf_keras does, so ``layer.get_weights()`` works
before ``global_variables_initializer`` has run.

Example:
    >>> training = tk.keras.backend.learning_phase()   # a bool tensor, False unless fed
    >>> sess.run(train_op, {x: xb, training: True})
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import nest
from trainkit.client.session import Session
from trainkit.framework import default_graph, default_session
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import Graph
from trainkit.framework.tensor import Tensor
from trainkit.keras import history
from trainkit.keras.backend_arrays import *  # noqa: F403 - K's tensor functions
from trainkit.keras.backend_arrays import __all__ as _arrays_all
from trainkit.keras.backend_config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
)
from trainkit.keras.backend_ctc import ctc_batch_cost, ctc_decode, ctc_label_dense_to_sparse
from trainkit.keras.backend_math import *  # noqa: F403 - K's tensor functions
from trainkit.keras.backend_math import __all__ as _math_all
from trainkit.ops import placeholders, state_ops, variables


class _GraphState:
    """What Keras remembers per graph: name counters, its variables, the learning phase."""

    def __init__(self) -> None:
        self.name_uids: dict[str, int] = {}
        self.variables: list[Any] = []
        self.initialized: set[int] = set()
        self.phase_tensor: Tensor | None = None
        self.phase_value: int | None = None


_SESSION: list[Session | None] = [None]


def _state(graph: Graph | None = None) -> _GraphState:
    # Kept in the graph's side table: the state holds the graph's variables, so a map
    # keyed by graph would keep every graph alive.
    table = (graph or default_graph.get_default_graph()).side_table("keras.backend")
    state = table.get("state")
    if state is None:
        state = table["state"] = _GraphState()
    return state


def unique_object_name(name: str, zero_based: bool = False) -> str:
    """``name`` made unique among the Keras objects of the default graph.

    With ``zero_based`` the first is ``name`` itself, then ``name_1``, ...; otherwise the
    first is ``name_1`` (Keras names its ``Input`` placeholders ``input_1``, ...).
    """
    uids = _state().name_uids
    count = uids.get(name, 0)
    uids[name] = count + 1
    if zero_based:
        return name if count == 0 else f"{name}_{count}"
    return f"{name}_{count + 1}"


def track_variable(variable: Any) -> None:
    """Records a variable created by a Keras layer (``get_session`` initializes it)."""
    _state(variable.graph).variables.append(variable)


# -- the session -------------------------------------------------------------------------
def get_session(op_input_list: Any = ()) -> Session:
    """The session Keras runs in: the default session, else Keras's own for the default
    graph (created on first use). Keras-created variables that are not initialized in it
    yet are initialized first.

    Example:
        >>> sess = tk.keras.backend.get_session()
    """
    sess = default_session.get_default_session()
    if sess is None:
        graph = default_graph.get_default_graph()
        own = _SESSION[0]
        if own is None or own.graph is not graph:
            own = Session(graph=graph)
            _SESSION[0] = own
        sess = own
    _initialize_variables(sess)
    return sess


def set_session(session: Session) -> None:
    """Makes ``session`` the one Keras uses when no default session is open."""
    _SESSION[0] = session


def _initialize_variables(sess: Session) -> None:
    state = _state(sess.graph)
    todo = [v for v in state.variables if id(v) not in state.initialized]
    if not todo:
        return
    flags = sess.run([state_ops.is_variable_initialized(v) for v in todo])
    missing = [v for v, ok in zip(todo, flags) if not ok]
    if missing:
        sess.run(state_ops.variables_initializer(missing))
    state.initialized.update(id(v) for v in todo)


def clear_session() -> None:
    """Resets the default graph, Keras's layer-name counters, learning phase and session."""
    own = _SESSION[0]
    _SESSION[0] = None
    if own is not None:
        own.close()
    default_graph.reset_default_graph()


def get_value(x: Any) -> np.ndarray:
    """The value of variable or tensor ``x`` in :func:`get_session`."""
    return get_session().run(x)


def batch_get_value(tensors: list) -> list:
    """The values of several variables or tensors in one run."""
    return get_session().run(list(tensors)) if tensors else []


def set_value(x: Any, value: Any) -> None:
    """Writes ``value`` into variable ``x`` (no new ops: the initializer is fed)."""
    batch_set_value([(x, value)])


def batch_set_value(tuples: Any) -> None:
    """Writes each ``(variable, value)`` pair.

    Raises:
        ValueError: if a value's shape differs from its variable's.
    """
    pairs = list(tuples)
    if not pairs:
        return
    sess = get_session()
    for var, value in pairs:
        arr = np.asarray(value, dtype=var.dtype.as_numpy_dtype)
        want = tuple(var.shape.as_list())
        if arr.shape != want:
            raise ValueError(f"Variable {var.name} has shape {want}, but the value has shape "
                             f"{arr.shape}.")
        var.load(arr, sess)


# -- the learning phase -----------------------------------------------------------------
def learning_phase() -> Any:
    """The learning phase: the int set by :func:`set_learning_phase`, else the graph's
    ``keras_learning_phase`` bool placeholder (default False; feed True to train).

    Example:
        >>> sess.run(train_op, {tk.keras.backend.learning_phase(): 1, x: xb})
    """
    state = _state()
    if state.phase_value is not None:
        return state.phase_value
    if state.phase_tensor is None:
        graph = default_graph.get_default_graph()
        with graph.name_scope(""), graph.control_dependencies(None):
            state.phase_tensor = placeholders.placeholder_with_default(
                False, shape=(), name="keras_learning_phase")
    return state.phase_tensor


def set_learning_phase(value: int) -> None:
    """Fixes the learning phase of the default graph to 0 (test) or 1 (train).

    Raises:
        ValueError: if ``value`` is not 0 or 1.
    """
    if value not in (0, 1) or isinstance(value, float):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _state().phase_value = int(value)


def int_shape(x: Any) -> tuple | None:
    """The static shape of ``x`` as a tuple of ints and Nones (None if the rank is unknown)."""
    shape = x.shape
    return None if shape.ndims is None else tuple(shape.as_list())


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` came out of a Keras layer or ``Input``."""
    return history.node_of(x) is not None


def dtype(x: Any) -> str:
    """The name of ``x``'s dtype."""
    return _dt.as_dtype(x.dtype).base_dtype.name


# -- variables, placeholders and functions ---------------------------------------------
def variable(value: Any, dtype: Any = None, name: str | None = None,
             constraint: Any = None) -> Any:
    """A variable holding ``value`` (``floatx()`` unless ``dtype`` is given), initialized
    by :func:`get_session` like the layers' variables."""
    arr = np.asarray(value, dtype=_dt.as_dtype(dtype or floatx()).as_numpy_dtype)
    var = variables.Variable(arr, dtype=dtype or floatx(), name=name or "Variable",
                             constraint=constraint)
    track_variable(var)
    return var


def placeholder(shape: Any = None, ndim: int | None = None, dtype: Any = None,
                name: str | None = None) -> Tensor:
    """A placeholder of ``shape`` (or of rank ``ndim`` with unknown sizes), ``floatx()``
    unless ``dtype`` is given."""
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return placeholders.placeholder(dtype or floatx(), shape=shape, name=name)


class GraphFunction:
    """What :func:`function` returns: called with a list of values for ``inputs``, it runs
    ``outputs`` (and ``updates``) in :func:`get_session` and returns their values in the
    structure ``outputs`` had (a list stays a list, one tensor gives one array)."""

    def __init__(self, inputs: Any, outputs: Any, updates: Any = None,
                 name: str | None = None, **session_kwargs: Any):
        if not isinstance(inputs, list | tuple):
            raise TypeError("`inputs` to a Keras backend function should be a list or "
                            f"tuple, got {type(inputs).__name__}.")
        self.inputs = nest.flatten(list(inputs))
        self._structure = outputs
        self.outputs = nest.flatten(outputs)
        self.updates = [state_ops.assign(u[0], u[1]) if isinstance(u, tuple) else u
                        for u in (updates or [])]
        self.name = name
        self.feed_dict = dict(session_kwargs.pop("feed_dict", None) or {})
        self.fetches = list(session_kwargs.pop("fetches", None) or [])
        self.session_kwargs = session_kwargs

    def __call__(self, inputs: Any) -> Any:
        values = nest.flatten(inputs if isinstance(inputs, list | tuple) else [inputs])
        if len(values) != len(self.inputs):
            raise ValueError(f"The function takes {len(self.inputs)} inputs, got "
                             f"{len(values)}.")
        feed = dict(self.feed_dict)
        for tensor, value in zip(self.inputs, values):
            if value is not None:
                feed[tensor] = np.asarray(value, dtype=tensor.dtype.as_numpy_dtype)
        fetched = get_session().run([self.outputs, self.updates, self.fetches], feed,
                                    **self.session_kwargs)
        return nest.pack_sequence_as(self._structure, fetched[0])


def function(inputs: Any, outputs: Any, updates: Any = None, name: str | None = None,
             **kwargs: Any) -> GraphFunction:
    """A Python callable computing ``outputs`` from values fed to ``inputs``.

    Raises:
        ValueError: for a keyword argument ``Session.run`` does not take.

    Example:
        >>> get_probs = tk.keras.backend.function([model.input], [model.output])
        >>> probs, = get_probs([x_batch])
    """
    for key in kwargs:
        if key not in ("feed_dict", "fetches", "options", "run_metadata"):
            raise ValueError(f'Invalid argument "{key}" passed to K.function with '
                             "TensorFlow backend")
    return GraphFunction(inputs, outputs, updates=updates, name=name, **kwargs)


__all__ = _arrays_all + _math_all + [
           "ctc_batch_cost", "ctc_decode", "ctc_label_dense_to_sparse", "variable",
           "placeholder", "function", "GraphFunction", "get_session", "set_session",
           "clear_session", "learning_phase",
           "set_learning_phase", "floatx", "set_floatx", "epsilon", "set_epsilon",
           "image_data_format", "get_value", "set_value", "batch_get_value",
           "batch_set_value", "int_shape", "is_keras_tensor", "dtype", "unique_object_name"]
