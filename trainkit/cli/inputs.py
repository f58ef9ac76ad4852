"""Config-nameable data sources: bundled datasets and the user's own ``.npz`` arrays,
split deterministically into train and eval parts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trainkit.cli.config import Config, ConfigError, resolve_path


@dataclass
class Splits:
    """Train and eval arrays plus what the model head needs."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_eval: np.ndarray
    y_eval: np.ndarray
    classification: bool
    num_outputs: int


def _npz(cfg: Config, images: bool) -> Splits:
    path = resolve_path(cfg, cfg.data.npz)
    try:
        with np.load(path, allow_pickle=False) as f:
            keys = list(f.keys())
            for key, where in ((cfg.data.features_key, "features_key"),
                               (cfg.data.labels_key, "labels_key")):
                if key not in keys:
                    raise ConfigError(f"data.{where}: {path} has no array {key!r}; it has: "
                                      f"{', '.join(keys)}.")
            x = np.asarray(f[cfg.data.features_key])
            y = np.asarray(f[cfg.data.labels_key])
    except (OSError, ValueError) as e:
        if isinstance(e, ConfigError):
            raise
        raise ConfigError(f"data.npz: cannot read {path}: {e}") from None
    if len(x) != len(y):
        raise ConfigError(f"data.npz: {cfg.data.features_key} has {len(x)} rows but "
                          f"{cfg.data.labels_key} has {len(y)}.")
    if len(x) < 2:
        raise ConfigError(f"data.npz: {path} needs at least 2 examples.")
    x = x.astype(np.float32).reshape(len(x), -1) if not images else x.astype(np.float32)
    classification = np.issubdtype(y.dtype, np.integer) and cfg.model.type != "linear"
    if classification:
        y = y.astype(np.int64).reshape(-1)
        n_out = int(y.max()) + 1
    else:
        y = y.astype(np.float32).reshape(len(y), -1)
        n_out = y.shape[1]
    rng = np.random.Generator(np.random.PCG64(cfg.data.seed))
    order = rng.permutation(len(x))
    n_eval = max(1, int(round(len(x) * cfg.data.eval_fraction)))
    ev, tr = order[:n_eval], order[n_eval:]
    return Splits(x[tr], y[tr], x[ev], y[ev], classification, n_out)


def load_splits(cfg: Config, images: bool) -> Splits:
    """Loads the data a config names.

    Raises:
        ConfigError: a missing file or key, or arrays that do not fit together.
    """
    if cfg.data.npz:
        return _npz(cfg, images)
    from trainkit.data.datasets import load_digits

    (xtr, ytr), (xte, yte) = load_digits(test_fraction=cfg.data.eval_fraction,
                                         seed=cfg.data.seed, flatten=not images)
    return Splits(xtr, ytr, xte, yte, True, 10)


__all__ = ["Splits", "load_splits"]
