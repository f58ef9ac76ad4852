"""What ``tf.config`` sets for the whole process: devices, thread pools, soft placement.

trainkit has one device, the CPU, so ``list_physical_devices`` lists it alone and GPU
settings (memory growth) are refused as TF refuses them for a CPU. The thread counts
are TF's context settings: a ``Session`` created without a ``config`` runs with them, as
TF 2.x builds a session's default ``ConfigProto`` from its context (``client/threads.py``
applies ``intra_op_parallelism_threads``, ``client/inter_op.py`` the inter-op count).
A session given a ``ConfigProto`` uses that config's counts, as in TF.

Differs from TF: visible devices only record the choice (the CPU always runs every op)
and may be changed at any time; a thread count must be an int (TF stores anything and
fails later), and the intra-op count must be >= 0.

Example:
    >>> list_physical_devices("CPU")
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    >>> set_intra_op_parallelism_threads(2)
    >>> get_intra_op_parallelism_threads()
    2
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, NamedTuple

from trainkit import errors
from trainkit.client.config_proto import ConfigProto


class PhysicalDevice(NamedTuple):
    """A device of the machine (``tf.config.PhysicalDevice``)."""

    name: str
    device_type: str


class LogicalDevice(NamedTuple):
    """A device the runtime places ops on (``tf.config.LogicalDevice``)."""

    name: str
    device_type: str


CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
_PHYSICAL = (CPU,)

_lock = threading.Lock()
_settings: dict[str, Any] = {"intra": None, "inter": None, "soft": None}
_visible: list[PhysicalDevice] = list(_PHYSICAL)


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The machine's devices of ``device_type`` (``"CPU"``, ``"GPU"``; None: all).

    An unknown or lower-case type matches nothing, as in TF.
    """
    return [d for d in _PHYSICAL if device_type is None or d.device_type == device_type]


def list_logical_devices(device_type: str | None = None) -> list[LogicalDevice]:
    """The devices ops may run on: the CPU, unless it was hidden.

    Raises:
        tk.errors.NotFoundError: if ``set_visible_devices`` hid the CPU.
    """
    if CPU not in _visible:
        raise errors.NotFoundError(None, None, "No CPU devices are available in this process")
    return [LogicalDevice(name="/device:CPU:0", device_type="CPU")
            for d in _visible if device_type is None or d.device_type == device_type]


def _check_device(device: Any) -> None:
    if device not in _PHYSICAL:
        raise ValueError(f"Unrecognized device: {device!r}")


def get_visible_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The visible physical devices of ``device_type`` (None: all)."""
    with _lock:
        return [d for d in _visible if device_type is None or d.device_type == device_type]


def set_visible_devices(devices: Any, device_type: str | None = None) -> None:
    """Makes ``devices`` (a device or a list) the visible devices of ``device_type``.

    Raises:
        ValueError: for a device that is not one of :func:`list_physical_devices`.
    """
    chosen = list(devices) if isinstance(devices, Iterable) and not isinstance(
        devices, PhysicalDevice) else [devices]
    for d in chosen:
        _check_device(d)
    with _lock:
        keep = [d for d in _visible if device_type is not None and d.device_type != device_type]
        _visible[:] = [d for d in _PHYSICAL if d in keep or d in chosen]


def set_memory_growth(device: Any, enable: bool) -> None:
    """TF's GPU memory growth switch: there is no GPU, so every device is refused.

    Raises:
        ValueError: for a device not listed, and for the CPU (TF's message).
    """
    del enable
    _check_device(device)
    raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")


def get_memory_growth(device: Any) -> bool:
    """TF's GPU memory growth flag.

    Raises:
        ValueError: for a device not listed.
        KeyError: for the CPU (it has no such flag; TF raises the same).
    """
    _check_device(device)
    raise KeyError(device)


def _set(key: str, value: Any) -> None:
    with _lock:
        _settings[key] = value


def _thread_count(name: str, n: Any, minimum: int | None) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, got {n!r}")
    if minimum is not None and n < minimum:
        raise ValueError(f"{name} must be >= {minimum} (0: trainkit chooses), got {n}")
    return n


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """The threads one op may use, for sessions created later without a ``config``
    (0: trainkit's default).

    Raises:
        TypeError: if ``num_threads`` is not an int. ValueError: if it is negative.
    """
    _set("intra", _thread_count("num_threads", num_threads, 0) or None)


def get_intra_op_parallelism_threads() -> int:
    """The intra-op thread count set (0 when never set: the runtime chooses)."""
    return _settings["intra"] or 0


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """The threads that may run independent ops at once, for sessions created later
    without a ``config`` (0: trainkit's default; negative: the caller's thread only).

    Raises:
        TypeError: if ``num_threads`` is not an int.
    """
    _set("inter", _thread_count("num_threads", num_threads, None) or None)


def get_inter_op_parallelism_threads() -> int:
    """The inter-op thread count set (0 when never set: the runtime chooses)."""
    return _settings["inter"] or 0


def set_soft_device_placement(enabled: bool) -> None:
    """Records TF's soft-placement switch (every trainkit op runs on the CPU anyway)."""
    _set("soft", bool(enabled))


def get_soft_device_placement() -> bool:
    """The soft-placement switch (False until set, as TF 2.21 in graph mode)."""
    return bool(_settings["soft"])


def default_session_config() -> ConfigProto | None:
    """The ``ConfigProto`` a session created without one runs with: the thread counts set
    here, or None when none was set."""
    with _lock:
        intra, inter = _settings["intra"], _settings["inter"]
    if intra is None and inter is None:
        return None
    return ConfigProto(intra_op_parallelism_threads=intra or 0,
                       inter_op_parallelism_threads=inter or 0)


__all__ = ["PhysicalDevice", "LogicalDevice", "list_physical_devices", "list_logical_devices",
           "get_visible_devices", "set_visible_devices", "set_memory_growth",
           "get_memory_growth", "set_intra_op_parallelism_threads",
           "get_intra_op_parallelism_threads", "set_inter_op_parallelism_threads",
           "get_inter_op_parallelism_threads", "set_soft_device_placement",
           "get_soft_device_placement", "default_session_config"]
