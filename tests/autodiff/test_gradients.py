"""The gradient walker alone: paths, fan-out, stops, unconnected inputs, grad_ys, names,
multi-output ops and errors (values checked against hand-derived derivatives)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.autodiff import gradients


def _run(fetches, feed=None):
    with tk.Session() as sess:
        return sess.run(fetches, feed)


def test_product_rule_and_fan_out_summed_once():
    x = tk.constant([1.0, 2.0, 3.0], dtype=tk.float64)
    y = x * x + x * 3.0  # x feeds three ops
    (g,) = gradients(y, [x])
    np.testing.assert_allclose(_run(g), 2 * np.array([1.0, 2.0, 3.0]) + 3.0)
    assert g.op.type == "AddN" and len(g.op.inputs) == 3
    addns = [op for op in tk.get_default_graph().get_operations() if op.type == "AddN"]
    assert len(addns) == 1


def test_multiple_ys_are_summed():
    x = tk.constant(2.0, dtype=tk.float64)
    (g,) = gradients([x * x, x * 5.0], [x])
    assert _run(g) == pytest.approx(4.0 + 5.0)


def test_grad_ys_weight_the_upstream_gradient():
    x = tk.constant([1.0, -2.0], dtype=tk.float64)
    y = x * x
    gy = tk.constant([10.0, 100.0], dtype=tk.float64)
    (g,) = gradients(y, [x], grad_ys=gy)
    np.testing.assert_allclose(_run(g), [20.0, -400.0])
    (g2,) = gradients([y, x * 1.0], [x], grad_ys=[gy, None])
    np.testing.assert_allclose(_run(g2), [21.0, -399.0])


def test_stop_gradient_op_blocks():
    x = tk.constant(3.0, dtype=tk.float64)
    y = x * tk.stop_gradient(x)
    (g,) = gradients(y, [x])
    assert _run(g) == pytest.approx(3.0)
    (none,) = gradients(tk.stop_gradient(x) * 2.0, [x])
    assert none is None


def test_stop_gradients_argument_treats_tensors_as_constants():
    x = tk.constant(2.0, dtype=tk.float64)
    a = x * x
    b = a * x
    (g_full,) = gradients(b, [x])
    (g_stop,) = gradients(b, [x], stop_gradients=[a])
    assert _run(g_full) == pytest.approx(12.0)  # d(x^3)/dx
    assert _run(g_stop) == pytest.approx(4.0)   # a held constant: d(a*x)/dx = a
    ga, gx = gradients(b, [a, x], stop_gradients=[a])
    assert _run([ga, gx]) == [pytest.approx(2.0), pytest.approx(4.0)]


def test_unconnected_none_or_zero():
    x = tk.constant([1.0, 2.0], dtype=tk.float64)
    z = tk.constant([[5.0]], dtype=tk.float64)
    y = x * 2.0
    assert gradients(y, [z]) == [None]
    gx, gz = gradients(y, [x, z], unconnected_gradients="zero")
    vals = _run([gx, gz])
    np.testing.assert_allclose(vals[0], [2.0, 2.0])
    np.testing.assert_array_equal(vals[1], [[0.0]])
    assert vals[1].dtype == np.float64
    with pytest.raises(ValueError, match="unconnected_gradients: 'sometimes'"):
        gradients(y, [x], unconnected_gradients="sometimes")


def test_y_is_x():
    x = tk.constant([1.0, 2.0])
    (g,) = gradients(x, [x])
    np.testing.assert_array_equal(_run(g), [1.0, 1.0])


def test_only_ops_between_xs_and_ys_get_gradient_ops():
    x = tk.constant(1.0)
    side = tk.constant(4.0) * tk.constant(5.0)  # feeds y but does not depend on x
    y = x * side
    n_before = len(tk.get_default_graph().get_operations())
    (g,) = gradients(y, [x])
    new = tk.get_default_graph().get_operations()[n_before:]
    assert all(op.name.startswith("gradients/") for op in new)
    assert not any(op.name.startswith(f"gradients/{side.op.name}_grad") for op in new)
    assert _run(g) == pytest.approx(20.0)


def test_names_live_under_a_unique_gradients_scope():
    x = tk.constant(1.0)
    (g1,) = gradients(x * x, [x])
    (g2,) = gradients(x * x, [x])
    (g3,) = gradients(x * x, [x], name="mygrads")
    assert g1.name.startswith("gradients/")
    assert g2.name.startswith("gradients_1/")
    assert g3.name.startswith("mygrads/")


def test_multi_output_op_gets_zeros_for_unused_outputs():
    x = tk.constant([[1.0, 2.0], [3.0, 4.0]], dtype=tk.float64)
    rows = tk.unstack(x)
    (g,) = gradients(rows[1] * 3.0, [x])
    np.testing.assert_array_equal(_run(g), [[0.0, 0.0], [3.0, 3.0]])


def test_integer_paths_carry_no_gradient():
    x = tk.constant([1.5, 2.5])
    y = tk.cast(tk.cast(x, tk.int32), tk.float32) * x
    (g,) = gradients(y, [x])
    np.testing.assert_allclose(_run(g), [1.0, 2.0])


def test_missing_rule_raises_lookup_error_naming_type_and_op():
    x = tk.constant(1.0)
    g = tk.get_default_graph()
    op = g.create_op("NoGradientRuleForThis", [x], [tk.float32], name="mystery")
    with pytest.raises(LookupError, match=r"'mystery' \(op type: NoGradientRuleForThis\)"):
        gradients(op.outputs[0] * 2.0, [x])


def test_gradient_override_map():
    x = tk.constant(3.0)
    g = tk.get_default_graph()
    with g.gradient_override_map({"Square": "Identity"}):
        y = tk.square(x)
    (gx,) = gradients(y, [x])
    assert _run(gx) == pytest.approx(1.0)
    with g.gradient_override_map({"Square": "NoSuchGradType"}):
        y2 = tk.square(x)
    with pytest.raises(LookupError, match="NoSuchGradType"):
        gradients(y2, [x])


def test_variables_as_xs():
    v = tk.Variable([1.0, 2.0], dtype=tk.float64, name="v")
    y = v * v
    (g,) = gradients(y, [v])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        np.testing.assert_allclose(sess.run(g), [2.0, 4.0])


def test_variable_xs_count_uses_of_the_reference_tensor():
    """A penalty on ``get_tensor_by_name("v:0")`` (Hands-On ML ch. 11's l1 on
    ``hidden1/kernel:0``) reaches the variable's gradient beside the uses through
    ``v/read``. Numbers from TF 2.21 (``tf.compat.v1``, graph mode): gradient
    [[2, 0], [3, 3]] and, after one SGD step of 0.1, [[0.8, -2], [2.7, 0.2]]."""
    v = tk.Variable([[1.0, -2.0], [3.0, 0.5]], name="v")
    raw = tk.get_default_graph().get_tensor_by_name("v:0")
    loss = tk.reduce_sum(tk.matmul(tk.constant([[1.0, 2.0]]), v)) + tk.reduce_sum(tk.abs(raw))
    (g,) = gradients(loss, [v])
    (g_raw,) = gradients(loss, [raw])
    step = tk.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        np.testing.assert_allclose(sess.run(g), [[2.0, 0.0], [3.0, 3.0]])
        np.testing.assert_allclose(sess.run(g_raw), [[2.0, 0.0], [3.0, 3.0]])
        sess.run(step)
        np.testing.assert_allclose(sess.run(v), [[0.8, -2.0], [2.7, 0.2]], rtol=1e-6)


def test_partitioned_variable_as_xs_raises_as_in_tf():
    pv = tk.get_variable("pv", shape=[4, 2], partitioner=tk.fixed_size_partitioner(2))
    y = tk.reduce_sum(tk.convert_to_tensor(pv) * 2.0)
    with pytest.raises(NotImplementedError, match="used as a reference"):
        gradients(y, pv)
    assert all(g is not None for g in gradients(y, list(pv)))


def test_bad_arguments():
    x = tk.constant([1.0, 2.0])
    y = x * 2.0
    with pytest.raises(ValueError, match="Passed 2 grad_ys for 1 ys"):
        gradients(y, [x], grad_ys=[x, x])
    with pytest.raises(ValueError, match=r"grad_ys\[0\] has shape \(3,\)"):
        gradients(y, [x], grad_ys=[tk.constant([1.0, 2.0, 3.0])])
    with pytest.raises(ValueError, match=r"grad_ys\[0\] does not match"):
        gradients(y, [x], grad_ys=[tk.constant([1, 2])])
    with pytest.raises(TypeError, match="Operation"):
        gradients(y, [y.op])
    with pytest.raises(TypeError, match="floating-point ys"):
        gradients(tk.constant([1, 2]), [x])
    other = tk.Graph()
    with other.as_default():
        z = tk.constant(1.0)
    with pytest.raises(ValueError, match="different graph"):
        gradients(y, [z])


def test_rule_returning_wrong_count_is_reported():
    from trainkit.framework import registry

    x = tk.constant(1.0)
    g = tk.get_default_graph()
    with g.gradient_override_map({"Identity": "_TestBadArityGrad"}):
        y = tk.identity(x)
    if "_TestBadArityGrad" not in registry.registered_op_types():
        registry.register_gradient("_TestBadArityGrad")(lambda op, grad: [grad, grad])
    with pytest.raises(ValueError, match="returned 2 gradients for operation 'Identity'"):
        gradients(y, [x])


def test_weight_used_by_many_small_products_gets_one_product():
    """sum_k x_k^T g_k (a weight shared by time steps) is built as one MatMul of
    concatenations, where that moves less data than per-step products and an AddN."""
    rng = np.random.default_rng(7)
    xs_np = [rng.normal(size=(2, 6)) for _ in range(5)]
    w_np = rng.normal(size=(6, 8))
    w = tk.constant(w_np)
    xs = [tk.constant(v) for v in xs_np]
    y = tk.add_n([tk.reduce_sum(tk.sin(tk.matmul(x, w))) for x in xs])
    (g,) = gradients(y, [w])
    assert g.op.type == "MatMul" and g.op.attrs["transpose_a"]
    want = sum(x.T @ np.cos(x @ w_np) for x in xs_np)
    np.testing.assert_allclose(_run(g), want, rtol=1e-12)


def test_large_batch_products_keep_the_add_n():
    """Two products whose inputs are larger than the weight: concatenating them would
    copy more than the AddN adds, so the sum stays an AddN."""
    rng = np.random.default_rng(8)
    w_np = rng.normal(size=(3, 2))
    w = tk.constant(w_np)
    xs_np = [rng.normal(size=(50, 3)) for _ in range(2)]
    y = tk.add_n([tk.reduce_sum(tk.matmul(tk.constant(x), w)) for x in xs_np])
    (g,) = gradients(y, [w])
    assert g.op.type == "AddN"
    np.testing.assert_allclose(_run(g), sum(x.T @ np.ones((50, 2)) for x in xs_np))


def test_weight_and_bias_of_many_steps_share_one_concatenation():
    """A dense layer applied at 4 steps: the weight gradient is one product, the bias
    gradient one column sum, and both read the same concatenated step gradients."""
    rng = np.random.default_rng(9)
    w_np, b_np = rng.normal(size=(5, 7)), rng.normal(size=7)
    w, b = tk.constant(w_np), tk.constant(b_np)
    xs_np = [rng.normal(size=(2, 5)) for _ in range(4)]
    y = tk.add_n([tk.reduce_sum(tk.tanh(tk.nn.bias_add(tk.matmul(tk.constant(x), w), b)))
                  for x in xs_np])
    gw, gb = gradients(y, [w, b])
    assert gw.op.type == "MatMul" and gb.op.type == "BiasAddGrad"
    assert gb.op.inputs[0] is gw.op.inputs[1]  # the shared concat of the step gradients
    dz = [1 - np.tanh(x @ w_np + b_np) ** 2 for x in xs_np]
    np.testing.assert_allclose(_run(gw), sum(x.T @ d for x, d in zip(xs_np, dz)), rtol=1e-12)
    np.testing.assert_allclose(_run(gb), sum(d.sum(0) for d in dz), rtol=1e-12)


def test_gated_gradients_keep_tf_names_but_skip_unneeded_input_gradients():
    """GATE_OP gradients come out as ``<op>_grad/tuple/control_dependency[_1]`` (TF1's
    names); the gradient towards the placeholder is built under TF's name, but the
    ``group_deps`` NoOp does not wait for it, so a training step never computes it (TF
    does: a whole extra MatMul per layer-one step). Checked by tracing the step."""
    x = tk.placeholder(tk.float32, [4, 3], name="x")
    w = tk.Variable(np.ones((3, 2), np.float32), name="w")
    loss = tk.reduce_sum(tk.matmul(x, w, name="MatMul"))
    opt = tk.train.GradientDescentOptimizer(0.1)
    (grad, _), = opt.compute_gradients(loss, [w])
    assert grad.op.name == "gradients/MatMul_grad/tuple/control_dependency_1"
    g = tk.get_default_graph()
    dx = g.get_operation_by_name("gradients/MatMul_grad/MatMul")
    dw = g.get_operation_by_name("gradients/MatMul_grad/MatMul_1")
    deps = g.get_operation_by_name("gradients/MatMul_grad/tuple/group_deps")
    assert dw in deps.control_inputs and dx not in deps.control_inputs
    train = opt.apply_gradients([(grad, w)])
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        md = tk.RunMetadata()
        s.run(train, {x: np.ones((4, 3), np.float32)},
              options=tk.RunOptions(trace_level=tk.RunOptions.FULL_TRACE), run_metadata=md)
        ran = {n.node_name for d in md.step_stats.dev_stats for n in d.node_stats}
        assert dw.name in ran and dx.name not in ran
        np.testing.assert_allclose(s.run(w), np.full((3, 2), 1 - 0.1 * 4, np.float32))
