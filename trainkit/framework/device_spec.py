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
_DEVICE_TYPES = ("CPU", "GPU", "TPU")


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
        self.job = None if job is None else str(job)
        self.replica = _index(replica, "replica")
        self.task = _index(task, "task")
        self.device_type = _device_type(device_type)
        self.device_index = _index(device_index, "device_index")

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
            ValueError: for an unknown part or two device types.
        """
        seen_type = False
        for f in _FIELDS:
            setattr(self, f, None)
        for part in (spec or "").split("/"):
            bits = part.split(":")
            if bits == [""]:
                continue
            n, head = len(bits), bits[0]
            if n == 2 and head in ("job", "replica", "task"):
                setattr(self, head, bits[1] if head == "job" else _index(bits[1], head))
            elif (n in (1, 2) and head.upper() in _DEVICE_TYPES) or (n == 3 and
                                                                    head == "device"):
                if seen_type:
                    raise ValueError(f"Multiple device types are not allowed while parsing "
                                     f"the device spec: {spec}.")
                seen_type = True
                kind, index = (head.upper(), bits[1] if n == 2 else "*") if n < 3 else (
                    bits[1], bits[2])
                self.device_type = kind
                self.device_index = None if index == "*" else _index(index, "device")
            else:
                raise ValueError(f"Unknown attribute '{head}' is encountered while parsing "
                                 f"the device spec: '{spec}'.")
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
        return f"<DeviceSpec '{self.to_string()}'>"


def _index(value: Any, what: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {what} index: {value!r}") from None


def _device_type(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text.upper() if text.lower() in ("cpu", "gpu") else text


__all__ = ["DeviceSpec"]
