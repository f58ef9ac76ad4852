"""TF's v1/v2 behaviour switches. trainkit is TF1 graph mode only, so the calls that ask
for TF1 behaviour (``disable_eager_execution``, ``disable_v2_behavior``, ...) are
accepted and do nothing, the queries answer as TF1 does, and asking for eager
execution is an error.

Example:
    >>> tk.disable_v2_behavior()          # the usual first line of tf.compat.v1 code
    >>> tk.executing_eagerly()
    False
"""

from __future__ import annotations

from typing import Any


def executing_eagerly() -> bool:
    """Always False: trainkit builds graphs and runs them in sessions."""
    return False


def executing_eagerly_outside_functions() -> bool:
    """Always False (graph mode)."""
    return False


def _accepted(*args: Any, **kwargs: Any) -> None:
    """Accepted and ignored: trainkit already behaves as TF1 here."""


disable_eager_execution = _accepted
disable_v2_behavior = _accepted
disable_resource_variables = _accepted
disable_v2_tensorshape = _accepted
disable_control_flow_v2 = _accepted
disable_tensor_equality = _accepted
enable_v2_tensorshape = _accepted
enable_control_flow_v2 = _accepted
enable_resource_variables = _accepted
enable_tensor_equality = _accepted


def resource_variables_enabled() -> bool:
    """False: variables are TF1 reference variables."""
    return False


def control_flow_v2_enabled() -> bool:
    """False: control flow is TF1's."""
    return False


def enable_eager_execution(*args: Any, **kwargs: Any) -> None:
    """Not available: trainkit runs TF1 graphs only.

    Raises:
        NotImplementedError: always.
    """
    raise NotImplementedError("trainkit runs TF1 graphs in sessions; eager execution is not "
                              "available.")


enable_v2_behavior = enable_eager_execution

__all__ = [
    "executing_eagerly", "executing_eagerly_outside_functions", "disable_eager_execution",
    "disable_v2_behavior", "disable_resource_variables", "disable_v2_tensorshape",
    "disable_control_flow_v2", "disable_tensor_equality", "enable_v2_tensorshape",
    "enable_control_flow_v2", "enable_resource_variables", "enable_tensor_equality",
    "resource_variables_enabled", "control_flow_v2_enabled", "enable_eager_execution",
    "enable_v2_behavior",
]
