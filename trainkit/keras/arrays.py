"""NumPy arrays checked against a Keras model before ``fit``/``evaluate``/``predict`` feed
them, as tf_keras's ``standardize_input_data`` and loss/target checks do: one array per
input or output (a list, or a dict keyed by layer name), 1-D arrays made columns for
rank-2 tensors, static shapes and sample counts that agree.

Example:
    >>> xs = as_list({"a": xa, "b": xb}, ["a", "b"])
    >>> n = check_lengths(xs, ys)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework.tensor import Tensor
from trainkit.keras import losses as losses_mod


def as_list(data: Any, names: list, what: str = "input") -> list:
    """``data`` as a list of arrays (a dict is read in ``names`` order).

    Raises:
        ValueError: if a dict misses one of ``names``.
    """
    if data is None:
        return []
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"No data provided for {missing}. Need data for each key in: "
                             f"{names}")
        return [np.asarray(data[n]) for n in names]
    if isinstance(data, list | tuple):
        return [np.asarray(d) for d in data]
    return [np.asarray(data)]


def data_spec(data: Any) -> tuple[Any, Any]:
    """The shape and dtype a model that is not built yet is built for: the first array's,
    or dicts of them for a dict of arrays (a feature dict, tf_keras's ``ModelInputs``)."""
    if isinstance(data, dict):
        arrs = {k: np.asarray(v) for k, v in data.items()}
        return {k: a.shape for k, a in arrs.items()}, {k: a.dtype for k, a in arrs.items()}
    first = as_list(data, [], "input")[0]
    return first.shape, first.dtype


def check_shapes(arrays: list, tensors: list, names: list, what: str) -> list:
    """The arrays checked against the tensors' static shapes (1-D arrays for rank-2
    tensors become columns, as tf_keras's ``standardize_input_data`` does).

    Raises:
        ValueError: for the wrong number of arrays or a shape that does not fit.
    """
    if len(arrays) != len(tensors):
        raise ValueError(f"Error when checking model {what}: the list of Numpy arrays that "
                         f"you are passing to your model is not the size the model "
                         f"expected. Expected to see {len(tensors)} array(s), but instead got "
                         f"{len(arrays)} array(s).")
    out = []
    for arr, t, name in zip(arrays, tensors, names):
        shape = t.shape.as_list() if t.shape.ndims is not None else None
        if arr.ndim == 1 and shape is not None and len(shape) >= 2:
            arr = arr[:, None]
        if shape is not None:
            if arr.ndim != len(shape):
                raise ValueError(f"Error when checking {what}: expected {name} to have "
                                 f"{len(shape)} dimensions, but got array with shape "
                                 f"{arr.shape}")
            for want, got in zip(shape[1:], arr.shape[1:]):
                if want is not None and want != got:
                    raise ValueError(f"Error when checking {what}: expected {name} to have "
                                     f"shape {tuple(shape[1:])} but got array with shape "
                                     f"{arr.shape[1:]}")
        out.append(arr)
    return out


def check_lengths(xs: list, ys: list) -> int:
    """The common number of samples.

    Raises:
        ValueError: when the arrays disagree.
    """
    nx = {len(a) for a in xs}
    ny = {len(a) for a in ys}
    if len(nx) > 1:
        raise ValueError("All input arrays (x) should have the same number of samples. Got "
                         f"array shapes: {[a.shape for a in xs]}")
    if len(ny) > 1:
        raise ValueError("All target arrays (y) should have the same number of samples. Got "
                         f"array shapes: {[a.shape for a in ys]}")
    if nx and ny and nx != ny:
        raise ValueError("Input arrays should have the same number of samples as target "
                         f"arrays. Found {nx.pop()} input samples and {ny.pop()} target "
                         "samples.")
    return next(iter(nx)) if nx else 0


def check_target(y: np.ndarray, output: Tensor, loss_fn: Any) -> None:
    """tf_keras's loss/target check: dense losses need the output's shape.

    Raises:
        ValueError: when the shapes differ.
    """
    loss_fn = losses_mod.unwrap(loss_fn)
    if loss_fn is None or loss_fn is losses_mod.sparse_categorical_crossentropy:
        return
    shape = output.shape.as_list() if output.shape.ndims is not None else None
    if shape is None:
        return
    if loss_fn is losses_mod.categorical_crossentropy and y.shape[-1] == 1 and shape[-1] != 1:
        raise ValueError(f"You are passing a target array of shape {y.shape} while using as "
                         "loss `categorical_crossentropy`. `categorical_crossentropy` expects "
                         "targets to be binary matrices (1s and 0s) of shape (samples, "
                         "classes). If your targets are integer classes, use "
                         "`sparse_categorical_crossentropy` instead.")
    for want, got in zip(shape[1:], y.shape[1:]):
        if want is not None and want != got:
            raise ValueError(f"A target array with shape {y.shape} was passed for an output of "
                             f"shape {tuple(shape)} while using as loss "
                             f"`{getattr(loss_fn, '__name__', loss_fn)}`. This loss expects "
                             "targets to have the same shape as the output.")


__all__ = ["as_list", "data_spec", "check_shapes", "check_lengths", "check_target"]
