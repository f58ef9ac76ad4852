"""Inputs shared by test_sparsemax.py and make_sparsemax_reference.py (which builds TF
1.15's ``tf.contrib.sparsemax`` graphs with TF 2.21's ops and records
sparsemax_reference.json)."""

from __future__ import annotations

import numpy as np

_r = np.random.RandomState(7)
LOGITS = {
    "random": _r.normal(size=(4, 6)).astype(np.float32),
    "ties": np.array([[1.0, 1.0, 0.0, -1.0], [0.5, 0.5, 0.5, 0.5]], np.float32),
    "wide": (_r.normal(size=(3, 5)) * 4).astype(np.float64),
}
#: rows with +inf, all -inf, nan, and a -inf among finite values
SPECIAL = np.array([[np.inf, 0, 1], [-np.inf, -np.inf, -np.inf], [np.nan, 1, 2],
                    [-np.inf, 1, 0.5]], np.float32)
#: output weights for the gradient sum(w * sparsemax(z)) and the loss labels
WEIGHTS = {k: np.random.RandomState(3).normal(size=v.shape).astype(v.dtype)
           for k, v in LOGITS.items()}
LABELS = {k: np.eye(v.shape[1], dtype=v.dtype)[np.arange(v.shape[0]) % v.shape[1]]
          for k, v in LOGITS.items()}
