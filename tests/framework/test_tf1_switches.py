"""TF's v1/v2 switches (accepted no-ops in graph mode), is_tensor / get_static_value, and
RegisterGradient / no_gradient with gradient_override_map (TF1 semantics)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_v1_switches_are_accepted_and_queries_answer_like_tf1():
    tk.disable_eager_execution()
    tk.disable_v2_behavior()
    tk.disable_resource_variables()
    tk.enable_resource_variables()
    assert not tk.executing_eagerly() and not tk.resource_variables_enabled()
    assert tk.compat.v1.disable_v2_behavior is tk.disable_v2_behavior
    with pytest.raises(NotImplementedError, match="eager"):
        tk.enable_eager_execution()


def test_is_tensor_and_get_static_value():
    c = tk.constant([1, 2])
    v = tk.Variable(1.0)
    assert tk.is_tensor(c) and tk.is_tensor(v) and tk.is_tensor(tk.SparseTensor([[0]], [1],
                                                                                 [2]))
    assert not tk.is_tensor(1.0) and not tk.is_tensor(np.ones(2))
    assert tk.get_static_value(c).tolist() == [1, 2]
    assert tk.get_static_value(tk.shape(tk.zeros([3, 4]))).tolist() == [3, 4]
    assert tk.get_static_value(tk.placeholder(tk.float32)) is None
    assert tk.get_static_value(3) == 3


def test_register_gradient_with_override_map():
    @tk.RegisterGradient("Api3DoubleGrad")
    def _double(op, grad):
        return grad * 2.0  # a single tensor is accepted for a one-input op

    x = tk.constant([1.0, 2.0])
    with tk.get_default_graph().gradient_override_map({"Identity": "Api3DoubleGrad"}):
        y = tk.identity(x)
    (g,) = tk.gradients(tk.reduce_sum(y * y), [x])
    with tk.Session() as sess:
        assert sess.run(g).tolist() == [4.0, 8.0]
    with pytest.raises(KeyError):
        tk.RegisterGradient("Api3DoubleGrad")(_double)


def test_no_gradient_declares_an_op_type_not_differentiable():
    tk.no_gradient("Api3NoGradOp")
    assert tk.NoGradient is tk.no_gradient and tk.NotDifferentiable is tk.no_gradient
    with pytest.raises(TypeError):
        tk.no_gradient(3)
