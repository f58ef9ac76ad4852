"""igamma / igammac / betainc / polygamma (tk.math) and the digamma's gradient: values
equal TF 2.21 (``tf.compat.v1.math``, the same float64 inputs; recorded below) including
the domain edges (``x = 0``, ``x = inf``, poles, out-of-domain NaN), gradients equal
finite differences, and bad inputs raise TF's error types."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

INF, NAN = np.inf, np.nan
A = [0.5, 2.0, 10.0, 3.0, 1.0, 150.0, 0.01, 2.0, 2.0, -1.0]
X = [0.3, 1.5, 12.0, 0.01, 40.0, 140.0, 0.5, 0.0, INF, 1.0]
BX = [0.2, 0.9, 0.5, 0.01, 0.99, 0.6, 0.5, 0.0, 1.0, 0.5]
BB = [1.0, 0.5, 4.0, 2.0, 3.0, 100.0, 0.01, 2.0, 2.0, 1.0]
PN = [1., 1., 2., 0., 1.5, 3., 4., 1.]
PX = [-2.3, 0., -1., -2.3, 2., -0.7, 0.05, 1e3]
WANT = {
    "betainc": [0.447213595499958, 0.5414697392755847, 0.04614257812499988,
                3.970000000000002e-06, 0.999999, 0.49656438970144634, 0.5000000000000004,
                0.0, 1.0, NAN],
    "digamma_grad": [14.725912160961292, INF, INF, 14.725912160961292, 0.6449340668482266,
                     14.28618087263834, 401.53235734211506, 0.001000500166666633],
    "igamma": [0.5614219739190001, 0.44217459962892536, 0.757607838329488,
               1.6542165280748778e-07, 1.0, 0.20954362391859022, 0.9943732438060335, 0.0,
               1.0, NAN],
    "igammac": [0.43857802608099994, 0.5578254003710746, 0.24239216167051197,
                0.9999998345783472, 4.248354255291595e-18, 0.7904563760814098,
                0.0056267561939664645, 1.0, 0.0, NAN],
    "polygamma": [14.725912160961292, INF, NAN, 3.317323157561823, NAN, 768.1313523268523,
                  -76800019.59394214, 0.001000500166666633],
}


def _c(v):
    return tk.constant(np.array(v, np.float64))


def test_values_match_tf():
    px = _c(PX)
    got = {"igamma": tk.math.igamma(_c(A), _c(X)), "igammac": tk.math.igammac(_c(A), _c(X)),
           "betainc": tk.math.betainc(_c(A), _c(BB), _c(BX)),
           "polygamma": tk.math.polygamma(_c(PN), px),
           "digamma_grad": tk.gradients(tk.reduce_sum(tk.math.digamma(px)), px)[0]}
    with tk.Session() as s:
        got = s.run(got)
    for k, want in WANT.items():
        np.testing.assert_allclose(got[k], want, rtol=1e-10, atol=1e-300, err_msg=k)


def test_top_level_names_and_float32():
    assert tk.igamma is tk.math.igamma and tk.betainc is tk.math.betainc
    assert tk.polygamma is tk.math.polygamma and tk.igammac is tk.math.igammac
    y = tk.igamma([2.0, 0.7], [1.0, 3.0])
    assert y.dtype is tk.float32 and y.shape.as_list() == [2]
    with tk.Session() as s:  # 1 - 2/e and TF 2.21's float32 value
        np.testing.assert_allclose(s.run(y), [0.26424112915992737, 0.9744473695755005], rtol=2e-6)


def test_broadcasting_shapes():
    y = tk.math.betainc(_c([[1.0], [2.0]]), _c(3.0), _c([0.1, 0.5, 0.9]))
    assert y.shape.as_list() == [2, 3]
    with tk.Session() as s:  # I_x(1, 3) = 1 - (1 - x)^3
        np.testing.assert_allclose(s.run(y)[0], 1 - (1 - np.array([0.1, 0.5, 0.9])) ** 3,
                                   rtol=1e-12)


@pytest.mark.parametrize("fn, arrays", [
    (lambda x: tk.math.igamma(_c([[0.5], [3.0]]), x), [np.array([0.2, 1.0, 4.0])]),
    (lambda x: tk.math.igammac(_c([0.7, 2.0, 9.0]), x), [np.array([0.2, 1.0, 12.0])]),
    (lambda x: tk.math.betainc(_c([0.6, 2.0, 5.0]), _c([1.5, 0.8, 3.0]), x),
     [np.array([0.2, 0.5, 0.7])]),
    (lambda x: tk.math.polygamma(_c([1.0, 2.0, 0.0]), x), [np.array([0.4, 2.5, 11.0])]),
    (lambda x: tk.math.digamma(x), [np.array([0.3, 1.0, 3.0, 7.5, 20.0, -1.5])]),
])
def test_gradients_in_x_match_finite_differences(fn, arrays):
    check_grad(fn, *arrays, rtol=1e-6, atol=1e-8)


def test_igamma_gradient_in_a_matches_tf():
    """TF 2.21's IgammaGradA values (d igamma / da) at the same points."""
    a, x = _c([0.3, 2.0, 9.0]), _c([0.2, 1.0, 3.0])
    g = tk.gradients(tk.math.igamma(a, x), a)[0]
    gc = tk.gradients(tk.math.igammac(a, x), a)[0]
    with tk.Session() as s:
        got, got_c = s.run([g, gc])
    want = [-1.023380307220394, -0.27619604570283474, -0.004529696375442488]
    np.testing.assert_allclose(got, want, rtol=1e-9)
    np.testing.assert_allclose(got_c, -np.array(want), rtol=1e-9)


@pytest.mark.parametrize("fn", [tk.math.igamma, tk.math.igammac])
def test_igamma_gradients_in_a_match_finite_differences(fn):
    check_grad(lambda a: fn(a, _c([[0.2, 1.0, 15.0], [3.0, 0.5, 40.0]])),
               np.array([0.05, 2.0, 12.0]), rtol=1e-6, atol=1e-8)


def test_parameter_gradients_tf_does_not_have_are_none():
    a, b, x = _c([1.0, 2.0]), _c([2.0, 3.0]), _c([0.3, 0.6])
    assert tk.gradients(tk.math.betainc(a, b, x), [a, b]) == [None, None]
    assert tk.gradients(tk.math.polygamma(a, x), a) == [None]


def test_bad_inputs_raise():
    with pytest.raises(TypeError, match="Igamma"):
        tk.math.igamma(tk.constant([1, 2]), tk.constant([1, 2]))
    with pytest.raises(TypeError):
        tk.math.igammac(tk.constant(1.0, tk.float32), tk.constant(1.0, tk.float64))
    with pytest.raises(TypeError, match="Betainc"):
        tk.math.betainc(tk.constant([1, 2]), tk.constant([1, 2]), tk.constant([0, 1]))
    with pytest.raises(ValueError):
        tk.math.betainc(tk.constant(1.0, tk.float64), tk.constant(1.0, tk.float32), 0.5)
    with pytest.raises(ValueError, match="Betainc"):
        tk.math.betainc(_c([1.0, 2.0]), _c([1.0, 2.0, 3.0]), _c(0.5))
    with pytest.raises(ValueError, match="Polygamma"):
        tk.math.polygamma(_c([1.0, 2.0]), _c([1.0, 2.0, 3.0]))


def test_random_gamma_grad_matches_tf():
    """TF 2.21's ``raw_ops.RandomGammaGrad`` (d sample / d alpha of a standard Gamma draw)
    at fixed (alpha, sample) points."""
    from trainkit.ops.special_functions import random_gamma_grad

    got = random_gamma_grad(_c([0.3, 0.3, 2.0, 9.0, 50.0]), _c([0.01, 1.5, 1.0, 12.0, 45.0]))
    want = [0.14920695356145883, 3.213022780690316, 0.7507786921262597, 1.1722338430624117,
            0.951410192211624]
    with tk.Session() as s:
        np.testing.assert_allclose(s.run(got), want, rtol=1e-10)
