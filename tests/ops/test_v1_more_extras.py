"""More TF1 names: ``tf.math`` Bessel functions, ``erfcinv``, ``nextafter``; ``tf.nn``
``collapse_repeated``, ``ctc_unique_labels``, ``compute_average_loss``,
``scale_regularization_loss``; ``tf.io`` sparse serialization and
``decode_compressed`` and the queue aliases; ``tf.initializers.identity``;
``tf.logging.vlog``.

Expected values were computed with TF 2.21.0 ``tf.compat.v1`` (graph mode) unless a test
says otherwise; serialized bytes are TF's, byte for byte.
"""

import gzip
import logging
import math
import zlib

import numpy as np
import pytest

import trainkit as tk

X = [-3.0, -0.5, 0.0, 0.7, 2.0, 12.0]

# (values, gradients of the sum) at X in float64, and float32 values: TF 2.21
BESSEL = {
    "bessel_i0": ([4.880792585865024, 1.0634833707413238, 1.0, 1.1263030183068092,
                   2.279585302336067, 18948.925349296307],
                  [-3.9533702174026093, -0.2578943053908962, 0.0, 0.37187967777700875,
                   1.5906368546373295, 18141.348781638837],
                  [4.88079309463501, 1.063483476638794, 1.0, 1.1263028383255005,
                   2.279585361480713, 18948.92578125]),
    "bessel_i0e": ([0.24300035416182536, 0.6450352704491502, 1.0, 0.5593055265070683,
                    0.308508322553671, 0.11642622121344044],
                   [0.04617364086452452, 0.4886144672642786, 0.0, -0.37463554374432095,
                    -0.0932390333047333, -0.004961921923259435],
                   [0.24300038814544678, 0.6450353860855103, 1.0, 0.5593054294586182,
                    0.30850833654403687, 0.11642621457576752]),
    "bessel_i1": ([-3.9533702174026093, -0.2578943053908962, 0.0, 0.37187967777700875,
                   1.5906368546373295, 18141.348781638837],
                  # TF 2.21 gives 1.0 at x = 0; the derivative (and TF 1.x) 0.5
                  [3.563002513397487, 0.5476947599595314, 0.5, 0.5950463357682253,
                   1.484266875017402, 17437.14628415974],
                  [-3.953371047973633, -0.2578943371772766, 0.0, 0.3718796968460083,
                   1.59063720703125, 18141.349609375]),
    "bessel_i1e": ([-0.19682671329730084, -0.15642080318487162, 0.0, 0.18466998276274738,
                    0.2152692892489377, 0.11146429929018101],
                   [-0.01943526356790909, 0.17577286089453537, 0.5, 0.11082128265468177,
                    -0.014395611319735546, -0.004326769684255646],
                   [-0.1968267560005188, -0.15642082691192627, 0.0, 0.18466998636722565,
                    0.2152693271636963, 0.11146429926156998]),
}


def _run(fetches, feed=None):
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        return s.run(fetches, feed)


@pytest.mark.parametrize("name", sorted(BESSEL))
def test_bessel_functions_values_and_gradients(name):
    fn = getattr(tk.math, name)
    values, grads, values32 = BESSEL[name]
    x = tk.constant(X, tk.float64)
    y = fn(x)
    got, g = _run([y, tk.gradients(tk.reduce_sum(y), x)[0]])
    np.testing.assert_allclose(got, values, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(g, grads, rtol=1e-12, atol=1e-15)
    y32 = _run(fn(tk.constant(X, tk.float32)))
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, values32, rtol=3e-7)


def test_bessel_far_out_and_special_values():
    """Beyond the power series (|x| > 20) against the series itself in exact-ish
    float64 (mpmath-free: the series converges for any x, it only overflows), and the
    limits at infinity and NaN."""
    xs = np.array([25.0, 40.0, 100.0])
    y = _run(tk.math.bessel_i0e(tk.constant(xs, tk.float64)))
    ref = []
    for x in xs:  # sum of (x/2)^2k / k!^2, scaled by exp(-x), in log space per term
        terms = [math.exp(2 * k * math.log(x / 2) - 2 * math.lgamma(k + 1) - x)
                 for k in range(400)]
        ref.append(math.fsum(terms))
    np.testing.assert_allclose(y, ref, rtol=1e-13)
    special = _run(tk.math.bessel_i0e(tk.constant([np.inf, -np.inf, np.nan], tk.float64)))
    assert special[0] == 0.0 and special[1] == 0.0 and np.isnan(special[2])
    assert _run(tk.math.bessel_i0(tk.constant([1000.0]))).tolist() == [np.inf]
    with pytest.raises(TypeError):
        tk.math.bessel_i0(tk.constant([1]))


def test_erfcinv_and_nextafter():
    p = tk.constant([0.1, 0.5, 1.0, 1.5, 1.9, 0.0, 2.0], tk.float64)
    y = tk.math.erfcinv(p)
    g = tk.gradients(tk.reduce_sum(y[:5]), p)[0]
    with np.errstate(invalid="ignore"):  # 0 * inf at the ends (NaN, as TF)
        got, grad = _run([y, g])
    np.testing.assert_allclose(got[:5], [1.1630871536766743, 0.4769362762044699, 0.0,
                                         -0.4769362762044699, -1.1630871536766738],
                               rtol=1e-12, atol=1e-15)
    assert got[5] == np.inf and got[6] == -np.inf
    np.testing.assert_allclose(grad[:5], [-3.428042811451841, -1.1125848189719496,
                                          -0.8862269254527579, -1.1125848189719496,
                                          -3.428042811451837], rtol=1e-10)
    assert np.isnan(grad[5]) and np.isnan(grad[6])  # 0 * inf, as TF
    a = tk.math.nextafter(tk.constant([1.0, 0.0, -2.0]), tk.constant([2.0, -1.0, -2.0]))
    bits = tk.bitcast(a, tk.int32)
    va, vb = _run([a, bits])
    assert va.tolist()[2] == -2.0 and vb.tolist()[:2] == [1065353217, -2147483647]
    with pytest.raises(TypeError):
        tk.math.nextafter(tk.constant([1]), tk.constant([2]))


def test_collapse_repeated_and_ctc_unique_labels():
    lab = tk.constant([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]], tk.int64)
    cr, cl = tk.nn.collapse_repeated(lab, tk.constant([5, 3]))
    assert cr.dtype == tk.int64 and cl.dtype == tk.int32
    got = _run([cr, cl])
    assert [v.tolist() for v in got] == [[[1, 2, 3], [4, 0, 0]], [3, 1]]
    cr2, cl2 = tk.nn.collapse_repeated(tk.constant([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]]),
                                       tk.constant([0, 2]))
    assert [v.tolist() for v in _run([cr2, cl2])] == [[[0], [4]], [0, 1]]
    ul, ui = tk.nn.ctc_unique_labels(tk.constant([[3, 4, 4, 3, 0], [1, 1, 2, 0, 0]],
                                                 tk.int64))
    assert ul.dtype == tk.int64 and ui.dtype == tk.int32
    assert ui.shape.as_list() == [2, 5]
    assert [v.tolist() for v in _run([ul, ui])] == [[[3, 4, 0, 0, 0], [1, 2, 0, 0, 0]],
                                                    [[0, 1, 1, 0, 2], [0, 0, 1, 2, 2]]]
    with pytest.raises(tk.errors.InvalidArgumentError):
        _run(tk.nn.collapse_repeated(tk.constant([[1, 2]]), tk.constant([2, 2]))[0])


def test_compute_average_loss_and_scale_regularization_loss():
    assert float(_run(tk.nn.compute_average_loss(tk.constant([1.0, 2.0, 3.0, 6.0])))) == 3.0
    w = tk.nn.compute_average_loss(tk.constant([1.0, 2.0, 3.0, 6.0]),
                                   sample_weight=tk.constant([1.0, 0.0, 2.0, 1.0]),
                                   global_batch_size=8)
    assert float(_run(w)) == 1.625
    assert float(_run(tk.nn.compute_average_loss(tk.constant([[1.0, 2.0],
                                                               [3.0, 4.0]])))) == 5.0
    assert float(_run(tk.nn.compute_average_loss(tk.constant([1, 2])))) == 1.5
    with pytest.raises(ValueError, match="at least rank 1"):
        tk.nn.compute_average_loss(tk.constant(3.0))
    assert float(_run(tk.nn.scale_regularization_loss(tk.constant(3.0)))) == 3.0
    assert float(_run(tk.nn.scale_regularization_loss([1.0, 2.0]))) == 3.0


SERIALIZED = ["08091208120208021202080222200000000000000000010000000000000002000000000000"
              "000000000000000000", "080312041202080222080500000007000000",
              "0809120412020802221003000000000000000400000000000000"]
SERIALIZED_MANY = [
    ["080912081202080212020801221001000000000000000300000000000000",
     "080112041202080222080000c03f00002040", "080912041202080122080400000000000000"],
    ["08091206120012020801", "080112021200", "080912041202080122080400000000000000"],
    ["08091208120208011202080122080000000000000000", "0801120412020801220400006040",
     "080912041202080122080400000000000000"]]


def test_sparse_serialization_bytes_equal_tf_and_round_trip():
    st = tk.SparseTensor([[0, 1], [2, 0]], [5, 7], [3, 4])
    sm = tk.SparseTensor([[0, 1], [0, 3], [2, 0]], [1.5, 2.5, 3.5], [3, 4])
    one = tk.io.serialize_sparse(st)
    many = tk.io.serialize_many_sparse(sm)
    back = tk.io.deserialize_many_sparse(many, tk.float32)
    assert one.shape.as_list() == [3] and many.shape.as_list() == [None, 3]
    a, b, d = _run([one, many, back])
    assert [x.hex() for x in a] == SERIALIZED
    assert [[x.hex() for x in row] for row in b] == SERIALIZED_MANY
    assert d.indices.tolist() == [[0, 1], [0, 3], [2, 0]]
    assert d.values.tolist() == [1.5, 2.5, 3.5] and d.dense_shape.tolist() == [3, 4]
    assert tk.serialize_sparse is tk.io.serialize_sparse
    wrong = tk.io.deserialize_many_sparse(many, tk.int32)
    with pytest.raises(tk.errors.InvalidArgumentError, match="Requested SparseTensor of "
                                                             "type int32"):
        _run(wrong)
    with pytest.raises(tk.errors.InvalidArgumentError):
        _run(tk.io.deserialize_many_sparse(tk.constant([["x", "y", "z"]]), tk.float32))
    with pytest.raises(TypeError):
        tk.io.serialize_sparse(tk.constant([1.0]))


def test_decode_compressed():
    raw = b"hello world " * 5
    z = tk.io.decode_compressed(tk.constant([zlib.compress(raw)]), "ZLIB")
    g = tk.io.decode_compressed(tk.constant(gzip.compress(raw)), "GZIP")
    n = tk.io.decode_compressed(tk.constant(raw), "")
    vz, vg, vn = _run([z, g, n])
    assert vz.tolist() == [raw] and vg == raw and vn == raw
    with pytest.raises(tk.errors.DataLossError):
        _run(tk.io.decode_compressed(tk.constant(b"notzlib"), "ZLIB"))
    with pytest.raises(tk.errors.DataLossError):
        _run(tk.io.decode_compressed(tk.constant(b"notgzip"), "GZIP"))
    with pytest.raises(tk.errors.InvalidArgumentError):
        _run(tk.io.decode_compressed(tk.constant(b"x"), "BZ2"))


def test_io_queue_aliases_and_initializers_identity():
    assert tk.io.PaddingFIFOQueue is tk.PaddingFIFOQueue
    assert tk.io.RandomShuffleQueue is tk.RandomShuffleQueue
    assert tk.io.QueueBase is tk.QueueBase and tk.io.FIFOQueue is tk.FIFOQueue
    assert tk.io.match_filenames_once is tk.train.match_filenames_once
    assert tk.initializers.tables_initializer is tk.tables_initializer
    v = tk.get_variable("ident", [2, 3], initializer=tk.initializers.identity(gain=2.0))
    p = tk.get_variable("ident_p", [4, 2], initializer=tk.initializers.identity(),
                        partitioner=tk.fixed_size_partitioner(2))
    vals = _run([v, list(p)])
    assert vals[0].tolist() == [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    assert [a.tolist() for a in vals[1]] == [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0],
                                                                         [0.0, 0.0]]]
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        tk.get_variable("ident_bad", [3], initializer=tk.initializers.identity())


def test_logging_vlog(caplog):
    with caplog.at_level(logging.INFO, logger=tk.get_logger().name):
        tk.logging.vlog(logging.INFO, "vlog %d", 7)
        tk.logging.vlog(logging.DEBUG, "hidden")
    text = caplog.text
    assert "vlog 7" in text and "hidden" not in text
