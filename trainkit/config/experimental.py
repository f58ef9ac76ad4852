"""``trainkit.config.experimental`` (``tf.config.experimental``). Re-exports only."""

from __future__ import annotations

from trainkit.client.runtime_config import (
    get_memory_growth,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_memory_growth,
    set_visible_devices,
)

__all__ = ["get_memory_growth", "get_visible_devices", "list_logical_devices",
           "list_physical_devices", "set_memory_growth", "set_visible_devices"]
