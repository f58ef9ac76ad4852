"""Benchmark 6: wall time of the library's import in a fresh process, and RSS after it.

The runner starts a new interpreter for every measurement, so each function here
times a cold ``import`` (modulo the OS file cache). Only the standard library is
loaded before the timed import.
"""

from __future__ import annotations

import importlib
import os
import time
from typing import Any

from benchmarks.timing import rss_mb


def _time_import(name: str) -> dict[str, Any]:
    before = rss_mb()
    t0 = time.perf_counter()
    importlib.import_module(name)
    seconds = time.perf_counter() - t0
    after = rss_mb()
    return {"import_s": seconds, "rss_mb": after.get("rss_mb", 0.0),
            "info": {"module": name, "rss_before_mb": before.get("rss_mb", 0.0)}}


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """``import trainkit``."""
    return _time_import("trainkit")


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """``import tensorflow``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return _time_import("tensorflow")


def torch(cfg: dict[str, Any]) -> dict[str, Any]:
    """``import torch``."""
    return _time_import("torch")


def numpy(cfg: dict[str, Any]) -> dict[str, Any]:
    """``import numpy`` (the floor: trainkit imports it)."""
    return _time_import("numpy")
