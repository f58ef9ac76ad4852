"""The one device a trainkit session runs on, named as TF names it."""

from __future__ import annotations

#: TF's full name of the local CPU, as step stats and ``list_devices`` report it.
CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"

__all__ = ["CPU_DEVICE"]
