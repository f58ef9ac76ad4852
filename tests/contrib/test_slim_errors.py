"""``tk.contrib.slim`` / ``tk.contrib.layers`` refuse bad inputs with TF's exception types
(checked against tf_slim 1.1.0 on TF 2.21)."""

from __future__ import annotations

import pytest

import trainkit as tk

slim = tk.contrib.slim


def _x2():
    return tk.ones([2, 3])


def _x4():
    return tk.ones([2, 4, 4, 3])


def _optimize(**kw):
    v = tk.get_variable("v", [], initializer=tk.ones_initializer())
    args = dict(loss=v * 2.0, global_step=tk.train.get_or_create_global_step(),
                learning_rate=0.1, optimizer="SGD")
    args.update(kw)
    return slim.optimize_loss(**args)


def _twice(reuse):
    slim.fully_connected(_x2(), 2, scope="a")
    slim.fully_connected(_x2(), 2, scope="a", reuse=reuse)


CASES = [
    (lambda: slim.fully_connected(_x2(), 2.0), ValueError, "num_outputs type"),
    (lambda: slim.fully_connected(tk.placeholder(tk.float32, [2, None]), 2), ValueError,
     "last dimension"),
    (lambda: slim.conv2d(_x4(), 2, 3, data_format="NWHC"), ValueError, "data_format"),
    (lambda: slim.conv2d(tk.ones([2, 4, 3]), 2, 3), ValueError, "expects input with rank 4"),
    (lambda: slim.convolution(_x2(), 2, 3), ValueError, "not supported for input with rank"),
    (lambda: slim.conv2d(_x4(), 2, 3, stride=2, rate=2), ValueError, "dilation"),
    (lambda: slim.conv2d_transpose(_x4(), 2, 3, data_format="NCW"), ValueError, "NCHW"),
    (lambda: slim.separable_conv2d(_x4(), 2, 3, data_format="NCW"), ValueError, "NCHW"),
    (lambda: slim.max_pool2d(_x4(), 2, data_format="NCW"), ValueError, "NCHW"),
    (lambda: slim.avg_pool2d(_x4(), 2, data_format="NCW"), ValueError, "NCHW"),
    (lambda: slim.batch_norm(_x4(), data_format="NCW"), ValueError, "NCHW"),
    (lambda: slim.batch_norm(tk.placeholder(tk.float32)), ValueError, "undefined rank"),
    (lambda: slim.layer_norm(tk.placeholder(tk.float32)), ValueError, "undefined rank"),
    (lambda: slim.layer_norm(_x2(), begin_norm_axis=2), ValueError, "must be < rank"),
    (lambda: slim.bias_add(tk.ones([3])), ValueError, "rank"),
    (lambda: slim.dropout(_x2(), 0.0), ValueError, "keep_prob"),
    (lambda: slim.stack(_x2(), slim.fully_connected, 3), ValueError, "list or tuple"),
    (lambda: slim.arg_scope([tk.nn.relu], a=1).__enter__(), ValueError, "add_arg_scope"),
    (lambda: slim.arg_scope(slim.fully_connected, a=1).__enter__(), TypeError, "list/tuple"),
    (lambda: slim.arg_scope({}, a=1).__enter__(), ValueError, "kwargs must be empty"),
    (lambda: slim.variance_scaling_initializer(mode="fan_in"), TypeError, "Unknown mode"),
    (lambda: slim.variance_scaling_initializer(dtype=tk.int32), TypeError, "non-floating"),
    (lambda: slim.l2_regularizer(1), ValueError, "integer"),
    (lambda: slim.l2_regularizer(-0.1), ValueError, "less than 0"),
    (lambda: _optimize(optimizer="Sgd"), ValueError, "Optimizer name should be one of"),
    (lambda: _optimize(learning_rate=-0.1), ValueError, "Invalid learning_rate"),
    (lambda: _optimize(learning_rate=1), ValueError, "0d Tensor or float"),
    (lambda: _optimize(summaries=["foo"]), ValueError, "Summaries should be one of"),
    (lambda: _optimize(clip_gradients="x"), ValueError, "clip_gradients"),
    (lambda: _optimize(loss=tk.ones([2])), ValueError, "scalar"),
    (lambda: _optimize(learning_rate=None), ValueError, "Learning rate is None"),
    (lambda: slim.get_variables_to_restore(include="a"), TypeError, "include"),
    (lambda: slim.get_variables_to_restore(exclude="a"), TypeError, "exclude"),
    (lambda: slim.assign_from_checkpoint_fn("/tmp/x", []), ValueError, "empty"),
    (lambda: slim.get_unique_variable("nope"), ValueError, "Couldn't find"),
    (lambda: _twice(None), ValueError, "already exists"),
    (lambda: slim.learning.create_train_op(tk.constant(1.0),
                                           tk.train.GradientDescentOptimizer(0.1)),
     AssertionError, "no variables"),
    (lambda: slim.learning.train(None, "/tmp/x"), ValueError, "train_op cannot be None"),
    (lambda: slim.learning.train(tk.constant(1.0), None, number_of_steps=0), ValueError,
     "number_of_steps"),
    (lambda: tk.contrib.layers.embed_sequence(tk.constant([1]), vocab_size=3), ValueError,
     "vocab size and embedding dimension"),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_bad_input_raises_tf_error(case):
    build, error, match = CASES[case]
    with pytest.raises(error, match=match):
        build()


def test_reuse_shares_the_variables():
    _twice(True)
    assert [v.op.name for v in tk.global_variables()] == ["a/weights", "a/biases"]


def test_arg_scope_defaults_clash_with_positional_arguments_as_in_tf():
    """TF's arg_scope passes its defaults as keywords: a positional argument given too is
    a TypeError (tf_slim: "got multiple values for argument 'activation_fn'")."""
    with slim.arg_scope([slim.fully_connected], activation_fn=None), \
            pytest.raises(TypeError, match="multiple values"):
        slim.fully_connected(_x2(), 3, tk.nn.relu)
