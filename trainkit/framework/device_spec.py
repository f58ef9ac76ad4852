"""``tf.DeviceSpec`` (TF1's mutable form): a device name's parts -- job, replica, task,
device type and index -- parsed from and written back to ``"/job:w/replica:0/task:1/
device:CPU:0"``. trainkit runs every op on the CPU; programs build these names for
``tf.device`` and cluster specs.

Example:
    >>> tk.DeviceSpec.from_string("/job:ps/task:1/device:GPU:0").task
    1
"""

from __future__ import annotations

from typing import Any

_FIELDS = ("job", "replica", "task", "device_type", "device_index")
# The types the short form (``/gpu:0``) accepts, as TF without pluggable devices.
_DEVICE_TYPES = ("CPU", "GPU", "TPU", "CUSTOM", "EPU")


class DeviceSpec:
    """The parts of a device name; ``None`` where unspecified.

    Args:
        job: the job name (a string).
        replica: the replica index.
        task: the task index.
        device_type: e.g. ``"CPU"`` or ``"GPU"`` (``cpu``/``gpu`` are upper-cased).
        device_index: the device index, or None for any.
    """

    def __init__(self, job: str | None = None, replica: int | None = None,
                 task: int | None = None, device_type: str | None = None,
                 device_index: int | None = None) -> None:
        self.job, self.replica, self.task = job, replica, task
        self.device_type, self.device_index = device_type, device_index

    def __setattr__(self, name: str, value: Any) -> None:
        # Setting a part converts it as the constructor does (TF1's setters).
        if name in ("replica", "task", "device_index"):
            value = _index(value)
        elif name == "device_type":
            value = _device_type(value)
        elif name == "job":
            value = None if value is None else str(value)
        object.__setattr__(self, name, value)

    @classmethod
    def from_string(cls, spec: str) -> DeviceSpec:
        """The spec of a device name string.

        Raises:
            ValueError: for a part that is not a device name part.
        """
        return cls().parse_from_string(spec)

    def parse_from_string(self, spec: str) -> DeviceSpec:
        """Sets every part from ``spec`` (parts it does not name become None, as TF1's
        ``DeviceSpec`` does); returns self.

        Raises:
            ValueError: for an unknown part, two device types or an index that is not an
                integer.
            AttributeError: when ``spec`` is not a string (as TF).
        """
        job, replica, task, kind, index = parse_components(spec)
        self.job, self.replica, self.task = job, _index(replica), _index(task)
        self.device_type, self.device_index = _device_type(kind), _index(index)
        return self

    def merge_from(self, dev: DeviceSpec) -> None:
        """Takes every part ``dev`` specifies."""
        for f in _FIELDS:
            v = getattr(dev, f)
            if v is not None:
                setattr(self, f, v)

    def make_merged_spec(self, dev: DeviceSpec) -> DeviceSpec:
        """A new spec: this one with every part ``dev`` specifies."""
        out = self.replace()
        out.merge_from(dev)
        return out

    def replace(self, **kwargs: Any) -> DeviceSpec:
        """A copy with the given parts replaced."""
        values = {f: getattr(self, f) for f in _FIELDS}
        for k, v in kwargs.items():
            if k not in values:
                raise TypeError(f"replace() got an unexpected keyword argument '{k}'")
            values[k] = v
        return DeviceSpec(**values)

    def to_string(self) -> str:
        """The device name (parts that are None are left out)."""
        out = []
        if self.job is not None:
            out.append(f"/job:{self.job}")
        if self.replica is not None:
            out.append(f"/replica:{self.replica}")
        if self.task is not None:
            out.append(f"/task:{self.task}")
        if self.device_type is not None:
            index = "*" if self.device_index is None else str(self.device_index)
            out.append(f"/device:{self.device_type}:{index}")
        return "".join(out)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self) -> int:
        return hash(self.to_string())

    def __repr__(self) -> str:
        return (f"<DeviceSpec(job={self.job}, replica={self.replica}, task={self.task}, "
                f"device_type={self.device_type}, device_index={self.device_index})>")


def parse_components(spec: str | None) -> tuple:
    """``(job, replica, task, device_type, device_index)`` of a device name, each None
    when not named; indices stay strings (``"*"`` means any and becomes None).

    Empty parts (``//``, ``/:1``) are skipped, as TF does.

    Raises:
        ValueError: for an unknown part or two device types.
        AttributeError: when ``spec`` is not a string (TF's error).
    """
    if spec is not None and not isinstance(spec, str):
        raise AttributeError(f"'{type(spec).__name__}' object has no attribute 'split': a "
                             f"device name must be a string, got {spec!r}.")
    job = replica = task = kind = index = None
    for part in (spec or "").split("/"):
        bits = part.split(":")
        n, head = len(bits), bits[0]
        if n == 2 and head in ("job", "replica", "task"):
            if head == "job":
                job = bits[1]
            elif head == "replica":
                replica = bits[1]
            else:
                task = bits[1]
        elif (n in (1, 2) and head.upper() in _DEVICE_TYPES) or (n == 3 and head == "device"):
            if kind is not None:
                raise ValueError(f"Multiple device types are not allowed while parsing "
                                 f"the device spec: {spec}.")
            kind, index = (head.upper(), bits[1] if n == 2 else "*") if n < 3 else (
                bits[1], bits[2])
            if index == "*":
                index = None
        elif head != "":
            raise ValueError(f"Unknown attribute '{head}' is encountered while parsing "
                             f"the device spec: '{spec}'.")
    return job, replica, task, kind, index


def canonical_name(spec: str | DeviceSpec | None) -> str:
    """The device name TF stores for ``spec`` (``"/cpu:0"`` -> ``"/device:CPU:0"``).

    Raises:
        ValueError: for a string that is not a device name.
    """
    if spec is None:
        return ""
    if isinstance(spec, DeviceSpec):
        return spec.to_string()
    return DeviceSpec.from_string(spec).to_string()


def _index(value: Any) -> int | None:
    # int() as TF: a non-integer index raises ValueError (TypeError for non-numbers)
    return None if value is None else int(value)


def _device_type(value: Any) -> str | None:
    if value is None:
        return None
    # TF upper-cases exactly "cpu" and "gpu" (its older spellings), nothing else
    return value.upper() if value in ("cpu", "gpu") else str(value)


__all__ = ["DeviceSpec", "canonical_name", "parse_components"]
