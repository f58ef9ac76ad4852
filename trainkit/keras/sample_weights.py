"""``sample_weight`` and ``class_weight`` arrays made into one weight array per model
output, as tf_keras's v1 ``standardize_sample_weights`` / ``standardize_weights`` do.

A weight argument is one array (single output), a list (one entry per output) or a dict
keyed by output name (missing outputs count 1). ``class_weight`` maps a class index to a
weight; an example's class is its target's argmax for one-hot targets, else the target
itself. With both, the weights multiply. ``sample_weight_mode='temporal'`` takes one
weight per time step (``[samples, steps]``, for outputs of rank 3 and more); otherwise a
weight is one per sample (``[samples]``).

Example:
    >>> ws = standardize(ys, [None], sample_weight=w, class_weight={0: 1., 1: 5.},
    ...                  names=["dense_1"])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

MODES = (None, "samplewise", "temporal")


def per_output(value: Any, names: list[str], what: str) -> list:
    """``value`` (an array, a list or a dict by output name) as one entry per output.

    Raises:
        ValueError: a list of the wrong length, or a dict naming an unknown output.
        TypeError: anything else for a model with several outputs.
    """
    if value is None or (isinstance(value, list | tuple) and not value):
        return [None] * len(names)
    if len(names) == 1:
        if isinstance(value, list | tuple) and len(value) == 1:
            return list(value)
        if isinstance(value, Mapping) and names[0] in value:
            return [value[names[0]]]
        return [value]
    if isinstance(value, list | tuple):
        if len(value) != len(names):
            raise ValueError(f"Provided `{what}` was a list of {len(value)} elements, but the "
                             f"model has {len(names)} outputs. You should provide one "
                             f"`{what}`array per model output.")
        return list(value)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only expected "
                             f"following keys: {names}")
        return [value.get(n) for n in names]
    raise TypeError(f"The model has multiple outputs, so `{what}` should be either a list "
                    f"or a dict. Provided `{what}` type not understood: {value!r:.100}")


def check_mode(mode: Any) -> None:
    """Raises ValueError for a ``sample_weight_mode`` other than None or ``'temporal'``."""
    if mode not in MODES:
        raise ValueError(f'"sample_weight_mode should be None or "temporal". Found: {mode}')


def _class_weights(y: np.ndarray, class_weight: Mapping) -> np.ndarray:
    if y.ndim > 2:
        raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
    classes = y
    if y.ndim == 2:
        classes = np.argmax(y, axis=1) if y.shape[1] > 1 else y.reshape(len(y))
    missing = {c.item() for c in np.unique(classes)} - set(class_weight)
    if missing:
        raise ValueError("`class_weight` must contain all classes in the data. The classes "
                         f"{missing} exist in the data but not in `class_weight`.")
    return np.asarray([class_weight[c.item()] for c in classes])


def standardize_one(y: np.ndarray, sample_weight: Any, class_weight: Any,
                    mode: Any) -> np.ndarray | None:
    """The weight array of one output with targets ``y`` (None: no weights).

    Raises:
        ValueError: an unknown mode, weights of the wrong rank or shape for the mode and
            targets, or a ``class_weight`` missing a class of ``y``.
    """
    check_mode(mode)
    sw = None if sample_weight is None else np.asarray(sample_weight)
    if mode == "temporal":
        if y.ndim < 3:
            raise ValueError(f"Found a sample_weight array for an input with shape {y.shape}. "
                             'Timestep-wise sample weighting (use of sample_weight_mode='
                             '"temporal") is restricted to outputs that are at least 3D, '
                             "i.e. that have a time dimension.")
        if sw is not None and sw.ndim != 2:
            raise ValueError(f"Found a sample_weight array with shape {sw.shape}. In order to "
                             "use timestep-wise sample weighting, you should pass a 2D "
                             "sample_weight array.")
    elif sw is not None and sw.ndim != 1:
        raise ValueError(f"Found a sample_weight array with shape {sw.shape}. In order to use "
                         "timestep-wise sample weights, you should specify "
                         'sample_weight_mode="temporal" in compile(). If you just mean to use '
                         "sample-wise weights, make sure your sample_weight array is 1D.")
    if sw is not None and y.shape[:sw.ndim] != sw.shape:
        raise ValueError(f"Found a sample_weight array with shape {sw.shape} for an input "
                         f"with shape {y.shape}. sample_weight cannot be broadcast.")
    cw = None
    if isinstance(class_weight, Mapping):
        cw = _class_weights(y, class_weight)
    if cw is not None and sw is not None:
        return cw * sw
    return sw if sw is not None else cw


def standardize(ys: list, modes: list, sample_weight: Any = None, class_weight: Any = None,
                names: list[str] | None = None) -> list:
    """One weight array (or None) per output for the targets ``ys``.

    Raises:
        ValueError: as :func:`per_output` and :func:`standardize_one`, or weights whose
            sample count differs from the targets'.
        TypeError: as :func:`per_output`.
    """
    names = list(names or [])
    sws = per_output(sample_weight, names, "sample_weight")
    cws = per_output(class_weight, names, "class_weight")
    out = [standardize_one(y, sw, cw, mode) for y, sw, cw, mode in zip(ys, sws, cws, modes)]
    lengths = {len(w) for w in out if w is not None}
    if len(lengths) > 1:
        raise ValueError("All sample_weight arrays should have the same number of samples. "
                         f"Got array shapes: {[None if w is None else w.shape for w in out]}")
    if lengths and ys and lengths != {len(ys[0])}:
        raise ValueError("Sample_weight arrays should have the same number of samples as "
                         f"target arrays. Got {len(ys[0])} input samples and "
                         f"{lengths.pop()} target samples.")
    return out


__all__ = ["per_output", "check_mode", "standardize_one", "standardize", "MODES"]
