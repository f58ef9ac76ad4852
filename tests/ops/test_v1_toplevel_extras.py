"""TF1 top-level names added together: ``hessians``, ``add_check_numerics_ops``,
broadcast shapes, ``switch_case``, ``tensor_scatter_nd_max/min`` (and their gradient),
``batch_scatter_update``, ``histogram_fixed_width_bins``, ``bitcast``, ``timestamp``,
``required_space_to_batch_paddings``, ``grad_pass_through``, ``recompute_grad``,
``guarantee_const``, ``DeviceSpec``, ``TensorSpec``, ``create_partitioned_variables``,
the conversions and the legacy scopes.

Every expected value and message was computed with TF 2.21.0 ``tf.compat.v1`` (graph
mode; ``add_check_numerics_ops``' refusal of control flow with control flow v1, as TF1
built it), unless the test says otherwise.
"""

import time

import numpy as np
import pytest

import trainkit as tk


def _run(fetches, feed=None):
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        return s.run(fetches, feed)


def test_hessians_match_tf():
    x = tk.constant([[1.0, 2.0], [3.0, -1.0]])
    y = tk.reduce_sum(x ** 3) + x[0, 0] * x[1, 1] * x[0, 1]
    (h,) = tk.hessians(y, x)
    assert h.shape.as_list() == [2, 2, 2, 2]
    want = [[[[6.0, -1.0], [0.0, 2.0]], [[-1.0, 12.0], [0.0, 1.0]]],
            [[[0.0, 0.0], [18.0, 0.0]], [[2.0, 1.0], [0.0, -6.0]]]]
    np.testing.assert_allclose(_run(h), want, rtol=1e-6)


def test_hessians_of_two_inputs_and_finite_differences():
    a = tk.constant([1.0, 2.0, 3.0])
    b = tk.constant(2.0)
    y = tk.reduce_sum(tk.sin(a) * a) * b * b
    ha, hb = _run(tk.hessians(y, [a, b]))
    want_a = [[0.9565343856811523, 0, 0], [0, -10.603553771972656, 0],
              [0, 0, -9.613380432128906]]
    np.testing.assert_allclose(ha, want_a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hb, 6.166851043701172, rtol=1e-6)
    # independent check: d2/da2 of b^2 sum(a sin a) = b^2 diag(2 cos a - a sin a)
    av = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(np.diag(ha), 4 * (2 * np.cos(av) - av * np.sin(av)),
                               rtol=1e-5)


def test_hessians_errors_and_unconnected():
    x = tk.placeholder(tk.float32, [None])
    with pytest.raises(ValueError, match="fully defined"):
        tk.hessians(tk.reduce_sum(x * x), x)
    z = tk.constant([1.0])
    assert tk.hessians(tk.reduce_sum(tk.constant([2.0])), z) == [None]


def test_add_check_numerics_ops_reports_the_first_bad_tensor():
    g = tk.Graph()
    with g.as_default():
        p = tk.placeholder(tk.float32, [2])
        q = tk.log(p) * 2.0
        check = tk.add_check_numerics_ops()
        with tk.Session() as s:
            np.testing.assert_allclose(s.run([q, check], {p: [1.0, 2.0]})[0],
                                       [0.0, 1.3862943649291992], rtol=1e-6)
            with pytest.raises(tk.errors.InvalidArgumentError,
                               match="Log:0 : Tensor had Inf values"):
                s.run([q, check], {p: [0.0, 2.0]})


@pytest.mark.parametrize("build", ["cond", "while"])
def test_add_check_numerics_ops_refuses_control_flow(build):
    g = tk.Graph()
    with g.as_default():
        if build == "cond":
            c = tk.placeholder(tk.bool, [])
            tk.cond(c, lambda: tk.constant(1.0), lambda: tk.constant(2.0))
        else:
            tk.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0),
                          [tk.constant(0), tk.constant(1.0)])
        with pytest.raises(ValueError) as e:
            tk.add_check_numerics_ops()
    assert str(e.value) == ("`tf.add_check_numerics_ops() is not compatible with "
                            "TensorFlow control flow operations such as `tf.cond()` or "
                            "`tf.while_loop()`.")


def test_broadcast_static_and_dynamic_shape():
    s = tk.broadcast_static_shape(tk.TensorShape([2, 1, 3]), tk.TensorShape([4, 1]))
    assert s.as_list() == [2, 4, 3]
    s = tk.broadcast_static_shape(tk.TensorShape([None, 1, 3]), tk.TensorShape([4, None]))
    assert s.as_list() == [None, 4, 3]
    with pytest.raises(ValueError) as e:
        tk.broadcast_static_shape(tk.TensorShape([2, 3]), tk.TensorShape([4]))
    assert str(e.value) == (
        "Incompatible shapes for broadcasting. Two shapes are compatible if for each "
        "dimension pair they are either equal or one of them is 1. Received: (2, 3) and "
        "(4,).")
    d = tk.broadcast_dynamic_shape(tk.constant([2, 1, 3]), tk.constant([4, 1]))
    assert d.shape.as_list() == [3]
    assert _run(d).tolist() == [2, 4, 3]
    bad = tk.broadcast_dynamic_shape(tk.constant([2, 3]), tk.constant([4]))
    with pytest.raises(tk.errors.InvalidArgumentError, match=r"Incompatible shapes: "
                       r"\[2,3\] vs. \[4\]"):
        _run(bad)


def test_switch_case_values_defaults_and_errors():
    i = tk.placeholder(tk.int32, [])
    r = tk.switch_case(i, [lambda: tk.constant(10), lambda: tk.constant(20),
                           lambda: tk.constant(30)], default=lambda: tk.constant(-1))
    assert [int(_run(r, {i: k})) for k in (0, 1, 2, 3, -1)] == [10, 20, 30, -1, -1]
    r = tk.switch_case(i, {1: lambda: tk.constant(10.0), 0: lambda: tk.constant(30.0)})
    assert [float(_run(r, {i: k})) for k in (1, 0, 5, -3)] == [10.0, 30.0, 10.0, 10.0]
    with pytest.raises(ValueError) as e:
        tk.switch_case(i, {1: lambda: tk.constant(1.0), 3: lambda: tk.constant(3.0)})
    assert str(e.value) == ("branch indices (keys) must form contiguous range of [0 to 2) "
                            "but found {1,3}")
    with pytest.raises(TypeError) as e:
        tk.switch_case(tk.constant(1.0), [lambda: tk.constant(1)])
    assert str(e.value) == "'branch_index' must be an integer Tensor, got <dtype: 'float32'>"
    with pytest.raises(ValueError, match="at least one"):
        tk.switch_case(i, [])
    with pytest.raises(TypeError):
        tk.switch_case(i, [lambda: tk.constant(1), 3])


def test_switch_case_gradient_follows_the_branch():
    i = tk.placeholder(tk.int32, [])
    x = tk.constant(3.0)
    r = tk.switch_case(i, [lambda: x * 2.0, lambda: x * x])
    g = tk.gradients(r, x)[0]
    got = [[float(v) for v in _run([r, g], {i: k})] for k in (0, 1, 5)]
    assert got == [[6.0, 2.0], [9.0, 6.0], [9.0, 6.0]]


def test_tensor_scatter_nd_max_min_and_their_gradients():
    t = tk.constant([1.0, 5.0, 3.0, 7.0])
    assert _run(tk.tensor_scatter_nd_max(t, [[0], [2], [0]], [4.0, 2.0, 9.0])).tolist() == \
        [9.0, 5.0, 3.0, 7.0]
    assert _run(tk.tensor_scatter_nd_min(t, [[0], [2], [0]], [4.0, 2.0, 9.0])).tolist() == \
        [1.0, 5.0, 2.0, 7.0]
    idx = tk.constant([[0], [2], [0], [3]])
    up = tk.constant([4.0, 2.0, 4.0, 7.0])
    w = tk.constant([1.0, 2.0, 3.0, 4.0])
    r = tk.tensor_scatter_nd_max(t, idx, up)
    gt, gu = tk.gradients(tk.reduce_sum(r * w), [t, up])
    r2 = tk.tensor_scatter_nd_min(t, idx, up)
    gt2, gu2 = tk.gradients(tk.reduce_sum(r2 * w), [t, up])
    got = [v.tolist() for v in _run([r, gt, gu, r2, gt2, gu2])]
    assert got == [[4.0, 5.0, 3.0, 7.0], [0.0, 2.0, 3.0, 2.0], [0.5, 0.0, 0.5, 2.0],
                   [1.0, 5.0, 2.0, 7.0], [1.0, 2.0, 0.0, 2.0], [0.0, 3.0, 0.0, 2.0]]


def test_batch_scatter_update_rank_2_and_3():
    v = tk.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    upd = tk.batch_scatter_update(v, tk.constant([[0, 2], [1, 1]]),
                                  tk.constant([[10.0, 30.0], [50.0, 51.0]]))
    assert _run(upd).tolist() == [[10.0, 2.0, 30.0], [4.0, 51.0, 6.0]]
    v3 = tk.Variable(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    idx = tk.constant([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 1], [2, 2]]])
    upd = tk.batch_scatter_update(v3, idx, -tk.ones([2, 3, 2]))
    assert _run(upd).tolist() == [
        [[-1.0, 1.0, 2.0, -1.0], [4.0, -1.0, 6.0, 7.0], [-1.0, 9.0, -1.0, 11.0]],
        [[12.0, 13.0, 14.0, -1.0], [-1.0, -1.0, 18.0, 19.0], [20.0, 21.0, -1.0, 23.0]]]


def test_histogram_fixed_width_bins():
    vals = tk.constant([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0, 4.99, 10.0])
    bins = tk.histogram_fixed_width_bins(vals, [0.0, 10.0], nbins=5)
    assert _run(bins).tolist() == [0, 0, 0, 1, 2, 4, 2, 4]
    h = tk.histogram_fixed_width_bins(tk.constant([[0.5, 9.9], [3.3, -2.0]]), [0.0, 10.0],
                                      nbins=3, dtype=tk.int64)
    out = _run(h)
    assert out.tolist() == [[0, 2], [0, 0]] and out.dtype == np.int32  # TF ignores dtype


def test_bitcast_values_shapes_and_errors():
    assert _run(tk.bitcast(tk.constant([1.0, -2.0], tk.float32), tk.int32)).tolist() == \
        [1065353216, -1073741824]
    out = tk.bitcast(tk.constant([258, 1], tk.int32), tk.uint8)
    assert out.shape.as_list() == [2, 4]
    assert _run(out).tolist() == [[2, 1, 0, 0], [1, 0, 0, 0]]
    out = tk.bitcast(tk.constant([[1, 2], [3, 4]], tk.uint8), tk.int16)
    assert out.shape.as_list() == [2]
    assert _run(out).tolist() == [513, 1027]
    assert _run(tk.bitcast(tk.constant([1.5], tk.float64), tk.uint16)).tolist() == \
        [[0, 0, 0, 16376]]
    with pytest.raises(ValueError, match="Cannot bitcast from 4 to 5 due to shape. 3 does "
                                         "not match 2"):
        tk.bitcast(tk.constant([1, 2, 3], tk.uint8), tk.int16)
    with pytest.raises(TypeError):
        tk.bitcast(tk.constant(["a"]), tk.int32)


def test_bitcast_never_shares_a_variables_memory():
    v = tk.Variable([1.0, 2.0])
    b = tk.bitcast(v, tk.int32)
    with tk.Session() as s:
        s.run(v.initializer)
        got = s.run(b)
        s.run(v.assign_add([1.0, 1.0]))
        assert got.tolist() == [1065353216, 1073741824]


def test_timestamp_runs_anew_each_time():
    t = tk.timestamp()
    assert t.dtype == tk.float64
    with tk.Session() as s:
        a = s.run(t)
        time.sleep(0.01)
        b = s.run(t)
    assert a.dtype == np.float64 and abs(a - time.time()) < 60 and b > a


def test_required_space_to_batch_paddings():
    p, c = tk.required_space_to_batch_paddings([5, 7], [2, 3], base_paddings=[[1, 0],
                                                                            [0, 2]])
    assert [v.tolist() for v in _run([p, c])] == [[[1, 0], [0, 2]], [[0, 0], [0, 0]]]
    p, c = tk.required_space_to_batch_paddings([5, 7], [2, 4])
    assert [v.tolist() for v in _run([p, c])] == [[[0, 1], [0, 1]], [[0, 1], [0, 1]]]
    with pytest.raises(ValueError):
        tk.required_space_to_batch_paddings([5, 7, 1], [2, 4])


def test_sparse_matmul_and_complex_casts():
    assert _run(tk.sparse_matmul(tk.constant([[1.0, 2.0]]), tk.constant([[3.0], [4.0]]),
                                 a_is_sparse=True)).tolist() == [[11.0]]
    z = tk.to_complex64(tk.constant([1.0, 2.0]))
    assert z.dtype == tk.complex64 and _run(tk.real(z)).tolist() == [1.0, 2.0]
    assert tk.to_complex128(tk.constant([1.0])).dtype == tk.complex128


def test_grad_pass_through_recompute_grad_and_guarantee_const():
    x = tk.constant([1.5, -2.5])
    y = tk.grad_pass_through(tk.round)(x)
    assert [v.tolist() for v in _run([y, tk.gradients(y * 3.0, x)[0]])] == \
        [[2.0, -2.0], [3.0, 3.0]]
    xr = tk.constant([1.0, 2.0])
    yr = tk.recompute_grad(lambda z: tk.sin(z) * z)(xr)
    vals = _run([yr, tk.gradients(yr, xr)[0]])
    np.testing.assert_allclose(vals[0], [0.8414709568023682, 1.8185948133468628], rtol=1e-6)
    np.testing.assert_allclose(vals[1], [1.3817732334136963, 0.07700371742248535],
                               rtol=1e-5)
    c = tk.guarantee_const(tk.constant([1, 2]))
    assert _run(c).tolist() == [1, 2]
    with pytest.raises(LookupError, match="GuaranteeConst"):
        tk.gradients(tk.guarantee_const(x) * 2.0, x)


def test_device_spec():
    d = tk.DeviceSpec.from_string("/job:worker/replica:1/task:2/device:CPU:0")
    assert (d.job, d.replica, d.task, d.device_type, d.device_index) == \
        ("worker", 1, 2, "CPU", 0)
    assert d.to_string() == "/job:worker/replica:1/task:2/device:CPU:0"
    assert tk.DeviceSpec(job="ps", device_type="GPU", device_index=1).to_string() == \
        "/job:ps/device:GPU:1"
    assert tk.DeviceSpec.from_string("/gpu:1").to_string() == "/device:GPU:1"
    assert tk.DeviceSpec.from_string("/cpu:*").to_string() == "/device:CPU:*"
    a, b = tk.DeviceSpec(job="w", task=1), tk.DeviceSpec(device_type="CPU", device_index=0)
    assert a.make_merged_spec(b).to_string() == "/job:w/task:1/device:CPU:0"
    a.merge_from(b)
    assert a.to_string() == "/job:w/task:1/device:CPU:0"
    assert tk.DeviceSpec.from_string("/job:a/task:3").replace(task=4).to_string() == \
        "/job:a/task:4"
    assert tk.DeviceSpec(job="x").parse_from_string("/task:2").to_string() == "/task:2"
    with pytest.raises(ValueError) as e:
        tk.DeviceSpec.from_string("/foo:1")
    assert str(e.value) == ("Unknown attribute 'foo' is encountered while parsing the "
                            "device spec: '/foo:1'.")
    with pytest.raises(ValueError) as e:
        tk.DeviceSpec.from_string("/cpu:0/gpu:1")
    assert str(e.value) == ("Multiple device types are not allowed while parsing the device "
                            "spec: /cpu:0/gpu:1.")


def test_tensor_spec():
    ts = tk.TensorSpec([None, 3], tk.float32, name="x")
    assert repr(ts) == "TensorSpec(shape=(None, 3), dtype=tf.float32, name='x')"
    assert ts.is_compatible_with(tk.TensorSpec([2, 3], tk.float32))
    assert not ts.is_compatible_with(tk.TensorSpec([2, 4], tk.float32))
    spec = tk.TensorSpec([2, None], tk.int32)
    assert repr(spec) == "TensorSpec(shape=(2, None), dtype=tf.int32, name=None)"
    assert spec == tk.TensorSpec([2, None], tk.int32)
    assert spec != tk.TensorSpec([2, None], tk.int32, name="a")
    assert repr(tk.TensorSpec(None, tk.float64)) == \
        "TensorSpec(shape=<unknown>, dtype=tf.float64, name=None)"
    x = tk.placeholder(tk.float32, [None, 4], name="inp")
    assert repr(tk.TensorSpec.from_tensor(x)) == \
        "TensorSpec(shape=(None, 4), dtype=tf.float32, name='inp')"
    assert tk.TensorSpec([None, 4], tk.float32).is_compatible_with(x)
    assert not tk.TensorSpec([None, 4], tk.float64).is_compatible_with(x)
    with pytest.raises(TypeError):
        tk.TensorSpec([1], tk.float32, name=3)


def test_create_partitioned_variables():
    def init(shape, dtype=None, partition_info=None):
        off = partition_info.var_offset[0] if partition_info is not None else 0
        return tk.constant(np.arange(10.0).reshape(5, 2)[off:off + shape[0]], tk.float32)

    parts = tk.create_partitioned_variables([5, 2], [2, 1], init, name="pv")
    assert [(p.name, p.shape.as_list()) for p in parts] == [("pv/part_0:0", [3, 2]),
                                                          ("pv/part_1:0", [2, 2])]
    vals = _run(parts)
    assert [v.tolist() for v in vals] == [[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]],
                                          [[6.0, 7.0], [8.0, 9.0]]]
    with pytest.raises(ValueError, match="must have the length"):
        tk.create_partitioned_variables([5, 2], [2], init)
    with pytest.raises(ValueError, match="rank at least 1"):
        tk.create_partitioned_variables([], [], init)


def test_conversions_pass_composites_through():
    t = tk.convert_to_tensor_or_indexed_slices([1, 2])
    assert isinstance(t, tk.Tensor)
    s = tk.IndexedSlices(tk.constant([[1.0]]), tk.constant([0]), tk.constant([2, 1]))
    assert tk.convert_to_tensor_or_indexed_slices(s) is s
    with pytest.raises(ValueError):
        tk.convert_to_tensor_or_indexed_slices(s, dtype=tk.int32)
    sv = tk.SparseTensorValue([[0, 0]], [1.0], [2, 2])
    st = tk.convert_to_tensor_or_sparse_tensor(sv)
    assert isinstance(st, tk.SparseTensor)
    assert tk.convert_to_tensor_or_sparse_tensor(st) is st
    with pytest.raises(RuntimeError):
        tk.convert_to_tensor_or_sparse_tensor(st, dtype=tk.int64)
    assert isinstance(tk.convert_to_tensor_or_sparse_tensor(3.0), tk.Tensor)


def test_legacy_scopes_and_aliases():
    g = tk.Graph()
    with g.as_default():
        with tk.op_scope([], "outer"):
            a = tk.constant(1.0, name="a")
        assert a.op.name == "outer/a"
        with tk.variable_op_scope([], None, default_name="vs"):
            v = tk.get_variable("w", [1])
        assert v.name == "vs/w:0"
        gate = tk.constant(0.0, name="gate")
        with tk.control_dependencies([gate]):
            with tk.init_scope():
                free = tk.constant(2.0, name="free")
            dep = tk.constant(3.0, name="dep")
        assert list(free.op.control_inputs) == [] and list(dep.op.control_inputs) == \
            [gate.op]
    assert tk.OpError is tk.errors.OpError
    assert tk.encode_base64 is tk.io.encode_base64 and tk.decode_base64 is tk.io.decode_base64
