"""``trainkit.config`` (``tf.config``): the devices trainkit sees (one CPU) and the
process-wide thread settings new sessions run with. Re-exports only (see
``client/runtime_config.py``).

Example:
    >>> import trainkit as tf
    >>> tf.config.list_physical_devices("GPU")
    []
"""

from __future__ import annotations

from trainkit.client.runtime_config import (
    LogicalDevice,
    PhysicalDevice,
    get_soft_device_placement,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_soft_device_placement,
    set_visible_devices,
)
from trainkit.config import experimental, threading

__all__ = ["LogicalDevice", "PhysicalDevice", "experimental", "get_soft_device_placement",
           "get_visible_devices", "list_logical_devices", "list_physical_devices",
           "set_soft_device_placement", "set_visible_devices", "threading"]
