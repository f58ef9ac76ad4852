"""PyTorch (eager, CPU) peers: MLP, CNN and the elementwise chain."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks import bench_cnn, bench_mlp
from benchmarks.timing import per_call, threads_from_env


def _torch() -> Any:
    import torch

    n = threads_from_env()
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:
        pass  # already set in this process
    return torch


def _train(torch: Any, model: Any, prob: Any, get_batch: Any) -> tuple[float, float]:
    opt = torch.optim.Adam(model.parameters(), lr=bench_mlp.LR)
    fn = torch.nn.functional

    def step() -> float:
        x, y = get_batch()
        opt.zero_grad(set_to_none=True)
        loss = fn.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return bench_mlp.measure(step, prob)


def _cycler(torch: Any, prob: Any, copy: bool) -> Any:
    xs = torch.from_numpy(prob.x)
    ys = torch.from_numpy(prob.y)
    b, n = prob.batch, prob.n_batches
    state = {"i": 0}

    def get_batch() -> tuple[Any, Any]:
        i = state["i"] % n
        state["i"] += 1
        if copy:  # like feed_dict: a fresh tensor from host arrays each step
            return (torch.from_numpy(prob.x[i * b:(i + 1) * b].copy()),
                    torch.from_numpy(prob.y[i * b:(i + 1) * b].copy()))
        return xs[i * b:(i + 1) * b], ys[i * b:(i + 1) * b]

    return get_batch


def _linear(torch: Any, w0: np.ndarray, b0: np.ndarray) -> Any:
    layer = torch.nn.Linear(w0.shape[0], w0.shape[1])
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w0.T.copy()))
        layer.bias.copy_(torch.from_numpy(b0))
    return layer


def _mlp_model(torch: Any, prob: Any) -> Any:
    layers: list[Any] = []
    for i, (w0, b0) in enumerate(prob.weights):
        layers.append(_linear(torch, w0, b0))
        if i < len(prob.weights) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def mlp(cfg: dict[str, Any]) -> dict[str, Any]:
    """MLP, feed-like (fresh tensors per step) and preloaded-slice input paths."""
    torch = _torch()
    prob = bench_mlp.problem(cfg)
    feed = _train(torch, _mlp_model(torch, prob), prob, _cycler(torch, prob, copy=True))
    data = _train(torch, _mlp_model(torch, prob), prob, _cycler(torch, prob, copy=False))
    return bench_mlp.result(prob, feed, data)


def cnn(cfg: dict[str, Any]) -> dict[str, Any]:
    """Small CNN on 8x8 inputs (NHWC data transposed once to NCHW)."""
    torch = _torch()
    prob = bench_cnn.problem(cfg)
    conv = torch.nn.Conv2d(1, prob.filters, 3, padding=1)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(prob.conv_w.transpose(3, 2, 0, 1).copy()))
        conv.bias.copy_(torch.from_numpy(prob.conv_b))
    # Dense weights were drawn for NHWC flattening; permute rows to NCHW order.
    h, w, c = prob.pooled_hwc
    dense_w = prob.dense_w.reshape(h, w, c, -1).transpose(2, 0, 1, 3).reshape(h * w * c, -1)
    model = torch.nn.Sequential(conv, torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), _linear(torch, dense_w, prob.dense_b))
    xs = torch.from_numpy(prob.x.transpose(0, 3, 1, 2).copy())
    ys = torch.from_numpy(prob.y)
    b, n = prob.batch, prob.n_batches
    state = {"i": 0}

    def get_batch() -> tuple[Any, Any]:
        i = state["i"] % n
        state["i"] += 1
        return xs[i * b:(i + 1) * b], ys[i * b:(i + 1) * b]

    loss6, steps = _train(torch, model, prob, get_batch)
    return {"steps_s": steps, "info": {"loss_step6": loss6}}


def graph_scale(cfg: dict[str, Any]) -> dict[str, Any]:
    """Eager per-op cost of the tanh/add chain (no build or first-run phase)."""
    torch = _torch()
    from benchmarks.bench_graph_scale import CHAIN_KEYS, chain_lengths, input_values

    out: dict[str, Any] = {}
    x0 = torch.from_numpy(input_values())
    c = torch.full_like(x0, 0.5)
    for key, n in zip(CHAIN_KEYS, chain_lengths(cfg)):
        def run(n: int = n) -> Any:
            x = x0
            for i in range(n):
                x = torch.tanh(x) if i % 2 == 0 else torch.add(x, c)
            return x

        with torch.no_grad():
            out[f"{key}_steady_us_op"] = per_call(run, 0.05 if cfg.get("quick")
                                                     else 0.5, warmup=1) / n * 1e6
    return out
