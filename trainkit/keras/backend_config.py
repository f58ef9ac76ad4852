"""Keras's global float settings (``tf.keras.backend.floatx``/``epsilon``/
``image_data_format``), kept apart from the session module so that the tensor functions
of ``tf.keras.backend`` (``backend_math``, ``backend_arrays``) can read them without an
import circle. ``tk.keras.backend`` re-exports everything here.

Example:
    >>> tk.keras.backend.epsilon()
    1e-07
"""

from __future__ import annotations

_SETTINGS = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


def floatx() -> str:
    """The default float type's name (``'float32'``)."""
    return _SETTINGS["floatx"]


def set_floatx(value: str) -> None:
    """Sets the default float type.

    Raises:
        ValueError: for a name other than float16, float32, float64.
    """
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of "
                         "{'float16', 'float32', 'float64'}")
    _SETTINGS["floatx"] = str(value)


def epsilon() -> float:
    """The fuzz factor Keras's losses clip probabilities with (``1e-07``)."""
    return _SETTINGS["epsilon"]


def set_epsilon(value: float) -> None:
    """Sets :func:`epsilon`."""
    _SETTINGS["epsilon"] = float(value)


def image_data_format() -> str:
    """``'channels_last'``."""
    return _SETTINGS["image_data_format"]


__all__ = ["floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format"]
