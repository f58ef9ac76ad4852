"""The models people train (issue 17), written once against the TF1 graph API.

- ``deep_mnist``: TF's "Deep MNIST for experts" CNN: 28x28x1, conv 5x5x32 SAME + ReLU +
  max-pool 2x2, conv 5x5x64 SAME + ReLU + max-pool 2x2, dense 1024 + ReLU + dropout 0.5,
  dense 10, softmax cross entropy, Adam(1e-4);
- ``cifar10``: the CIFAR-10 tutorial model on 24x24x3 crops: conv 5x5x64 + ReLU,
  max-pool 3x3/2 SAME, LRN(4, 1.0, 0.001/9, 0.75), conv 5x5x64 + ReLU, LRN, max-pool,
  dense 384, dense 192 (both ReLU, L2 weight decay 0.004), dense 10, sparse softmax
  cross entropy, SGD(0.1), batch 128;
- ``autoencoder``: dense 784-256-128-256-784, sigmoid, mean squared error,
  RMSProp(0.01), batch 256.

Every implementation starts from the same NumPy weights (``Problem.params``, in
declaration order) and sees the same batches in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

LRN_ARGS = {"depth_radius": 4, "bias": 1.0, "alpha": 0.001 / 9.0, "beta": 0.75}


@dataclass
class Problem:
    """One workload: data, initial weights, hyperparameters and the time budget."""

    name: str
    batch: int
    x: np.ndarray
    y: np.ndarray
    params: list[tuple[str, np.ndarray]]
    lr: float
    budget: float
    width: int = 0  # 0: the model's own widths; else the scale table's width knob

    def batches(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The data cut into contiguous ``(x, y)`` batches, in feeding order."""
        b = self.batch
        return [(self.x[i * b:(i + 1) * b], self.y[i * b:(i + 1) * b])
                for i in range(self.x.shape[0] // b)]

    def param(self, name: str) -> np.ndarray:
        """The initial value of the parameter called ``name``."""
        for key, value in self.params:
            if key == name:
                return value
        raise KeyError(name)


def _trunc(rng: np.random.Generator, shape: tuple, std: float) -> np.ndarray:
    """TF's truncated normal initializer (redraw beyond 2 std), float32."""
    a = rng.standard_normal(shape)
    bad = np.abs(a) > 2.0
    while bad.any():
        a[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(a) > 2.0
    return (a * std).astype(np.float32)


def _data(rng: np.random.Generator, n: int, shape: tuple, classes: int, onehot: bool
          ) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(0.0, 1.0, size=(n, *shape)).astype(np.float32)
    labels = rng.integers(0, classes, size=n)
    y = np.eye(classes, dtype=np.float32)[labels] if onehot else labels.astype(np.int32)
    return x, y


def deep_mnist(batch: int = 50, quick: bool = False, width: int = 0) -> Problem:
    """The deep-MNIST problem; ``width`` scales the dense layer (default 1024)."""
    rng = np.random.default_rng(17)
    c1, c2, dense = (4, 8, 32) if quick else (32, 64, width or 1024)
    batch = 8 if quick else batch
    x, y = _data(rng, 4 * batch, (784,), 10, onehot=True)
    params = [("conv1_w", _trunc(rng, (5, 5, 1, c1), 0.1)),
              ("conv1_b", np.full(c1, 0.1, np.float32)),
              ("conv2_w", _trunc(rng, (5, 5, c1, c2), 0.1)),
              ("conv2_b", np.full(c2, 0.1, np.float32)),
              ("fc1_w", _trunc(rng, (7 * 7 * c2, dense), 0.1)),
              ("fc1_b", np.full(dense, 0.1, np.float32)),
              ("fc2_w", _trunc(rng, (dense, 10), 0.1)),
              ("fc2_b", np.full(10, 0.1, np.float32))]
    return Problem("deep_mnist", batch, x, y, params, 1e-4, 0.05 if quick else 0.8, width)


def cifar10(batch: int = 128, quick: bool = False) -> Problem:
    """The CIFAR-10 tutorial problem on 24x24x3 inputs."""
    rng = np.random.default_rng(10)
    c, d3, d4 = (8, 24, 12) if quick else (64, 384, 192)
    batch = 8 if quick else batch
    x, y = _data(rng, 4 * batch, (24, 24, 3), 10, onehot=False)
    flat = 6 * 6 * c
    params = [("conv1_w", _trunc(rng, (5, 5, 3, c), 5e-2)),
              ("conv1_b", np.zeros(c, np.float32)),
              ("conv2_w", _trunc(rng, (5, 5, c, c), 5e-2)),
              ("conv2_b", np.full(c, 0.1, np.float32)),
              ("local3_w", _trunc(rng, (flat, d3), 0.04)),
              ("local3_b", np.full(d3, 0.1, np.float32)),
              ("local4_w", _trunc(rng, (d3, d4), 0.04)),
              ("local4_b", np.full(d4, 0.1, np.float32)),
              ("softmax_w", _trunc(rng, (d4, 10), 1 / 192.0)),
              ("softmax_b", np.zeros(10, np.float32))]
    return Problem("cifar10", batch, x, y, params, 0.1, 0.05 if quick else 0.8)


def autoencoder(batch: int = 256, quick: bool = False) -> Problem:
    """The dense autoencoder problem (784-256-128-256-784)."""
    rng = np.random.default_rng(7)
    sizes = [64, 32, 16, 32, 64] if quick else [784, 256, 128, 256, 784]
    batch = 8 if quick else batch
    x = rng.uniform(0.0, 1.0, size=(4 * batch, sizes[0])).astype(np.float32)
    params: list[tuple[str, np.ndarray]] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        params.append((f"l{i}_w", rng.standard_normal((a, b)).astype(np.float32) * 0.1))
        params.append((f"l{i}_b", rng.standard_normal(b).astype(np.float32) * 0.1))
    return Problem("autoencoder", batch, x, x, params, 0.01, 0.05 if quick else 0.8)


PROBLEMS = {"deep_mnist": deep_mnist, "cifar10": cifar10, "autoencoder": autoencoder}


# -- the TF1-API graphs ----------------------------------------------------------------------
@dataclass
class Graph:
    """A built training graph."""

    graph: Any
    x: Any
    y: Any
    loss: Any
    train_op: Any
    init: Any


def _vars(tf: ModuleType, prob: Problem) -> dict[str, Any]:
    return {name: tf.Variable(value, name=name) for name, value in prob.params}


def _conv_relu(tf: ModuleType, x: Any, w: Any, b: Any) -> Any:
    return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))


def _dense(tf: ModuleType, x: Any, w: Any, b: Any) -> Any:
    return tf.nn.bias_add(tf.matmul(x, w), b)


def _deep_mnist_loss(tf: ModuleType, v: dict, x: Any, y: Any) -> Any:
    h = tf.reshape(x, [-1, 28, 28, 1])
    h = _conv_relu(tf, h, v["conv1_w"], v["conv1_b"])
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = _conv_relu(tf, h, v["conv2_w"], v["conv2_b"])
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tf.reshape(h, [-1, int(v["fc1_w"].shape[0])])
    h = tf.nn.relu(_dense(tf, h, v["fc1_w"], v["fc1_b"]))
    h = tf.nn.dropout(h, rate=0.5, seed=1)
    logits = _dense(tf, h, v["fc2_w"], v["fc2_b"])
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


def _cifar10_loss(tf: ModuleType, v: dict, x: Any, y: Any) -> Any:
    h = _conv_relu(tf, x, v["conv1_w"], v["conv1_b"])
    h = tf.nn.max_pool(h, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    h = tf.nn.lrn(h, **LRN_ARGS)
    h = _conv_relu(tf, h, v["conv2_w"], v["conv2_b"])
    h = tf.nn.lrn(h, **LRN_ARGS)
    h = tf.nn.max_pool(h, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    h = tf.reshape(h, [-1, int(v["local3_w"].shape[0])])
    h = tf.nn.relu(_dense(tf, h, v["local3_w"], v["local3_b"]))
    h = tf.nn.relu(_dense(tf, h, v["local4_w"], v["local4_b"]))
    logits = _dense(tf, h, v["softmax_w"], v["softmax_b"])
    xent = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    decay = tf.multiply(tf.nn.l2_loss(v["local3_w"]) + tf.nn.l2_loss(v["local4_w"]), 0.004)
    return xent + decay


def _autoencoder_loss(tf: ModuleType, v: dict, x: Any, y: Any) -> Any:
    h = x
    for i in range(4):
        h = tf.nn.sigmoid(_dense(tf, h, v[f"l{i}_w"], v[f"l{i}_b"]))
    return tf.reduce_mean(tf.pow(y - h, 2))


def build(tf: ModuleType, prob: Problem) -> Graph:
    """The training graph of ``prob`` on backend ``tf`` (trainkit or tf.compat.v1)."""
    g = tf.Graph()
    with g.as_default():
        if prob.name == "cifar10":
            x = tf.placeholder(tf.float32, [None, 24, 24, 3], name="x")
            y = tf.placeholder(tf.int32, [None], name="y")
        else:
            x = tf.placeholder(tf.float32, [None, prob.x.shape[1]], name="x")
            y = tf.placeholder(tf.float32, [None, prob.y.shape[1]], name="y")
        v = _vars(tf, prob)
        if prob.name == "deep_mnist":
            loss = _deep_mnist_loss(tf, v, x, y)
            opt = tf.train.AdamOptimizer(prob.lr)
        elif prob.name == "cifar10":
            loss = _cifar10_loss(tf, v, x, y)
            opt = tf.train.GradientDescentOptimizer(prob.lr)
        else:
            loss = _autoencoder_loss(tf, v, x, y)
            opt = tf.train.RMSPropOptimizer(prob.lr)
        train_op = opt.minimize(loss)
        init = tf.global_variables_initializer()
    return Graph(g, x, y, loss, train_op, init)
