"""``ProximalAdagradOptimizer`` and ``AdagradDAOptimizer`` against TF 2.21
(``tf.compat.v1``, graph mode): three ``minimize`` steps on a dense matrix and on an
embedding read through ``gather`` (the sparse update path, with a repeated index), the
values and slot names TF printed."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

PA_NAMES = ["emb/ProximalAdagrad:0", "emb:0", "global_step:0", "w/ProximalAdagrad:0", "w:0"]
DA_NAMES = ["emb/AdagradDA:0", "emb/AdagradDA_1:0", "emb:0", "global_step:0", "w/AdagradDA:0",
            "w/AdagradDA_1:0", "w:0"]
# name -> (w after 3 steps, emb after 3 steps, variable names), printed by TF 2.21
TF = {
    "pa": ([[-0.369063, -0.4317547, 0.9272199], [0.7208804, 0.6735691, 0.3050014]],
           [[0.0, 0.0, -0.0], [0.3, 0.4, 0.5],
            [0.0, 0.0082913, 0.040162], [0.9, 1.0, 1.1]],
           PA_NAMES),
    "pa0": ([[-0.3915099, -0.4574427, 0.9561122], [0.7516788, 0.6900671, 0.2877997]],
           [[0.0, -0.1098511, -0.0524631], [0.3, 0.4, 0.5],
            [0.0036082, 0.020717, 0.0535889], [0.9, 1.0, 1.1]],
           PA_NAMES),
    "da": ([[-0.2703584, 0.0201218, -0.280481], [0.4981121, 0.3987435, 0.48173]],
           [[-0.0, 0.0, 0.0], [0.3, 0.4, 0.5],
            [-0.0692679, -0.089549, -0.1072867], [0.9, 1.0, 1.1]],
           DA_NAMES),
    "da0": ([[2.6601877, -0.1234065, 1.8613498], [1.625578, 0.6037319, 1.9716724]],
           [[-0.0, -1.1996765, -0.4780582], [0.3, 0.4, 0.5],
            [0.0215535, 0.0372123, 0.0519218], [0.9, 1.0, 1.1]],
           DA_NAMES),
}

MAKERS = {
    "pa": lambda gs: tk.train.ProximalAdagradOptimizer(
        0.5, initial_accumulator_value=0.2, l1_regularization_strength=0.05,
        l2_regularization_strength=0.1),
    "pa0": lambda gs: tk.train.ProximalAdagradOptimizer(0.5),
    "da": lambda gs: tk.train.AdagradDAOptimizer(
        0.3, gs, initial_gradient_squared_accumulator_value=0.1,
        l1_regularization_strength=0.02, l2_regularization_strength=0.1),
    "da0": lambda gs: tk.train.AdagradDAOptimizer(3.0, gs),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_three_steps_match_tf(name):
    with tk.Graph().as_default():
        gs = tk.Variable(0, dtype=tk.int64, name="global_step")
        w = tk.Variable(np.array([[0.5, -1.0, 2.0], [0.1, 0.0, -0.3]], np.float32), name="w")
        emb = tk.Variable(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, name="emb")
        x = tk.constant(np.array([[1.0, 2.0], [-1.0, 0.5]], np.float32))
        ids = tk.constant([0, 2, 2])
        loss = tk.reduce_sum(tk.square(tk.matmul(x, w) - 1.0)) + \
            tk.reduce_sum(tk.gather(emb, ids) ** 2)
        train = MAKERS[name](gs).minimize(loss, global_step=gs)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            for _ in range(3):
                s.run(train)
            want_w, want_emb, names = TF[name]
            np.testing.assert_allclose(s.run(w), want_w, rtol=1e-6, atol=1e-6)
            np.testing.assert_allclose(s.run(emb), want_emb, rtol=1e-6, atol=1e-6)
            assert s.run(gs) == 3
            assert sorted(v.name for v in tk.global_variables()) == names


def test_bad_hyperparameters_raise_value_errors():
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tk.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        tk.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=-1.0)
    with tk.Graph().as_default():
        gs = tk.train.get_or_create_global_step()
        with pytest.raises(ValueError, match="initial_gradient_squared_accumulator_value"):
            tk.train.AdagradDAOptimizer(0.1, gs, initial_gradient_squared_accumulator_value=0)
        with pytest.raises(ValueError, match="l2_regularization_strength"):
            tk.train.AdagradDAOptimizer(0.1, gs, l2_regularization_strength=-0.5)
