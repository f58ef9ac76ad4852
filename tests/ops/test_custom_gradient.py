"""tf.custom_gradient and tf.make_template: gradients, variable sharing and names equal to
TF 2.21's graph mode on the same programs (recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _lin(x, units):
    w = tk.get_variable("w", [x.shape[-1], units], initializer=tk.ones_initializer())
    return tk.matmul(x, w)


def test_make_template_shares_variables_like_tf():
    f = tk.make_template("lin", _lin, units=2)
    g = tk.make_template("lin", _lin, units=3)
    x = tk.ones([1, 4])
    a, b, c = f(x), f(x), g(x)
    # TF 2.21: ['lin/w:0', 'lin_1/w:0'], scopes 'lin/' and 'lin_1/'
    assert [v.name for v in tk.global_variables()] == ["lin/w:0", "lin_1/w:0"]
    assert (f.variable_scope_name, g.variable_scope_name) == ("lin/", "lin_1/")
    assert [v.name for v in f.trainable_variables] == ["lin/w:0"]
    assert a.shape.as_list() == [1, 2] and c.shape.as_list() == [1, 3]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        av, bv = sess.run([a, b])
    assert av.tolist() == bv.tolist() == [[4.0, 4.0]]


def test_make_template_create_scope_now_and_unique_name():
    t = tk.make_template("net", _lin, create_scope_now_=True, units=1)
    assert t.variable_scope_name == "net/"
    t(tk.ones([2, 3]))
    t(tk.ones([2, 3]))
    assert [v.name for v in tk.global_variables()] == ["net/w:0"]
    u = tk.make_template("ignored", _lin, unique_name_="fixed", units=1)
    u(tk.ones([1, 3]))
    assert tk.global_variables()[-1].name == "fixed/w:0"


def test_custom_gradient_equals_tf():
    @tk.custom_gradient
    def clip(x):
        def grad(dy):
            return tk.clip_by_value(dy, -0.5, 0.5)
        return tk.identity(x), grad

    x = tk.constant([1., 2.])
    y = clip(x) * [3., 0.2]
    (g,) = tk.gradients(tk.reduce_sum(y), [x])
    with tk.Session() as sess:
        assert sess.run(g).tolist() == pytest.approx([0.5, 0.2])        # TF 2.21
        assert sess.run(y).tolist() == pytest.approx([3.0, 0.4])


def test_custom_gradient_with_variables_equals_tf():
    @tk.custom_gradient
    def scaled(x):
        v = tk.get_variable("v", [], initializer=tk.constant_initializer(2.))

        def grad(dy, variables=None):
            assert [w.name for w in variables] == ["v:0"]
            return dy * v * 10., [tk.reduce_sum(dy * x) * 100.]
        return x * v, grad

    x = tk.constant([1., 2.])
    z = scaled(x)
    v = tk.trainable_variables()[0]
    gx, gv = tk.gradients(tk.reduce_sum(z), [x, v])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        gx, gv, zv = sess.run([gx, gv, z])
    np.testing.assert_allclose(gx, [20., 20.])                         # TF 2.21
    np.testing.assert_allclose(gv, 300.0)                               # TF 2.21
    np.testing.assert_allclose(zv, [2., 4.])


def test_custom_gradient_needs_a_pair():
    bad = tk.custom_gradient(lambda x: x)
    with pytest.raises(TypeError, match="outputs, grad_fn"):
        bad(tk.constant(1.0))
