"""Device placement records: the ``tf.device`` scopes, the ``colocate_with`` stack and
the attribute scope of one graph, and how they set a new op's ``device`` and ``_class``.

trainkit runs every op on the CPU; it only records the device names TF1 graph mode would
record, so programs that read ``op.device``, test a ``replica_device_setter`` or export
a ``GraphDef`` see TF's strings. The rules, as in TF:

- Scopes apply innermost first. A name (or ``DeviceSpec``) fills in only the parts the op
  does not have yet (``/job:ps`` around ``/device:GPU:0`` gives
  ``/job:ps/device:GPU:0``) and writes TF's canonical form (``/cpu:0`` ->
  ``/device:CPU:0``). A device function is called once per op, with the op, and its
  string replaces the op's device as it is. ``None`` hides every scope outside it; an
  empty name is skipped.
- Inside ``colocate_with(op)`` the device scopes outside are ignored; the new op takes
  the colocation groups of the ops it is colocated with (``_class = [b"loc:@op"]``) and
  the device of the innermost of them that has one, over any device scope.

Example:
    >>> g = tk.Graph()
    >>> with g.as_default(), g.device("/job:ps"), g.device("/gpu:0"):
    ...     c = tk.constant(1.0)
    >>> c.device
    '/job:ps/device:GPU:0'
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.device_spec import DeviceSpec, parse_components
from trainkit.framework.tensor import Operation, Tensor

CLASS_ATTR = "_class"  # TF's attribute naming an op's colocation groups
# Ops TF defines with reference inputs (assign, scatter and ``Apply*`` update ops): TF
# colocates them with the variables those inputs come from.
_REF_OP_PREFIXES = ("Assign", "Scatter", "Apply", "SparseApply")
_REF_OPS = frozenset({"IsVariableInitialized", "CountUpTo"})
_VARIABLE_OPS = frozenset({"VariableV2", "Variable", "TemporaryVariable"})


class DeviceScope:
    """One ``tf.device(...)`` argument, ready to apply to ops.

    Raises:
        ValueError: for a device name TF cannot parse (``/foo:1``).
        AttributeError: for an argument that is neither a string, a ``DeviceSpec``, a
            callable nor None (TF's error).
    """

    __slots__ = ("_target", "_function", "resets", "is_null")

    def __init__(self, device_name_or_function: Any) -> None:
        self._target: DeviceSpec | None = None
        self._function = None
        self.resets = device_name_or_function is None
        if isinstance(device_name_or_function, DeviceSpec):
            # Kept live: a TF1 DeviceSpec changed inside its scope changes later ops.
            self._target = device_name_or_function
        elif callable(device_name_or_function):
            self._function = device_name_or_function
        elif not self.resets:
            self._target = DeviceSpec(*parse_components(device_name_or_function))
        self.is_null = self._target is not None and not self._target.to_string()

    def device_for(self, op: Operation) -> str:
        """The device this scope gives ``op``, whose device so far is ``op.device``.

        Raises:
            TypeError: if a device function returns neither a string nor a DeviceSpec.
            ValueError: if the op's device so far is not a device name (a device function
                inside this scope returned one TF cannot parse).
        """
        if self._function is None:
            current = DeviceSpec(*parse_components(op.device))
            return self._target.make_merged_spec(current).to_string()
        return device_string(self._function(op))


def device_string(value: Any) -> str:
    """The string a device function's result stands for (a ``DeviceSpec`` as its name).

    Raises:
        TypeError: for anything but a string, bytes or a DeviceSpec.
    """
    if isinstance(value, DeviceSpec):
        return value.to_string()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if not isinstance(value, str):
        raise TypeError(f"Expected binary or unicode string, got {value!r} (a device "
                        "function must return a device name or a DeviceSpec).")
    return value


def colocation_op(obj: Any) -> Operation:
    """The op that ``colocate_with(obj)`` means: an Operation itself, else the op of what
    ``obj`` converts to as a reference (a variable's ``VariableV2`` op)."""
    if isinstance(obj, Operation):
        return obj
    if isinstance(obj, Tensor):
        return obj.op
    return conversion.convert_to_tensor(obj, as_ref=True).op


class Placement(threading.local):
    """A graph's per-thread placement state and the context managers that change it."""

    def __init__(self) -> None:
        self.scopes: list[DeviceScope] = []
        self.colocation: list[Operation] = []
        self.attrs: dict[str, Any] = {}

    @contextlib.contextmanager
    def device(self, device_name_or_function: Any) -> Iterator[None]:
        scope = DeviceScope(device_name_or_function)
        self.scopes.append(scope)
        try:
            yield
        finally:
            if not self.scopes or self.scopes[-1] is not scope:
                raise RuntimeError("Exiting device scope without proper scope nesting.")
            self.scopes.pop()

    @contextlib.contextmanager
    def colocate_with(self, obj: Any, ignore_existing: bool = False) -> Iterator[None]:
        if obj is None and not ignore_existing:
            raise ValueError("Trying to reset colocation (op is None) but ignore_existing "
                             "is not True")
        op = None if obj is None else colocation_op(obj)
        scopes, stack = self.scopes, self.colocation
        self.scopes = []
        if ignore_existing:
            self.colocation = []
        if op is not None:
            self.colocation = [*self.colocation, op]
        try:
            yield
        finally:
            self.scopes, self.colocation = scopes, stack

    @contextlib.contextmanager
    def attr_scope(self, attrs: dict[str, Any]) -> Iterator[None]:
        old = self.attrs
        self.attrs = {**old, **attrs}
        try:
            yield
        finally:
            self.attrs = old

    def place(self, op: Operation) -> None:
        """Sets a new op's attributes from the attribute scope, its device from the device
        scopes, then its colocation groups and device from the colocation stack."""
        for key, value in self.attrs.items():
            op.attrs.setdefault(key, value)
        colocation = self.colocation
        refs = _ref_sources(op)
        if refs:  # as inside ``colocate_with`` each variable: device scopes are ignored
            colocation = [*colocation, *refs]
        for scope in () if refs else reversed(self.scopes):
            if scope.is_null:
                continue
            if scope.resets:
                break
            op.set_device(scope.device_for(op))
        if colocation:
            groups: set[bytes] = set()
            device = ""
            for other in reversed(colocation):
                groups.update(other.colocation_groups())
                if other.device and not device:
                    device = other.device
            if device:
                op.set_device(device)
            op.attrs[CLASS_ATTR] = sorted(groups)


def _ref_sources(op: Operation) -> list[Operation]:
    """The variable ops feeding ``op``'s reference inputs (none for most ops)."""
    if op.type not in _REF_OPS and not op.type.startswith(_REF_OP_PREFIXES):
        return []
    return [t.op for t in op.inputs if t.op.type in _VARIABLE_OPS]


__all__ = ["DeviceScope", "Placement", "colocation_op", "device_string", "CLASS_ATTR"]
