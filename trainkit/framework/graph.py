"""``Graph``: ops, unique names, name scopes, control dependencies, and the thread-local
default-graph stack (collections and side tables: ``graph_collections.py``).

Example:
    >>> g = Graph()
    >>> with g.as_default():
    ...     with g.name_scope("layer"):
    ...         scope = g.get_name_scope()
    >>> scope
    'layer'
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from trainkit.framework import element_names, placement, registry
from trainkit.framework.dtypes import DType, as_dtype
from trainkit.framework.graph_collections import GraphCollections
from trainkit.framework.graph_keys import GraphKeys
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Operation, Tensor


class Graph(GraphCollections):
    """A dataflow graph: the ops of a model, plus collections and scopes.

    Ops are only ever appended, so creation order is a topological order.
    """

    def __init__(self) -> None:
        self._ops: list[Operation] = []
        self._by_name: dict[str, Operation] = {}
        self._names_in_use: dict[str, int] = {}
        self._finalized = False
        self._unfeedable: set[Tensor] = set()
        self._unfetchable: set[Operation] = set()
        self._local = threading.local()
        self._lock = threading.RLock()
        self._plan_epoch = 0
        self._edit_epoch = 0
        self._gradient_override: dict[str, str] = {}
        self.seed: int | None = None
        self._building_function = False
        self._placement = placement.Placement()
        GraphCollections.__init__(self)

    # -- thread-local builder state -------------------------------------------------
    @property
    def _name_stack(self) -> str:
        return getattr(self._local, "name_stack", "")

    @_name_stack.setter
    def _name_stack(self, value: str) -> None:
        self._local.name_stack = value

    @property
    def _control_stack(self) -> list[list[Operation] | None]:
        s = getattr(self._local, "control_stack", None)
        if s is None:
            s = self._local.control_stack = []
        return s

    @property
    def cond_gates(self) -> tuple:
        """The ``(pred_tensor, branch)`` pairs of the ``cond`` branches being built in
        this thread (empty outside any branch)."""
        return getattr(self._local, "cond_gates", ())

    @property
    def _cond_gates(self) -> tuple:
        return getattr(self._local, "cond_gates", ())

    @_cond_gates.setter
    def _cond_gates(self, value: tuple) -> None:
        self._local.cond_gates = value

    @contextlib.contextmanager
    def gated(self, gates: tuple) -> Iterator[None]:
        """Ops created inside run only when every ``(pred, branch)`` gate holds
        (``bool(pred) == branch``); otherwise the executor skips them (their outputs are
        dead). ``cond`` builds its branches, and gradients of branch ops, in here."""
        old = self._cond_gates
        self._cond_gates = gates
        try:
            yield
        finally:
            self._cond_gates = old

    @property
    def loop_frame(self) -> Any:
        """The ``while_loop`` frame whose body (or cond) is being built, if any."""
        return getattr(self._local, "loop_frame", None)

    @contextlib.contextmanager
    def in_loop_frame(self, frame: Any) -> Iterator[None]:
        """Ops created inside are recorded in ``frame`` (``frame.add(op)``): the ops of a
        ``while_loop`` body, which the executor runs as a sub-plan, not as graph ops.
        Cond gates are cleared too: a loop built inside a cond branch is gated as a whole
        (its While op), not op by op."""
        old, gates = self.loop_frame, self._cond_gates
        self._local.loop_frame = frame
        self._cond_gates = ()
        try:
            yield
        finally:
            self._local.loop_frame = old
            self._cond_gates = gates

    # -- basic properties ----------------------------------------------------------
    @property
    def version(self) -> int:
        """Grows by one with every op added (0 for an empty graph)."""
        return len(self._ops)

    @property
    def finalized(self) -> bool:
        """True once :meth:`finalize` was called: no more ops may be added."""
        return self._finalized

    def finalize(self) -> None:
        """Makes the graph read-only (creating an op then raises RuntimeError)."""
        self._finalized = True

    def unfinalize(self) -> None:
        """Makes a finalized graph mutable again (a trainkit extension; TF's private
        ``_unsafe_unfinalize``): a monitored session that failed to start gives the
        graph back as it found it."""
        self._finalized = False

    _unsafe_unfinalize = unfinalize  # TF's spelling, used by some TF1 programs

    def _check_not_finalized(self) -> None:
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")

    def _invalidate_plans(self) -> None:
        self._plan_epoch += 1
        self._edit_epoch += 1

    def _note_edit(self) -> None:
        """Records a change to an op already in the graph that leaves run plans valid
        (a new device, loop-frame bookkeeping): exports of the graph are stale."""
        self._edit_epoch += 1

    @property
    def plan_epoch(self) -> int:
        """Grows whenever a change (a new static shape, a feedability change, a new
        control input) makes compiled run plans of this graph stale."""
        return self._plan_epoch

    @property
    def edit_epoch(self) -> int:
        """Grows whenever an op already in the graph changes (a refined static shape, a
        new control input or device); with :attr:`version` it says whether an export of
        the graph (its ``GraphDef``) is still current. A trainkit extension."""
        return self._edit_epoch

    def as_default(self) -> contextlib.AbstractContextManager[Graph]:
        """Makes this graph the default graph of the current thread inside a ``with``."""
        return default_graph.default_graph_stack.get_controller(self)

    # -- naming --------------------------------------------------------------------
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """Prefixes ``name`` with the current scope and makes it unique (case-insensitive,
        as in TF: ``Const`` in use makes ``const`` become ``const_1``)."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    def get_name_scope(self) -> str:
        """The current name scope, without a trailing slash."""
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Opens a name scope; yields it with a trailing ``/`` (``""`` at the root).

        ``None`` or ``""`` resets to the root; a name ending in ``/`` re-enters that exact
        scope; any other name is made unique first.
        """
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield new + "/" if new else ""
        finally:
            self._name_stack = old

    # -- ops -----------------------------------------------------------------------
    def create_op(self, op_type: str, inputs: list | tuple, dtypes: list | None = None,
                  name: str | None = None, attrs: dict | None = None,
                  shapes: list | None = None) -> Operation:
        """Adds an op and returns it.

        Args:
            op_type: the registered op type.
            inputs: input ``Tensor``s (all from this graph).
            dtypes: output dtypes (one per output; ``[]`` for none).
            name: the op's base name (default: ``op_type``), scoped and uniquified; a name
                ending in ``/`` is used verbatim without the slash.
            attrs: attributes passed to the kernel through ``ctx.attrs``.
            shapes: output shapes; when None the registered shape function computes them
                (unknown shapes if there is none).

        Raises:
            RuntimeError: if the graph is finalized.
            ValueError: if an input belongs to another graph.
            TypeError: if an input is not a Tensor.
        """
        self._check_not_finalized()
        inputs = tuple(inputs)
        for t in inputs:
            if not isinstance(t, Tensor):
                raise TypeError(f"Input to op '{name or op_type}' must be a Tensor, got {t!r}.")
            if t._op._graph is not self:
                raise ValueError(
                    f"Tensor {t.name} must be from the same graph as the op "
                    f"'{name or op_type}' being created.")
        if name is None:
            name = op_type
        with self._lock:
            if name.endswith("/"):
                op_name = name[:-1]
                if op_name in self._by_name:
                    raise ValueError(f"Duplicate node name in graph: '{op_name}'")
                self._names_in_use[op_name.lower()] = 1
            else:
                op_name = self.unique_name(name)
            control: list[Operation] = []
            for frame in self._control_stack:
                if frame is None:
                    control = []
                    continue
                for c in frame:
                    if c not in control:
                        control.append(c)
            op = Operation(self, op_name, op_type, inputs, control, dict(attrs or {}),
                           len(self._ops))
            gates = self._cond_gates
            if gates:
                op._cond_gates = gates
            frame = getattr(self._local, "loop_frame", None)
            if frame is not None:
                frame.add(op)
            grad_type = self._gradient_override.get(op_type)
            if grad_type is not None:
                op._grad_type = grad_type
            dts = [as_dtype(d) for d in (dtypes or [])]
            if shapes is None:
                shapes = self._infer_shapes(op, dts)
            op._outputs = tuple(Tensor(op, i, d, as_shape(s))
                                for i, (d, s) in enumerate(zip(dts, shapes)))
            self._placement.place(op)
            for t in inputs:
                t._consumers.append(op)
            self._ops.append(op)
            self._by_name[op_name] = op
        return op

    def _infer_shapes(self, op: Operation, dts: list[DType]) -> list[TensorShape]:
        try:
            fn = registry.get_op_def(op.type).shape_fn
        except LookupError:
            fn = None
        if fn is None:
            return [TensorShape(None)] * len(dts)
        shapes = fn(op)
        if isinstance(shapes, TensorShape) or not isinstance(shapes, list | tuple):
            shapes = [shapes]
        return [as_shape(s) for s in shapes]

    def get_operations(self) -> list[Operation]:
        """All ops, in creation order."""
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        """The op called ``name``.

        Raises:
            TypeError: if ``name`` is not a string.
            KeyError / ValueError: if there is no such op or it names a tensor.
        """
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name: str) -> Tensor:
        """The tensor called ``name`` (``'op:0'``).

        Raises:
            TypeError: if ``name`` is not a string.
            KeyError / ValueError: if there is no such tensor or it names an op.
        """
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj: Any, allow_tensor: bool = True,
                         allow_operation: bool = True) -> Tensor | Operation:
        """Resolves a Tensor, Operation, name string or object with ``_as_graph_element``.

        Raises:
            TypeError: for objects that are neither.
            ValueError: for elements of another graph, or names of the wrong kind.
            KeyError: for names not in the graph.
        """
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None and not isinstance(obj, type):
            obj = conv()
        if isinstance(obj, bytes):  # TF accepts names as bytes (b"c:0") too
            obj = obj.decode("utf-8")
        if isinstance(obj, str):
            return self._element_by_name(obj, allow_tensor, allow_operation)
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj} is not an element of this graph.")
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj._graph is not self:
                raise ValueError(f"Operation {obj} is not an element of this graph.")
            return obj
        kinds = " or ".join(k for k, ok in (("Tensor", allow_tensor),
                                            ("Operation", allow_operation)) if ok)
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {kinds}.")

    def _element_by_name(self, name: str, allow_tensor: bool,
                         allow_operation: bool) -> Tensor | Operation:
        return element_names.resolve(self._by_name, name, allow_tensor, allow_operation)

    # -- feeding / fetching -----------------------------------------------------------
    def prevent_feeding(self, tensor: Tensor) -> None:
        """Marks ``tensor`` as not feedable."""
        self._unfeedable.add(tensor)
        self._invalidate_plans()

    def is_feedable(self, tensor: Tensor) -> bool:
        return tensor not in self._unfeedable

    def prevent_fetching(self, op: Operation) -> None:
        """Marks ``op`` (and its outputs) as not fetchable."""
        self._unfetchable.add(op)
        self._invalidate_plans()

    def is_fetchable(self, tensor_or_op: Tensor | Operation) -> bool:
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in self._unfetchable

    # -- control dependencies and compatibility contexts -------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Any) -> Iterator[None]:
        """Ops created inside depend on ``control_inputs`` (``None`` clears them).

        Raises:
            TypeError: if an item is not a Tensor or Operation.
        """
        if control_inputs is None:
            frame = None
        else:
            frame = []
            for c in control_inputs:
                conv = getattr(c, "_as_graph_element", None)
                if conv is not None:
                    c = conv()
                if isinstance(c, Tensor):
                    c = c.op
                if not isinstance(c, Operation):
                    raise TypeError(f"Control input must be Operation or Tensor: {c!r}")
                if c._graph is not self:
                    raise ValueError(f"Control input {c.name} is not an element of this graph.")
                frame.append(c)
        self._control_stack.append(frame)
        gates = self._cond_gates
        loop = self.loop_frame
        if frame is None:
            # like TF, None also leaves any cond branch or while-loop body being built
            self._cond_gates = ()
            self._local.loop_frame = None
        try:
            yield
        finally:
            self._control_stack.pop()
            self._cond_gates = gates
            self._local.loop_frame = loop

    def device(self, device_name_or_function: Any) -> contextlib.AbstractContextManager[None]:
        """Ops created inside record a device (``op.device``): a device name or
        ``DeviceSpec`` fills in the parts an inner scope left open, a function of the op
        returns the name, ``None`` ignores the scopes outside (see ``placement``).

        Differs from TF: the device is recorded only; trainkit runs every op on the CPU.

        Raises:
            ValueError: on entering, for a name TF cannot parse (``'/foo:1'``).
        """
        return self._placement.device(device_name_or_function)

    def colocate_with(self, op: Any, ignore_existing: bool = False
                      ) -> contextlib.AbstractContextManager[None]:
        """Ops created inside are colocated with ``op`` (an Operation, Tensor or Variable):
        they get its colocation groups as ``_class`` (``loc:@name``) and its device, and
        device scopes outside are ignored; ``ignore_existing`` drops outer colocations.

        Raises:
            ValueError: for ``op=None`` without ``ignore_existing``.
        """
        return self._placement.colocate_with(op, ignore_existing)

    def attr_scope(self, attrs: dict[str, Any]) -> contextlib.AbstractContextManager[None]:
        """Ops created inside get these attributes unless they set them (a trainkit
        extension; TF's private ``_attr_scope``, with Python values)."""
        return self._placement.attr_scope(attrs)

    _attr_scope = attr_scope

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map: dict[str, str]) -> Iterator[None]:
        """Ops created inside use the gradient registered under the mapped type."""
        old = dict(self._gradient_override)
        self._gradient_override.update(op_type_map)
        try:
            yield
        finally:
            self._gradient_override = old

    def _node_def_of(self, op: Operation) -> Any:
        """One op's ``NodeDef`` (``Operation.node_def``; the graph owns the serializer, so
        ``tensor`` needs no import of ``graph_def``)."""
        from trainkit.framework import graph_def

        return graph_def.node_def_of(op)

    def as_graph_def(self, from_version: int | None = None, add_shapes: bool = False) -> Any:
        """This graph as a complete ``GraphDef`` protocol buffer (tensorboardX's proto
        classes): every attribute and constant, so ``import_graph_def`` rebuilds it (see
        ``graph_def.node_def_of(full=True)``)."""
        from trainkit.framework import graph_def

        return graph_def.graph_def_of(self, add_shapes=add_shapes, full=True)

    @property
    def graph_def_versions(self) -> Any:
        return self.as_graph_def().versions


__all__ = [
    "Graph", "GraphKeys", "get_default_graph", "reset_default_graph", "name_scope",
    "get_name_scope", "control_dependencies", "device", "add_to_collection",
    "add_to_collections", "get_collection", "get_collection_ref",
]


# The default-graph API lives in its own module; re-exported here for callers that import
# it from ``graph``. (Imported last: default_graph needs ``Graph`` only inside functions.)
from trainkit.framework import default_graph  # noqa: E402
from trainkit.framework.default_graph import (  # noqa: E402
    add_to_collection,
    add_to_collections,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    get_name_scope,
    name_scope,
    reset_default_graph,
)

default_graph.set_graph_factory(Graph)
