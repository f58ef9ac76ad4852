"""variable_scope / get_variable: names, reuse rules (True, AUTO_REUSE, inheritance),
initializers, regularizers, custom getters and their errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_names_and_op_names():
    with tk.variable_scope("layer") as scope:
        w = tk.get_variable("w", [2, 3])
        b = tk.get_variable("b", [3], initializer=tk.zeros_initializer())
        c = tk.constant(1.0, name="c")
    assert scope.name == "layer" and scope.original_name_scope == "layer/"
    assert w.op.name == "layer/w" and b.name == "layer/b:0" and c.op.name == "layer/c"
    assert w.initial_value.op.name.startswith("layer/w/Initializer/")


def test_reuse_true_returns_same_variable_and_missing_raises():
    with tk.variable_scope("s"):
        w = tk.get_variable("w", [2])
    with tk.variable_scope("s", reuse=True) as scope:
        assert scope.reuse is True
        assert tk.get_variable("w") is w
        assert tk.get_variable("w", [2]) is w
        with pytest.raises(ValueError, match="Variable s/v does not exist"):
            tk.get_variable("v", [2])


def test_existing_without_reuse_raises():
    with tk.variable_scope("s"):
        tk.get_variable("w", [2])
    with tk.variable_scope("s"):
        with pytest.raises(ValueError, match="Variable s/w already exists, disallowed"):
            tk.get_variable("w", [2])


def test_reopened_scope_gets_unique_name_scope_but_same_variable_prefix():
    with tk.variable_scope("s"):
        tk.get_variable("w", [1])
    with tk.variable_scope("s", reuse=True):
        c = tk.constant(0.0, name="c")
        assert tk.get_variable("w").op.name == "s/w"
    assert c.op.name == "s_1/c"


def test_auto_reuse_creates_then_returns():
    def layer():
        with tk.variable_scope("shared", reuse=tk.AUTO_REUSE):
            return tk.get_variable("k", [3])

    a, b = layer(), layer()
    assert a is b and len(tk.global_variables()) == 1


def test_reuse_is_inherited_and_false_does_not_reset():
    with tk.variable_scope("outer"):
        with tk.variable_scope("inner"):
            w = tk.get_variable("w", [1])
    with tk.variable_scope("outer", reuse=True):
        with tk.variable_scope("inner", reuse=False) as inner:
            assert inner.reuse is True
            assert tk.get_variable("w") is w
    assert tk.get_variable_scope().reuse is False
    assert tk.get_variable_scope().name == ""


def test_reuse_variables_and_scope_object():
    with tk.variable_scope("s") as scope:
        w = tk.get_variable("w", [1])
        scope.reuse_variables()
        assert tk.get_variable("w") is w
    with tk.variable_scope(scope, reuse=True):
        assert tk.get_variable("w") is w
        assert tk.constant(0.0, name="c").op.name == "s/c"  # re-enters the name scope


def test_default_name_is_made_unique():
    with tk.variable_scope(None, default_name="dense") as s1:
        tk.get_variable("w", [1])
    with tk.variable_scope(None, default_name="dense") as s2:
        tk.get_variable("w", [1])
    assert (s1.name, s2.name) == ("dense", "dense_1")
    assert [v.op.name for v in tk.global_variables()] == ["dense/w", "dense_1/w"]


def test_shape_and_dtype_mismatch_on_reuse():
    with tk.variable_scope("s"):
        tk.get_variable("w", [2])
        tk.get_variable("n", [], dtype=tk.int64)
    with tk.variable_scope("s", reuse=True):
        with pytest.raises(ValueError, match="specified shape \\(3,\\) and found shape"):
            tk.get_variable("w", [3])
        with pytest.raises(ValueError, match="specified dtype float32 and found dtype int64"):
            tk.get_variable("n", [])


def test_creation_errors():
    with pytest.raises(ValueError, match="must be fully defined"):
        tk.get_variable("a")
    with pytest.raises(ValueError, match="must be fully defined"):
        tk.get_variable("b", [None, 2])
    with pytest.raises(ValueError, match="do not specify shape"):
        tk.get_variable("c", [2], initializer=tk.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="name_or_scope is required"):
        tk.variable_scope(None)
    with pytest.raises(ValueError, match="reuse=True cannot be used without"):
        tk.variable_scope(None, default_name="d", reuse=True)
    with pytest.raises(ValueError, match="custom_getter"):
        tk.variable_scope("x", custom_getter=5)


def test_initializers_constants_and_defaults():
    with tk.variable_scope("s", initializer=tk.constant_initializer(0.5)):
        a = tk.get_variable("a", [2])
        b = tk.get_variable("b", [2], initializer=tk.ones_initializer())
        c = tk.get_variable("c", initializer=tk.constant([1, 2]))
        d = tk.get_variable("d", initializer=np.arange(3.0))
        f = tk.get_variable("f", [2], initializer=tk.zeros_initializer)  # a class
    e = tk.get_variable("e", [2], dtype=tk.int32)
    # A value initializer keeps its own dtype (TF 2.21: np.arange(3.0) -> float64).
    assert c.dtype is tk.int32 and d.dtype is tk.float64
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        va, vb, vc, vd, ve, vf = sess.run([a, b, c, d, e, f])
    np.testing.assert_array_equal(va, [0.5, 0.5])
    np.testing.assert_array_equal(vb, [1.0, 1.0])
    np.testing.assert_array_equal(vc, [1, 2])
    np.testing.assert_array_equal(vd, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(ve, [0, 0])  # integer default: zeros
    np.testing.assert_array_equal(vf, [0.0, 0.0])


def test_default_float_initializer_is_glorot_uniform():
    w = tk.get_variable("w", [200, 300])
    with tk.Session() as sess:
        sess.run(w.initializer)
        x = sess.run(w)
    limit = np.sqrt(6.0 / 500.0)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.95 * limit
    assert abs(x.std() - limit / np.sqrt(3.0)) < 0.01 * limit


def test_regularizer_adds_loss_once_and_scope_dtype():
    calls = []

    def reg(v):
        calls.append(v)
        return tk.multiply(2.0, tk.reduce_sum(v), name="l")

    with tk.variable_scope("s", regularizer=reg, dtype=tk.float64):
        w = tk.get_variable("w", [2], initializer=tk.ones_initializer())
    with tk.variable_scope("s", reuse=True):
        tk.get_variable("w", dtype=tk.float64)
    with tk.variable_scope("t", regularizer=reg):
        tk.get_variable("u", [1], regularizer=tk.no_regularizer)
    losses = tk.get_collection(tk.GraphKeys.REGULARIZATION_LOSSES)
    assert calls == [w] and len(losses) == 1
    assert w.dtype is tk.float64 and losses[0].op.name == "s/w/Regularizer/l"
    with tk.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(losses[0]) == 4.0


def test_trainable_collections_and_local_variable():
    a = tk.get_variable("a", [1], trainable=False)
    b = tk.get_variable("b", [1], collections=["mine"])
    c = tk.get_local_variable("c", [1])
    assert tk.trainable_variables() == [b]
    assert tk.global_variables() == [a] and tk.get_collection("mine") == [b]
    assert tk.local_variables() == [c]


def test_custom_getters_compose():
    seen = []

    def outer(getter, name, *args, **kwargs):
        seen.append(("outer", name))
        return getter(name, *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        seen.append(("inner", name))
        kwargs["trainable"] = False
        return getter(name, *args, **kwargs)

    with tk.variable_scope("s", custom_getter=outer):
        v = tk.get_variable("v", [1], custom_getter=inner)
    assert seen == [("inner", "s/v"), ("outer", "s/v")]
    assert v.op.name == "s/v" and tk.trainable_variables() == []


def test_variable_scope_ignores_name_scope_for_variable_names():
    with tk.name_scope("ns"):
        with tk.variable_scope("vs"):
            v = tk.get_variable("v", [1])
            c = tk.constant(1.0, name="c")
    assert v.op.name == "vs/v" and c.op.name == "ns/vs/c"


def test_partitioner_is_ignored():
    v = tk.get_variable("p", [4, 2], partitioner=lambda shape, dtype: [2, 1])
    assert v.shape.as_list() == [4, 2]


def test_value_initializer_dtype_follows_the_value_as_in_tf():
    # Observed with TensorFlow 2.21 (tf.compat.v1.get_variable).
    with tk.variable_scope("s", dtype=tk.float64):
        zero = tk.get_variable("zero", initializer=0)
        half = tk.get_variable("half", initializer=0.5)
    pair = tk.get_variable("pair", initializer=[1, 2])
    same = tk.get_variable("same", initializer=0, dtype=tk.int32)
    assert (zero.dtype, half.dtype, pair.dtype, same.dtype) == (
        tk.int32, tk.float32, tk.int32, tk.int32)
    assert zero.shape.as_list() == [] and pair.shape.as_list() == [2]
    inc = tk.assign_add(zero, 2)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        out = sess.run(inc)
    assert out == 2 and out.dtype == np.int32
    with pytest.raises(ValueError, match="Initializer type 'int32' and explicit dtype "
                                         "'int64' don't match"):
        tk.get_variable("bad", initializer=0, dtype=tk.int64)
    with pytest.raises(ValueError, match="Initializer type 'float64' and explicit dtype "
                                         "'float32' don't match"):
        tk.get_variable("bad2", initializer=np.zeros(2), dtype=tk.float32)
