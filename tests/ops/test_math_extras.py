"""sequence_mask, reduce_logsumexp, count_nonzero, l2_normalize, tensordot, einsum,
div_no_nan, reduce_variance/std, swish, crelu and log_sigmoid: values and gradients equal
to TF 2.21 (tf.compat.v1, graph mode, the same inputs; numbers recorded below), and
gradients by finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = [[0.3, -1.2, 2.0], [0.5, 0.1, -0.7]]
Y = [[1.0, 0.0, -2.0], [0.0, 3.0, 0.5]]
INF = np.inf


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def test_sequence_mask_equals_tf():
    assert _run(tk.sequence_mask([[1, 3], [0, 2]])).tolist() == [
        [[True, False, False], [True, True, True]], [[False, False, False], [True, True, False]]]
    got = _run(tk.sequence_mask([2, 0, 3], maxlen=4, dtype=tk.float32))
    assert got.dtype == np.float32
    assert got.tolist() == [[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 0]]
    lengths = tk.placeholder(tk.int32, [None])
    with tk.Session() as sess:
        assert sess.run(tk.sequence_mask(lengths, 3), {lengths: [1]}).tolist() == [
            [True, False, False]]
    with pytest.raises(ValueError, match="maxlen must be scalar"):
        tk.sequence_mask([1], [2, 3])


def test_reduce_logsumexp_equals_tf_with_infinities_and_large_values():
    x = tk.constant([[1., 2., 3.], [-INF, -INF, -INF], [1000., 1000., -5]])
    np.testing.assert_allclose(_run(tk.reduce_logsumexp(x, axis=1)),
                               [3.4076058864593506, -INF, 1000.6931762695312], rtol=1e-6)
    got = _run(tk.reduce_logsumexp(tk.constant(X, tk.float64), keepdims=True))
    np.testing.assert_allclose(got, [[2.5088336531944444]], rtol=1e-12)
    x64 = tk.constant(X, tk.float64)
    (g,) = tk.gradients(tk.reduce_logsumexp(x64, axis=1) * [2., 3.], [x64])
    np.testing.assert_allclose(_run(g), [
        [0.2986377243667824, 0.06663508326432278, 1.6347271923688949],
        [1.5216729921713648, 1.0200079101634982, 0.45831909766513673]], rtol=1e-12)
    check_grad(lambda t: tk.reduce_logsumexp(t, axis=0), np.array(X))


def test_count_nonzero_equals_tf():
    got = _run(tk.count_nonzero(tk.constant([[0, 1, 2], [0, 0, 3]]), axis=1))
    assert got.dtype == np.int64 and got.tolist() == [2, 1]
    assert _run(tk.count_nonzero(tk.constant([b"a", b"", b"b"]))) == 2
    assert _run(tk.math.count_nonzero([[1.0, 0.0]], keepdims=True, dtype=tk.int32)).tolist() \
        == [[1]]


def test_l2_normalize_equals_tf():
    x = tk.constant(X, tk.float64)
    np.testing.assert_allclose(_run(tk.nn.l2_normalize(x, axis=1)), [
        [0.12757297666876868, -0.5102919066750747, 0.8504865111251245],
        [0.5773502691896258, 0.11547005383792518, -0.8082903768654761]], rtol=1e-12)
    np.testing.assert_allclose(_run(tk.math.l2_normalize(x)), [
        [0.11971303267014333, -0.4788521306805733, 0.7980868844676222],
        [0.19952172111690555, 0.039904344223381114, -0.2793304095636678]], rtol=1e-12)
    assert _run(tk.nn.l2_normalize(tk.zeros([2, 2]), axis=0)).tolist() == [[0, 0], [0, 0]]
    check_grad(lambda t: tk.nn.l2_normalize(t, dim=1), np.array(X))


def test_tensordot_equals_tf():
    a = tk.reshape(tk.range(24.), [2, 3, 4])
    got = _run(tk.tensordot(a, tk.reshape(tk.range(12.), [4, 3]), [[2], [0]]))
    np.testing.assert_array_equal(got, [
        [[42, 48, 54], [114, 136, 158], [186, 224, 262]],
        [[258, 312, 366], [330, 400, 470], [402, 488, 574]]])
    np.testing.assert_array_equal(_run(tk.tensordot(a, tk.reshape(tk.range(12.), [3, 4]), 2)),
                                  [506, 1298])
    p = tk.placeholder(tk.float32, [None, 3, 4])
    t = tk.tensordot(p, tk.ones([4, 2]), 1)
    assert t.shape.as_list() == [None, 3, 2]
    with tk.Session() as sess:
        assert sess.run(t, {p: np.ones((5, 3, 4))}).shape == (5, 3, 2)
    check_grad(lambda u, v: tk.tensordot(u, v, [[0, 2], [2, 0]]),
               np.random.default_rng(0).normal(size=(2, 3, 4)),
               np.random.default_rng(1).normal(size=(4, 5, 2)))


def test_einsum_equals_tf_including_ellipsis_and_implicit_output():
    a = tk.reshape(tk.range(12.), [2, 2, 3])
    got = _run(tk.einsum("bij,bjk->bik", a, tk.reshape(tk.range(12.), [2, 3, 2])))
    np.testing.assert_array_equal(got, [[[10, 13], [28, 40]], [[172, 193], [244, 274]]])
    np.testing.assert_allclose(_run(tk.einsum("ij->j", tk.constant(X, tk.float64))),
                               [0.8, -1.1, 1.3], rtol=1e-12)
    got = _run(tk.einsum("...ij,jk->...ik", a, tk.reshape(tk.range(6.), [3, 2])))
    np.testing.assert_array_equal(got, [[[10, 13], [28, 40]], [[46, 67], [64, 94]]])
    got = _run(tk.einsum("ij,jk", tk.reshape(tk.range(6.), [2, 3]),
                         tk.reshape(tk.range(6.), [3, 2])))
    np.testing.assert_array_equal(got, [[10, 13], [28, 40]])
    with pytest.raises(ValueError):
        tk.einsum("ij,jk->ik", tk.ones([2, 3]), tk.ones([4, 2]))


def test_einsum_gradients_equal_tf_and_finite_differences():
    a = tk.reshape(tk.range(6., dtype=tk.float64), [2, 3])
    b = tk.reshape(tk.range(12., dtype=tk.float64) * 0.1, [3, 4])
    ga, gb = tk.gradients(tk.reduce_sum(tk.sin(tk.einsum("ij,jk->ik", a, b))), [a, b])
    x = tk.constant(X, tk.float64)
    (gs,) = tk.gradients(tk.reduce_sum(tk.sin(tk.einsum("ij->i", x))), [x])
    ga, gb, gs = _run([ga, gb, gs])
    np.testing.assert_allclose(ga, [
        [-0.5292928023466491, -1.693400712884851, -2.857508623423053],
        [-0.2346133441479893, -0.024765458689070208, 0.1850824267698492]], rtol=1e-10)
    np.testing.assert_allclose(gb[:, 0], [2.3266976355307487, 2.686116677493856,
                                          3.0455357194569634], rtol=1e-10)
    np.testing.assert_allclose(gs, [[0.4535961214255773] * 3, [0.9950041652780258] * 3],
                               rtol=1e-10)
    rng = np.random.default_rng(2)
    check_grad(lambda u, v: tk.einsum("bij,bkj->bik", u, v), rng.normal(size=(2, 3, 4)),
               rng.normal(size=(2, 2, 4)))
    check_grad(lambda u, v: tk.einsum("ij,k->ik", u, v), rng.normal(size=(2, 3)),
               rng.normal(size=(4,)))


def test_div_no_nan_values_and_gradients_equal_tf():
    x, y = tk.constant(X, tk.float64), tk.constant(Y, tk.float64)
    w = tk.constant(np.cos(np.arange(6)).reshape(2, 3), tk.float64)
    q = tk.div_no_nan(x, y)
    gx, gy = tk.gradients(tk.reduce_sum(w * q), [x, y])
    q, gx, gy = _run([q, gx, gy])
    np.testing.assert_allclose(q, [[0.3, 0.0, -1.0], [0.0, 0.1 / 3, -1.4]], rtol=1e-12)
    np.testing.assert_allclose(gx, [[1.0, 0.0, 0.2080734182735712],
                                    [0.0, -0.2178812069545373, 0.5673243709264525]],
                               rtol=1e-12)
    np.testing.assert_allclose(gy, [[-0.3, 0.0, 0.2080734182735712],
                                    [0.0, 0.007262706898484577, 0.7942541192970335]],
                               rtol=1e-12)


def test_div_no_nan_is_one_op_that_broadcasts():
    """TF 2.21 builds one ``DivNoNan`` named ``div_no_nan`` (``div_no_nan/y`` for a Python
    operand); a broadcast divisor's gradient sums back to its shape (NumPy reference)."""
    x = tk.constant([[1.0, 2.0], [3.0, 4.0]], tk.float64)
    y = tk.constant([2.0, 0.0], tk.float64)
    q = tk.div_no_nan(x, y)
    assert (q.op.type, q.op.name) == ("DivNoNan", "div_no_nan")
    assert tk.div_no_nan(x, 2.0).op.inputs[1].op.name == "div_no_nan_1/y"
    gy, = tk.gradients(tk.reduce_sum(q), [y])
    qv, gv = _run([q, gy])
    np.testing.assert_array_equal(qv, [[0.5, 0.0], [1.5, 0.0]])
    np.testing.assert_allclose(gv, [-(1.0 + 3.0) / 4.0, 0.0])  # -sum(x) / y**2, 0 at y=0
    with pytest.raises(TypeError, match="DivNoNan"):
        tk.div_no_nan(tk.constant([1, 2]), tk.constant([1, 0]))


def test_variance_std_and_activations_equal_tf():
    x = tk.constant(X, tk.float64)
    got = _run([tk.math.reduce_variance(x, axis=0), tk.math.reduce_std(x), tk.nn.swish(x),
                tk.nn.crelu(x), tk.log_sigmoid(x), tk.nn.silu(x)])
    np.testing.assert_allclose(got[0], [0.01, 0.4225, 1.8225], rtol=1e-12)
    np.testing.assert_allclose(got[1], 1.0094002619817815, rtol=1e-12)
    np.testing.assert_allclose(got[2], [
        [0.1723327550434977, -0.27777025980117886, 1.7615941559557649],
        [0.3112296656009273, 0.052497918747894, -0.23226855948228375]], rtol=1e-12)
    np.testing.assert_allclose(got[3], [[0.3, 0, 2.0, 0, 1.2, 0], [0.5, 0.1, 0, 0, 0, 0.7]])
    np.testing.assert_allclose(got[4], [
        [-0.5543552444685271, -1.4632824673380311, -0.1269280110429725],
        [-0.4740769841801067, -0.6443966600735709, -1.103186048885458]], rtol=1e-12)
    np.testing.assert_array_equal(got[5], got[2])
    check_grad(lambda t: tk.nn.swish(t, beta=1.5), np.array(X))
    check_grad(tk.log_sigmoid, np.array(X))


def test_tables_initializer_runs_table_inits():
    v = tk.Variable(1.0)
    tk.add_to_collection(tk.GraphKeys.TABLE_INITIALIZERS, tk.assign(v, 5.0).op)
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())
        assert sess.run(v) == 5.0
    assert tk.initialize_all_tables is tk.tables_initializer
