"""``tf.image.ssim_multiscale`` / ``adjust_jpeg_quality`` / ``random_jpeg_quality``,
``tf.sparse.cross`` / ``cross_hashed`` / ``mask``, ``tf.strings.unsorted_segment_join``,
``tf.debugging.assert_shapes`` and ``tf.graph_util.remove_training_nodes`` /
``tensor_shape_from_node_def_name``.

Expected values were computed with TF 2.21.0 ``tf.compat.v1`` (graph mode) from the same
seeded NumPy inputs.
"""

import numpy as np
import pytest

import trainkit as tk


def _run(fetches, feed=None):
    with tk.Session() as s:
        return s.run(fetches, feed)


def _images():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (2, 16, 16, 3)).astype(np.uint8)
    x1 = rng.random((1, 180, 180, 3)).astype(np.float32)
    x2 = np.clip(x1 + rng.normal(0, 0.05, x1.shape), 0, 1).astype(np.float32)
    return img, x1, x2


def test_adjust_jpeg_quality_equals_tf():
    img, _, _ = _images()
    a = tk.image.adjust_jpeg_quality(tk.constant(img[0]), 50)
    b = tk.image.adjust_jpeg_quality(tk.constant((img[0] / 255.0).astype(np.float32)), 30)
    av, bv = _run([a, b])
    assert av.dtype == np.uint8 and int(av.astype(np.int64).sum()) == 99970
    assert av[0, :4, 0].tolist() == [209, 77, 39, 186]
    assert bv.dtype == np.float32
    np.testing.assert_allclose(float(bv.sum()), 390.5647277832031, rtol=1e-6)
    np.testing.assert_allclose(bv[0, :4, 0], [0.8000000715255737, 0.33725491166114807,
                                              0.019607843831181526, 0.729411780834198])
    q = tk.placeholder(tk.int32, [])
    c = tk.image.adjust_jpeg_quality(tk.constant(img[0]), q)
    assert np.array_equal(_run(c, {q: 50}), av)


def test_random_jpeg_quality_range_and_errors():
    img, _, _ = _images()
    out = tk.image.random_jpeg_quality(tk.constant(img[0]), 40, 60, seed=3)
    v = _run(out)
    assert v.shape == img[0].shape and v.dtype == np.uint8
    candidates = [_run(tk.image.adjust_jpeg_quality(tk.constant(img[0]), q))
                  for q in range(40, 60)]
    assert any(np.array_equal(v, c) for c in candidates)
    with pytest.raises(ValueError, match="between 0 and 100"):
        tk.image.random_jpeg_quality(tk.constant(img[0]), -1, 50)
    with pytest.raises(ValueError, match="less than"):
        tk.image.random_jpeg_quality(tk.constant(img[0]), 60, 60)


def test_ssim_multiscale_equals_tf():
    _, x1, x2 = _images()
    a = tk.image.ssim_multiscale(tk.constant(x1), tk.constant(x2), 1.0)
    b = tk.image.ssim_multiscale(tk.constant(x1), tk.constant(x2), 1.0,
                                 power_factors=(0.5, 0.5))
    av, bv = _run([a, b])
    np.testing.assert_allclose(av, [0.9873973727226257], rtol=2e-6)
    np.testing.assert_allclose(bv, [0.985279381275177], rtol=2e-6)
    # uint8 images: max_val 255 is converted with the images (to 1.0), as TF does
    u1, u2 = (x1 * 255).astype(np.uint8), (x2 * 255).astype(np.uint8)
    su = _run(tk.image.ssim(tk.constant(u1), tk.constant(u2), 255))
    sf = _run(tk.image.ssim(tk.constant(u1 / 255.0, tk.float32),
                            tk.constant(u2 / 255.0, tk.float32), 1.0))
    np.testing.assert_allclose(su, sf, rtol=1e-6)
    with pytest.raises(ValueError):   # the last scale is smaller than the filter
        tk.image.ssim_multiscale(tk.constant(x1[:, :100, :100]),
                                 tk.constant(x2[:, :100, :100]), 1.0)


def test_sparse_cross_and_cross_hashed():
    st1 = tk.SparseTensor([[0, 0], [1, 0], [1, 1]], tk.constant(["a", "b", "c"]), [2, 2])
    st2 = tk.SparseTensor([[0, 0], [1, 0]], tk.constant(["d", "e"]), [2, 1])
    c = tk.sparse.cross([st1, st2])
    h = tk.sparse.cross_hashed([st1, st2], num_buckets=100)
    cv, hv = _run([c, h])
    assert cv.indices.tolist() == [[0, 0], [1, 0], [1, 1]]
    assert cv.values.tolist() == [b"a_X_d", b"b_X_e", b"c_X_e"]
    assert cv.dense_shape.tolist() == [2, 2]
    assert hv.indices.tolist() == [[0, 0], [1, 0], [1, 1]]
    assert hv.values.tolist() == [82, 61, 41]
    dense = tk.constant([["x"], ["y"]])
    mixed = _run(tk.sparse.cross([dense, st2]))  # sparse inputs come first
    assert mixed.values.tolist() == [b"d_X_x", b"e_X_y"]
    with pytest.raises(TypeError):
        tk.sparse.cross([])
    with pytest.raises(ValueError):
        tk.sparse.cross_hashed([st1], num_buckets=-1)


def test_sparse_mask():
    a = tk.IndexedSlices(tk.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                         tk.constant([0, 3, 5]), tk.constant([6, 2]))
    m = tk.sparse.mask(a, tk.constant([3]))
    values, indices = _run([m.values, m.indices])
    assert values.tolist() == [[1.0, 2.0], [5.0, 6.0]] and indices.tolist() == [0, 5]
    with pytest.raises(TypeError):
        tk.sparse.mask(tk.constant([1.0]), [0])


def test_unsorted_segment_join():
    j = tk.strings.unsorted_segment_join(
        tk.constant([["Y", "q", "c"], ["Y", "6", "6"], ["p", "G", "a"]]),
        tk.constant([1, 0, 1]), 3, separator=":")
    assert _run(j).tolist() == [[b"Y", b"6", b"6"], [b"Y:p", b"q:G", b"c:a"],
                                [b"", b"", b""]]
    with pytest.raises(tk.errors.InvalidArgumentError):
        _run(tk.strings.unsorted_segment_join(tk.constant(["a", "b"]), tk.constant([0, 5]),
                                              2))


def test_assert_shapes_static_and_dynamic():
    x = tk.placeholder(tk.float32, [None, 3])
    y = tk.placeholder(tk.float32, [None])
    check = tk.debugging.assert_shapes([(x, ("N", "Q")), (y, ("N",))])
    with tk.control_dependencies([check]):
        z = tk.identity(x)
    assert _run(z, {x: np.ones((2, 3)), y: np.ones(2)}).tolist() == [[1.0] * 3] * 2
    with pytest.raises(tk.errors.InvalidArgumentError) as e:
        _run(z, {x: np.ones((2, 3)), y: np.ones(4)})
    assert ("[Specified by tensor Placeholder:0 dimension 0] [Tensor Placeholder_1:0 "
            "dimension] [0] [must have size] [2] [Received shape: ] [4]") in str(e.value)
    c = tk.constant(np.ones((2, 3)), name="Const_14")
    with pytest.raises(ValueError) as e:
        tk.debugging.assert_shapes([(c, ("N", 4))])
    assert str(e.value) == ("Specified explicitly.  Tensor Const_14:0 dimension 1 must have "
                            "size 4.  Received size 3, shape (2, 3)")
    ok = tk.debugging.assert_shapes([(c, ("N", 3)), (tk.constant(np.ones(2)), ("N",))])
    assert ok.type == "NoOp"
    with pytest.raises(ValueError, match="must have rank 1"):
        tk.debugging.assert_shapes([(c, ("N",))])
    with pytest.raises(TypeError):
        tk.debugging.assert_shapes([(c, ("N", 1.5))])


def test_remove_training_nodes_and_node_shapes():
    g = tk.Graph()
    with g.as_default():
        p = tk.placeholder(tk.float32, [2], name="inp")
        ident = tk.identity(p, name="id1")
        checked = tk.check_numerics(ident, "m", name="chk")
        tk.multiply(checked, 2.0, name="out")
    stripped = tk.graph_util.remove_training_nodes(g.as_graph_def(), protected_nodes=["out"])
    nodes = [(n.name, n.op, list(n.input)) for n in stripped.node]
    # TF drops the CheckNumerics node and the input naming it (so `out` loses that
    # input), and splices out the Identity
    assert [n[:2] for n in nodes] == [("inp", "Placeholder"), (nodes[1][0], "Const"),
                                      ("out", "Mul")]
    assert nodes[2][2] == [nodes[1][0]]
    assert tk.graph_util.tensor_shape_from_node_def_name(g, "out").as_list() == [2]
    assert tk.graph_util.tensor_shape_from_node_def_name(g, "inp:0").as_list() == [2]
