"""The two TF1-style graph APIs benchmarked with the same code: trainkit and tf.compat.v1.

``import trainkit as tf`` is meant to run TF1 code unchanged, so each graph benchmark
is written once against a module handle ``tf`` and run with either backend. The only
backend-specific pieces (thread configuration, quiet logging, missing Keras-3 layers)
live here.
"""

from __future__ import annotations

import logging
import os
from types import ModuleType
from typing import Any

from benchmarks.timing import threads_from_env

GRAPH_IMPLS = ("trainkit", "tf1")


def load(impl: str) -> ModuleType:
    """Import the graph backend named ``impl`` with logging turned down.

    Args:
        impl: ``"trainkit"`` or ``"tf1"``.

    Returns:
        ``trainkit`` or ``tensorflow.compat.v1`` (eager execution disabled).

    Raises:
        ValueError: For any other name.
    """
    if impl == "trainkit":
        import trainkit

        logging.getLogger("trainkit").setLevel(logging.WARNING)
        return trainkit
    if impl == "tf1":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf

        tf.disable_eager_execution()
        tf.get_logger().setLevel(logging.WARNING)
        return tf
    raise ValueError(f"unknown graph backend {impl!r}; expected one of {GRAPH_IMPLS}")


def is_tf(tf: ModuleType) -> bool:
    """Whether ``tf`` is TensorFlow (as opposed to trainkit)."""
    return tf.__name__.startswith("tensorflow")


def session_config(tf: ModuleType) -> Any:
    """A ``ConfigProto`` pinning TF's thread pools; for trainkit, one BLAS thread and
    ``n`` kernel threads (trainkit's large kernels split their own work, see
    ``trainkit/ops/parallel.py``; BLAS helper threads would only spin beside them)."""
    n = threads_from_env()
    if not is_tf(tf):
        from trainkit.ops import parallel

        parallel.set_kernel_threads(n)
        # TK_BENCH_INTER_OP: trainkit's inter-op threads for A/B runs
        # (benchmarks/inter_op_ab.py); unset: the ConfigProto default (0, trainkit picks)
        inter = int(os.environ.get("TK_BENCH_INTER_OP", "0"))
        return tf.ConfigProto(intra_op_parallelism_threads=1,
                              inter_op_parallelism_threads=inter)
    return tf.ConfigProto(intra_op_parallelism_threads=n, inter_op_parallelism_threads=n)


def session(tf: ModuleType, graph: Any = None) -> Any:
    """A new ``Session`` on ``graph`` with the benchmark's thread configuration."""
    kwargs: dict[str, Any] = {}
    config = session_config(tf)
    if config is not None:
        kwargs["config"] = config
    if graph is not None:
        kwargs["graph"] = graph
    return tf.Session(**kwargs)


def session_creator(tf: ModuleType) -> Any:
    """A ``ChiefSessionCreator`` with the benchmark's thread configuration."""
    config = session_config(tf)
    if config is None:
        return tf.train.ChiefSessionCreator()
    return tf.train.ChiefSessionCreator(config=config)


def dense(tf: ModuleType, x: Any, w0: Any, b0: Any, name: str) -> Any:
    """``x @ W + b`` with variables initialised from the NumPy arrays ``w0``, ``b0``.

    Raw ops instead of ``tf.layers.dense`` because TF 2.16+ (Keras 3) no longer has it;
    every implementation then starts from identical weights.
    """
    w = tf.Variable(w0, name=f"{name}_w")
    b = tf.Variable(b0, name=f"{name}_b")
    return tf.nn.bias_add(tf.matmul(x, w), b)


def conv2d_same(tf: ModuleType, x: Any, w0: Any, b0: Any, name: str) -> Any:
    """3x3 stride-1 SAME convolution + bias from NumPy initial values.

    Uses ``tf.nn.conv2d`` when the backend has it, else ``tf.layers.conv2d`` with
    constant initialisers (trainkit's documented public API).
    """
    if hasattr(tf.nn, "conv2d"):
        w = tf.Variable(w0, name=f"{name}_w")
        b = tf.Variable(b0, name=f"{name}_b")
        y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")
        return tf.nn.bias_add(y, b)
    return tf.layers.conv2d(
        x, filters=w0.shape[-1], kernel_size=w0.shape[:2], padding="same", name=name,
        kernel_initializer=tf.constant_initializer(w0),
        bias_initializer=tf.constant_initializer(b0))


def max_pool_2x2(tf: ModuleType, x: Any) -> Any:
    """2x2 max pooling, stride 2, VALID."""
    if hasattr(tf.nn, "max_pool2d"):
        return tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")
    if hasattr(tf.nn, "max_pool"):
        return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")
    return tf.layers.max_pooling2d(x, pool_size=2, strides=2, padding="valid")
