"""tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, expm1, erf, erfc, rint and
atan2 against NumPy / ``math`` references, and their gradients by finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

IN_UNIT = np.array([[0.3, -0.8, 0.05], [0.5, 0.1, -0.7]])
ABOVE_ONE = IN_UNIT + 2.0

CASES = [("tan", np.tan, IN_UNIT), ("asin", np.arcsin, IN_UNIT),
         ("acos", np.arccos, IN_UNIT), ("atan", np.arctan, IN_UNIT * 3),
         ("sinh", np.sinh, IN_UNIT * 2), ("cosh", np.cosh, IN_UNIT * 2),
         ("asinh", np.arcsinh, IN_UNIT * 3), ("acosh", np.arccosh, ABOVE_ONE),
         ("atanh", np.arctanh, IN_UNIT), ("expm1", np.expm1, IN_UNIT),
         ("erf", np.vectorize(math.erf), IN_UNIT * 2),
         ("erfc", np.vectorize(math.erfc), IN_UNIT * 2)]


@pytest.mark.parametrize(("name", "ref", "x"), CASES, ids=[c[0] for c in CASES])
def test_unary_values_and_gradients(name, ref, x):
    fn = getattr(tk, name)
    assert getattr(tk.math, name) is fn
    y = fn(tk.constant(x.astype(np.float32)))
    assert y.dtype is tk.float32 and y.op.type == name.capitalize()
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(y), ref(x), rtol=1e-6, atol=1e-7)
    check_grad(fn, x, rtol=1e-6, atol=1e-8)


def test_atan2_and_rint():
    y = np.array([[1.0, -1.0], [0.5, -2.0]])
    x = np.array([[-1.0, -1.0], [2.0, 0.3]])
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(tk.atan2(y, x)), np.arctan2(y, x), rtol=1e-12)
        assert sess.run(tk.rint([0.5, 1.5, -0.5, 2.4])).tolist() == [0.0, 2.0, -0.0, 2.0]
    check_grad(tk.atan2, y, x)
    check_grad(lambda a, b: tk.atan2(a, b), y, np.array([0.7, -1.3]))  # broadcast
    with pytest.raises(TypeError):
        tk.erf(tk.constant([1, 2]))
