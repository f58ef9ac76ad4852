"""Config-nameable data sources: bundled datasets and the user's own ``.npz`` arrays,
split deterministically into train and eval parts.

A source is a function whose keyword arguments are its ``[data]`` keys; the CLI fills in
``images`` (the model wants NHWC inputs), ``regression`` (the model predicts numbers),
``base_dir`` (the config's folder) and ``seed`` (``data.seed``). The table lines are in
:mod:`trainkit.cli.components`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np

from trainkit.cli.errors import ConfigError
from trainkit.cli.schema import ExistingFile, OpenFraction

EvalFraction = Annotated[float, OpenFraction]


@dataclass
class Splits:
    """Train and eval arrays plus what the model head needs."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_eval: np.ndarray
    y_eval: np.ndarray
    classification: bool
    num_outputs: int


def digits(eval_fraction: EvalFraction = 0.2, *, images: bool = False,
           regression: bool = False, base_dir: Path | None = None, seed: int = 0) -> Splits:
    """The bundled UCI 8×8 digits (1797 images, 10 classes), split stratified."""
    from trainkit.data.datasets import load_digits

    if regression:
        raise ConfigError("data.type: 'digits' is a classification dataset; a regression "
                          "model needs type = 'npz' with features and targets.")
    (xtr, ytr), (xte, yte) = load_digits(test_fraction=eval_fraction, seed=seed,
                                         flatten=not images)
    return Splits(xtr, ytr, xte, yte, True, 10)


def npz(npz: Annotated[str, ExistingFile], features_key: str = "x", labels_key: str = "y",
        eval_fraction: EvalFraction = 0.2, *, images: bool = False, regression: bool = False,
        base_dir: Path | None = None, seed: int = 0) -> Splits:
    """Named arrays of an ``.npz`` file (``npz``, relative to the config); integer labels
    make a classification task unless the model is a regression."""
    path = Path(npz).expanduser()
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    try:
        with np.load(path, allow_pickle=False) as f:
            keys = list(f.keys())
            for key, where in ((features_key, "features_key"), (labels_key, "labels_key")):
                if key not in keys:
                    raise ConfigError(f"data.{where}: {path} has no array {key!r}; it has: "
                                      f"{', '.join(keys)}.")
            x = np.asarray(f[features_key])
            y = np.asarray(f[labels_key])
    except (OSError, ValueError) as e:
        if isinstance(e, ConfigError):
            raise
        raise ConfigError(f"data.npz: cannot read {path}: {e}") from None
    if len(x) != len(y):
        raise ConfigError(f"data.npz: {features_key} has {len(x)} rows but "
                          f"{labels_key} has {len(y)}.")
    if len(x) < 2:
        raise ConfigError(f"data.npz: {path} needs at least 2 examples.")
    if images and x.ndim != 4:
        raise ConfigError(f"data.npz: the model takes images (N, height, width, channels) but "
                          f"{features_key} in {path} has shape {x.shape}.")
    x = x.astype(np.float32).reshape(len(x), -1) if not images else x.astype(np.float32)
    classification = np.issubdtype(y.dtype, np.integer) and not regression
    if classification:
        y = y.astype(np.int64).reshape(-1)
        if y.min() < 0:
            raise ConfigError(f"data.labels_key: class labels in {path} must be >= 0, got "
                              f"{int(y.min())}.")
        n_out = int(y.max()) + 1
    else:
        y = y.astype(np.float32).reshape(len(y), -1)
        n_out = y.shape[1]
    rng = np.random.Generator(np.random.PCG64(seed))
    order = rng.permutation(len(x))
    n_eval = max(1, int(round(len(x) * eval_fraction)))
    ev, tr = order[:n_eval], order[n_eval:]
    return Splits(x[tr], y[tr], x[ev], y[ev], classification, n_out)


def load_splits(cfg: Any, images: bool | None = None) -> Splits:
    """Loads the data a config (a :class:`trainkit.cli.config.Config`) names; ``images``
    defaults to what its model takes.

    Raises:
        ConfigError: a missing file or key, or arrays that do not fit together.
    """
    model = cfg.model.component.meta
    if images is None:
        images = bool(model.get("images"))
    base = cfg.path.parent if cfg.path is not None else None
    return cfg.data.component.fn(**cfg.data.args, images=images,
                                 regression=bool(model.get("regression")), base_dir=base,
                                 seed=cfg.data.seed)


__all__ = ["Splits", "load_splits", "digits", "npz"]
