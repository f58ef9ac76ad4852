"""``bias_initializer=None`` in ``tf.layers``: TF's layers default to zeros, but an
explicit None leaves the bias to ``get_variable``'s default (the variable scope's
initializer, else a Glorot-uniform draw that takes an op seed). TF's own
``tensorflow/examples/learn/resnet.py`` builds its ``conv_upscale`` that way. Numbers
from TF 2.21 (``tf.compat.v1``, ``TF_USE_LEGACY_KERAS=1``), graph seed 3."""

from __future__ import annotations

import numpy as np

import trainkit as tk


def test_bias_initializer_none_takes_the_scope_default():
    with tk.Graph().as_default():
        tk.set_random_seed(3)
        tk.layers.conv2d(tk.zeros([1, 2, 2, 3]), 4, 1, bias_initializer=None)
        tk.layers.dense(tk.zeros([1, 3]), 4, bias_initializer=None)
        tk.layers.Dense(2, bias_initializer=None)(tk.zeros([1, 3]))
        with tk.variable_scope("s", initializer=tk.constant_initializer(2.0)):
            tk.layers.dense(tk.zeros([1, 3]), 2, bias_initializer=None)
            tk.layers.dense(tk.zeros([1, 3]), 2)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            got = {v.op.name: sess.run(v) for v in tk.global_variables() if "bias" in v.name}
    want = {
        "conv2d/bias": [0.4816299080848694, 0.00915992259979248, 0.216569721698761,
                        -0.6031243801116943],
        "dense/bias": [-0.47945526242256165, 0.2910526394844055, 0.3632494807243347,
                       0.343051016330719],
        "dense_1/bias": [-0.2506582736968994, 0.839117169380188],
        "s/dense/bias": [2.0, 2.0],
        "s/dense_1/bias": [0.0, 0.0],  # the default stays zeros under a scope initializer
    }
    assert sorted(got) == sorted(want)
    for name, value in want.items():
        np.testing.assert_array_equal(got[name], np.float32(value), err_msg=name)
