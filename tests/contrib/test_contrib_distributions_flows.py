"""Normalizing-flow bijectors of tk.contrib.distributions (MaskedAutoregressiveFlow,
RealNVP, Permute) checked against their defining properties, in float64:

* the MADE masks equal the ones written out by hand from TF 1.15's rule (input block j
  feeds output blocks > j, or >= j for the inclusive layers);
* ``inverse(forward(x)) == x``;
* the Jacobian (central finite differences of ``forward``) is lower triangular for MAF
  and block-triangular for RealNVP, and ``forward_log_det_jacobian`` equals
  ``log|det J|`` computed from it with ``np.linalg.slogdet``;
* a MAF fitted by maximum likelihood to Gaussian data reaches the Gaussian's entropy
  (the best achievable average negative log-likelihood; an affine MAF can represent any
  Gaussian), which a mis-specified Jacobian term would miss.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.contrib.distributions.bijectors import flows

D = tk.contrib.distributions
B = D.bijectors
X = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])


def test_made_masks():
    """n_in = 3 inputs in 3 blocks; 6 outputs in blocks of 2."""
    exclusive = flows._gen_mask(3, 3, 6, exclusive=True)
    inclusive = flows._gen_mask(3, 3, 6, exclusive=False)
    assert exclusive.tolist() == [[0, 0, 0], [0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 1, 0],
                                  [1, 1, 0]]
    assert inclusive.tolist() == [[1, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 0], [1, 1, 1],
                                  [1, 1, 1]]


def _jacobian(sess, fn_out, x_ph, x, eps=1e-6):
    """J[b, i, j] = d y_i / d x_j by central differences, per batch row b."""
    n, k = x.shape
    jac = np.zeros((n, k, k))
    for j in range(k):
        up, dn = x.copy(), x.copy()
        up[:, j] += eps
        dn[:, j] -= eps
        jac[:, :, j] = (sess.run(fn_out, {x_ph: up}) - sess.run(fn_out, {x_ph: dn})) / (2 * eps)
    return jac


def _check_bijector(bij, structure):
    tk.set_random_seed(3)
    x_ph = tk.placeholder(tk.float64, [None, 3])
    y = bij.forward(x_ph)
    x_back = bij.inverse(y)
    fldj = bij.forward_log_det_jacobian(x_ph, event_ndims=1)
    ildj = bij.inverse_log_det_jacobian(y, event_ndims=1)
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        # larger weights, so the flow is far from the identity
        for v in tk.global_variables():
            s.run(v.assign(v * 1.5))
        got_back, got_fldj, got_ildj = s.run([x_back, fldj, ildj], {x_ph: X})
        jac = _jacobian(s, y, x_ph, X)
    np.testing.assert_allclose(got_back, X, atol=1e-12)
    assert np.all(np.abs(jac[:, ~structure]) < 1e-8), jac
    np.testing.assert_allclose(got_fldj, np.linalg.slogdet(jac)[1], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got_ildj, -got_fldj, rtol=1e-12)


def test_masked_autoregressive_flow_is_invertible_with_a_triangular_jacobian():
    maf = B.MaskedAutoregressiveFlow(B.masked_autoregressive_default_template([6, 6]))
    _check_bijector(maf, np.tril(np.ones((3, 3), bool)))
    names = sorted(v.name for v in tk.global_variables())
    assert len(names) == 6 and names[0] == "masked_autoregressive_default_template/dense/bias:0"


def test_real_nvp_is_invertible_with_a_block_triangular_jacobian():
    nvp = B.RealNVP(num_masked=1, shift_and_log_scale_fn=B.real_nvp_default_template([5]))
    structure = np.array([[True, False, False], [True, True, False], [True, False, True]])
    _check_bijector(nvp, structure)


def test_permute_and_a_chained_flow():
    perm = B.Permute([2, 0, 1])
    got = tk.Session().run([perm.forward(X), perm.inverse(perm.forward(X)),
                            perm.forward_log_det_jacobian(X, event_ndims=1)])
    np.testing.assert_array_equal(got[0], X[:, [2, 0, 1]])
    np.testing.assert_array_equal(got[1], X)
    np.testing.assert_array_equal(got[2], [0.0, 0.0])
    chain = B.Chain([B.MaskedAutoregressiveFlow(
        B.masked_autoregressive_default_template([4], name="maf2")), perm])
    # y = maf(u), u_k = x_p(k): column j of d y / d x is column p^-1(j) = [1, 2, 0][j] of
    # the MAF's lower-triangular Jacobian
    lower = np.tril(np.ones((3, 3), bool))[:, [1, 2, 0]]
    _check_bijector(chain, lower)


def test_maf_maximum_likelihood_reaches_the_gaussian_entropy():
    """Average NLL of 2000 points of N(mu, C) under a fitted MAF flow vs the entropy
    0.5 log det(2 pi e C) (the sample NLL of the true density differs from it by
    ~ sqrt(var / 2000) ~ 0.03 nats; tolerance 0.08)."""
    rng = np.random.default_rng(1)
    c = np.array([[1.0, 0.9], [0.9, 1.5]])
    data = rng.multivariate_normal([1.0, -0.5], c, size=2000)
    tk.set_random_seed(5)
    flow = D.TransformedDistribution(
        D.Normal(np.float64(0.0), np.float64(1.0)),
        B.MaskedAutoregressiveFlow(B.masked_autoregressive_default_template(
            [16], activation=None)), event_shape=[2])
    nll = -tk.reduce_mean(flow.log_prob(tk.constant(data)))
    step = tk.train.AdamOptimizer(0.02).minimize(nll)
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        for _ in range(800):
            s.run(step)
        final = s.run(nll)
    entropy = 0.5 * np.linalg.slogdet(2 * np.pi * np.e * c)[1]
    assert abs(final - entropy) < 0.08, (final, entropy)


@pytest.mark.parametrize("make,error,match", [
    (lambda: B.RealNVP(-1, B.real_nvp_default_template([2])), ValueError, "non-negative"),
    (lambda: B.RealNVP(3, B.real_nvp_default_template([2])).forward(np.zeros((1, 3))),
     ValueError, "must be smaller than the event size"),
    (lambda: B.MaskedAutoregressiveFlow(lambda x: (x, None), event_ndims=2), ValueError,
     "event_ndims must be 1"),
    (lambda: B.Permute([0, 2]), ValueError, "exactly one of each"),
    (lambda: B.MaskedAutoregressiveFlow(lambda x: (x, None)).forward_log_det_jacobian(
        np.zeros(2), event_ndims=0), ValueError, "must be larger than or equal to"),
    (lambda: B.masked_dense(tk.placeholder(tk.float32, [None, None]), 4, num_blocks=2),
     NotImplementedError, "Rightmost dimension must be known"),
])
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()
