"""The bundled digits dataset and its deterministic split."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from trainkit.data import datasets


def test_digits_file_is_the_documented_one():
    path = Path(datasets.__file__).with_name("digits.npz")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    readme = path.with_name("README.md").read_text()
    assert digest in readme


def test_digits_split_is_deterministic_and_stratified():
    (xtr, ytr), (xte, yte) = datasets.load_digits()
    # round(0.2 * n) per class: 36,36,35,37,36,36,36,36,35,36 = 359 test images
    assert xtr.shape == (1438, 64) and xte.shape == (359, 64)
    assert xtr.dtype == np.float32 and 0.0 <= xtr.min() and xtr.max() == 1.0
    assert ytr.dtype == np.int64
    counts = np.bincount(yte, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37  # ~20 % of each class
    (xtr2, ytr2), _ = datasets.load_digits()
    assert np.array_equal(xtr, xtr2) and np.array_equal(ytr, ytr2)
    (_, y_other), _ = datasets.load_digits(seed=1)
    assert not np.array_equal(ytr, y_other)
    (ximg, _), _ = datasets.load_digits(flatten=False, normalize=False)
    assert ximg.shape == (1438, 8, 8, 1) and ximg.max() == 16.0


def test_bad_arguments():
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.load_digits(test_fraction=1.5)
    with pytest.raises(ValueError, match="available: digits"):
        datasets.load("mnist")
