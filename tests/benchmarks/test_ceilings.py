"""The hand-written NumPy ceilings (and trainkit's graphs) train exactly like TF1.

The reference losses are the first six training losses of the ``--quick`` problems
computed by TensorFlow 2.21 (``tf.compat.v1``, graph mode, Adam) from the same initial
weights and batches; the NumPy ceilings must match them, or their speed means nothing.
"""

from __future__ import annotations

import pytest

import trainkit as tk
from benchmarks import bench_cnn, bench_mlp
from benchmarks.numpy_cnn import CNN
from benchmarks.numpy_mlp import MLP

QUICK = {"quick": True}
TF_MLP = [2.2434449195861816, 2.559196949005127, 2.4909844398498535, 2.409029483795166,
          2.1013288497924805, 2.432790994644165]
TF_CNN = [2.3585686683654785, 2.3539934158325195, 2.411566972732544, 2.3375954627990723,
          2.319052219390869, 2.325277328491211]


def _numpy_losses(net, prob) -> list[float]:
    batches = prob.batches()
    return [net.step(*batches[i % len(batches)]) for i in range(6)]


def _graph_losses(g, x, y, loss, train_op, init, prob) -> list[float]:
    batches = prob.batches()
    with tk.Session(graph=g) as sess:
        sess.run(init)
        return [float(sess.run([train_op, loss], {x: batches[i % len(batches)][0],
                                                  y: batches[i % len(batches)][1]})[1])
                for i in range(6)]


def test_numpy_mlp_trains_like_tf() -> None:
    prob = bench_mlp.problem(QUICK)
    assert _numpy_losses(MLP(prob), prob) == pytest.approx(TF_MLP, rel=1e-5)


def test_numpy_cnn_trains_like_tf() -> None:
    prob = bench_cnn.problem(QUICK)
    assert _numpy_losses(CNN(prob), prob) == pytest.approx(TF_CNN, rel=1e-5)


def test_trainkit_mlp_trains_like_tf() -> None:
    prob = bench_mlp.problem(QUICK)
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [None, prob.sizes[0]])
        y = tk.placeholder(tk.float32, [None, prob.sizes[-1]])
        loss, train_op = bench_mlp.model(tk, prob, x, y)
        init = tk.global_variables_initializer()
    assert _graph_losses(g, x, y, loss, train_op, init, prob) == pytest.approx(TF_MLP,
                                                                              rel=1e-5)


def test_trainkit_cnn_trains_like_tf() -> None:
    prob = bench_cnn.problem(QUICK)
    losses = _graph_losses(*bench_cnn.build(tk, prob), prob)
    assert losses == pytest.approx(TF_CNN, rel=1e-5)


def test_mlp_flop_count_by_hand() -> None:
    prob = bench_mlp.problem({})
    # forward 2*128*(784*512 + 512*512 + 512*10), twice (forward + dW), plus dX of
    # layers 2 and 3: 2*128*(512*512 + 512*10).
    fwd = 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10)
    assert prob.flops_per_step() == 2 * fwd + 2 * 128 * (512 * 512 + 512 * 10)
    assert prob.flops_per_step() == 410_779_648
