"""The Keras optimizers' ``clipvalue``/``clipnorm``/``global_clipnorm`` (tf_keras's legacy
``OptimizerV2._transform_gradients``), which trainkit used to accept and ignore. Numbers:
one ``SGD(0.1, ...)`` step of a ``Dense(3)`` on MSE in TF 2.21 (tf_keras 2.21, graph
mode), recorded as the kernel's sum, its absolute sum and the bias."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.compat.programs.common import same_start

TF_2_21 = [
    ({"clipnorm": 0.5}, 2.611556053161621, 4.9865403175354,
     [0.040612783282995224, -0.013854925520718098, -0.025664040818810463]),
    ({"clipvalue": 0.1}, 2.651764392852783, 5.043697834014893,
     [0.010000000707805157, -0.010000000707805157, -0.010000000707805157]),
    ({"global_clipnorm": 0.5}, 2.6204822063446045, 4.9947967529296875,
     [0.02116295136511326, -0.007219675462692976, -0.01337329763919115]),
    ({"clipvalue": 0.2, "clipnorm": 0.3}, 2.6548547744750977, 5.043246746063232,
     [0.017320509999990463, -0.017320509999990463, -0.017320509999990463]),
]


@pytest.mark.parametrize("kwargs,kernel_sum,kernel_abs,bias", TF_2_21)
def test_clipping_matches_tf(kwargs, kernel_sum, kernel_abs, bias):
    rng = np.random.RandomState(0)
    rng.rand(2, 6, 4)   # the draws the recording script made first
    x = rng.randn(16, 5).astype("float32")
    y = rng.randn(16, 3).astype("float32") * 10
    with tk.Graph().as_default():
        model = tk.keras.models.Sequential([tk.keras.layers.Dense(3, input_shape=(5,))])
        model.compile(loss="mse", optimizer=tk.keras.optimizers.SGD(0.1, **kwargs))
        same_start(tk.keras.backend.get_session(), tk, biases=True)
        model.train_on_batch(x, y)
        kernel, b = model.get_weights()
    np.testing.assert_allclose([kernel.sum(), np.abs(kernel).sum()], [kernel_sum, kernel_abs],
                               rtol=1e-6)
    np.testing.assert_allclose(b, bias, rtol=1e-5)


def test_clipnorm_clips_a_sparse_gradient_by_its_values():
    with tk.Graph().as_default():
        model = tk.keras.models.Sequential([tk.keras.layers.Embedding(4, 2, input_length=1)])
        model.compile(loss="mse", optimizer=tk.keras.optimizers.SGD(1.0, clipnorm=0.1))
        before = model.get_weights()[0]
        model.train_on_batch(np.array([[1]]), np.full((1, 1, 2), 100.0))
        step = model.get_weights()[0] - before
    assert not step[[0, 2, 3]].any()
    np.testing.assert_allclose(np.linalg.norm(step[1]), 0.1, rtol=1e-5)


def test_clipping_settings_are_in_the_config():
    opt = tk.keras.optimizers.Adam(clipvalue=0.5)
    assert opt.get_config()["clipvalue"] == 0.5
    assert "clipnorm" not in opt.get_config()


def test_bad_clipping_arguments():
    with pytest.raises(ValueError, match="Cannot accept both `clipnorm` and `global_clipnorm`"):
        tk.keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="Expected clipnorm >= 0, received: -1"):
        tk.keras.optimizers.RMSprop(clipnorm=-1)
    with pytest.raises(TypeError, match="Unexpected keyword argument passed to optimizer: "
                                        "clip_norm"):
        tk.keras.optimizers.SGD(clip_norm=1.0)
