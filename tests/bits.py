"""Helpers shared by the bitwise kernel and fusion tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import trainkit as tk


def has_ort() -> bool:
    """Whether ``onnxruntime`` imports (the optional GEMM backend)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


#: marks a test that needs ONNX Runtime
needs_ort = pytest.mark.skipif(not has_ort(), reason="onnxruntime is not installed")


def bits(a: Any) -> np.ndarray:
    """The bytes of ``a`` (contiguous), so that ``array_equal`` compares bit patterns
    (NaN payloads and signed zeros included)."""
    return np.ascontiguousarray(a).view(np.uint8)


def specials(a: np.ndarray) -> np.ndarray:
    """Writes -0, +0, NaN, -inf and +inf at fixed strides into a float array (in place;
    other dtypes are returned unchanged)."""
    if a.dtype.kind == "f":
        flat = a.reshape(-1)
        flat[::7] = -0.0
        flat[3::11] = 0.0
        flat[5::13] = np.nan
        flat[6::17] = -np.inf
        flat[8::19] = np.inf
    return a


def traced(sess: Any, fetches: Any, feed: Any) -> tuple[Any, dict]:
    """Runs ``fetches`` with a full trace: ``(values, {node name: NodeExecStats})``."""
    md = tk.RunMetadata()
    out = sess.run(fetches, feed, options=tk.RunOptions(trace_level=tk.RunOptions.FULL_TRACE),
                   run_metadata=md)
    nodes = {n.node_name: n for d in md.step_stats.dev_stats for n in d.node_stats}
    return out, nodes


def bias_act_runs(act: Any, x: np.ndarray, b: np.ndarray, dtype: Any, fmt: str,
                  threads: int) -> tuple:
    """Builds ``act(bias_add(placeholder, b))`` and runs it with ``threads`` kernel
    threads: twice plainly, once traced, and once traced with the ``BiasAdd`` output
    fetched too (which keeps the pair from fusing). Returns ``(pre, y, plain runs,
    (traced value, nodes), ([y, pre] values, nodes))``."""
    from trainkit.ops import parallel

    ph = tk.placeholder(dtype, x.shape)
    pre = tk.nn.bias_add(ph, tk.constant(b), data_format=fmt)
    y = act(pre)
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with tk.Session() as sess:
            plain = [sess.run(y, {ph: x}) for _ in range(2)]
            alone = traced(sess, y, {ph: x})
            with_pre = traced(sess, [y, pre], {ph: x})
    finally:
        parallel.set_kernel_threads(old)
    return pre, y, plain, alone, with_pre
