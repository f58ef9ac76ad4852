"""PyTorch (eager, CPU) peers of the ``models`` workloads, split like the traced steps.

Same weights (NHWC kernels turned into PyTorch's OIHW, the dense input rows permuted to
NCHW flattening), same batches. The forward / backward / update split is measured
directly: ``perf_counter`` around the loss computation, ``loss.backward()`` and
``opt.step()`` (median of 3 split steps).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from benchmarks import models
from benchmarks.bench_models import cpu_ms, measure
from benchmarks.peers_torch import _torch
from benchmarks.registry import MODEL_BATCHES, PHASES
from benchmarks.timing import rss_mb


def _p(torch: Any, a: np.ndarray) -> Any:
    return torch.nn.Parameter(torch.from_numpy(np.ascontiguousarray(a)))


def _conv_w(torch: Any, w: np.ndarray) -> Any:
    return _p(torch, w.transpose(3, 2, 0, 1))


def _nchw_rows(w: np.ndarray, h: int, wd: int, c: int) -> np.ndarray:
    """Dense weights drawn for NHWC flattening, rows permuted for NCHW flattening."""
    return w.reshape(h, wd, c, -1).transpose(2, 0, 1, 3).reshape(h * wd * c, -1)


def _model(torch: Any, prob: models.Problem) -> tuple[list, Any, Any]:
    """``(params, loss_fn(x, y), optimizer)``."""
    f = torch.nn.functional
    v = dict(prob.params)
    if prob.name == "deep_mnist":
        c2 = v["conv2_w"].shape[3]
        ps = [_conv_w(torch, v["conv1_w"]), _p(torch, v["conv1_b"]),
              _conv_w(torch, v["conv2_w"]), _p(torch, v["conv2_b"]),
              _p(torch, _nchw_rows(v["fc1_w"], 7, 7, c2)), _p(torch, v["fc1_b"]),
              _p(torch, v["fc2_w"]), _p(torch, v["fc2_b"])]

        def loss_fn(x: Any, y: Any) -> Any:
            h = x.view(-1, 1, 28, 28)
            h = f.max_pool2d(f.relu(f.conv2d(h, ps[0], ps[1], padding=2)), 2)
            h = f.max_pool2d(f.relu(f.conv2d(h, ps[2], ps[3], padding=2)), 2)
            h = f.relu(h.flatten(1) @ ps[4] + ps[5])
            h = f.dropout(h, 0.5, training=True)
            return f.cross_entropy(h @ ps[6] + ps[7], y)

        return ps, loss_fn, torch.optim.Adam(ps, lr=prob.lr, eps=1e-8)
    if prob.name == "cifar10":
        c = v["conv1_w"].shape[3]
        ps = [_conv_w(torch, v["conv1_w"]), _p(torch, v["conv1_b"]),
              _conv_w(torch, v["conv2_w"]), _p(torch, v["conv2_b"]),
              _p(torch, _nchw_rows(v["local3_w"], 6, 6, c)), _p(torch, v["local3_b"]),
              _p(torch, v["local4_w"]), _p(torch, v["local4_b"]),
              _p(torch, v["softmax_w"]), _p(torch, v["softmax_b"])]
        a = models.LRN_ARGS
        size = 2 * a["depth_radius"] + 1  # torch divides alpha by size: undo it

        def lrn(h: Any) -> Any:
            return f.local_response_norm(h, size, alpha=a["alpha"] * size, beta=a["beta"],
                                         k=a["bias"])

        def pool(h: Any) -> Any:  # 3x3/2 SAME on an even size: pad 0 before, 1 after
            return f.max_pool2d(f.pad(h, (0, 1, 0, 1), value=float("-inf")), 3, 2)

        def loss_fn(x: Any, y: Any) -> Any:
            h = lrn(pool(f.relu(f.conv2d(x, ps[0], ps[1], padding=2))))
            h = pool(lrn(f.relu(f.conv2d(h, ps[2], ps[3], padding=2))))
            h = f.relu(h.flatten(1) @ ps[4] + ps[5])
            h = f.relu(h @ ps[6] + ps[7])
            decay = 0.004 * 0.5 * ((ps[4] ** 2).sum() + (ps[6] ** 2).sum())
            return f.cross_entropy(h @ ps[8] + ps[9], y) + decay

        return ps, loss_fn, torch.optim.SGD(ps, lr=prob.lr)
    ps = [_p(torch, value) for _, value in prob.params]

    def ae_loss(x: Any, y: Any) -> Any:
        h = x
        for i in range(4):
            h = torch.sigmoid(h @ ps[2 * i] + ps[2 * i + 1])
        return ((y - h) ** 2).mean()

    # TF1 RMSProp: decay 0.9, eps 1e-10 under the sqrt, mean square starting at 1;
    # torch adds eps outside the sqrt and starts at 0 (losses differ slightly).
    return ps, ae_loss, torch.optim.RMSprop(ps, lr=prob.lr, alpha=0.9, eps=1e-10)


def _batches(torch: Any, prob: models.Problem) -> list[tuple[Any, Any]]:
    out = []
    for xb, yb in prob.batches():
        x = xb.transpose(0, 3, 1, 2) if xb.ndim == 4 else xb
        x = torch.from_numpy(np.ascontiguousarray(x))
        if prob.name == "autoencoder":
            y = torch.from_numpy(yb)
        else:
            y = torch.from_numpy((yb.argmax(1) if yb.ndim == 2 else yb).astype(np.int64))
        out.append((x, y))
    return out


def train(torch: Any, prob: models.Problem) -> dict[str, Any]:
    """Steps/s, per-phase split and loss at step 6 of ``prob`` in PyTorch eager."""
    _, loss_fn, opt = _model(torch, prob)
    batches = _batches(torch, prob)
    state = {"i": 0}
    clock = time.perf_counter

    def step(split: dict | None = None) -> float:
        x, y = batches[state["i"] % len(batches)]
        state["i"] += 1
        t0 = clock()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(x, y)
        t1 = clock()
        loss.backward()
        t2 = clock()
        opt.step()
        t3 = clock()
        if split is not None:
            for k, a, b in (("fwd", t0, t1), ("bwd", t1, t2), ("upd", t2, t3)):
                split.setdefault(k, []).append((b - a) * 1e3)
        return loss.item()

    loss6, steps = measure(step, prob)
    cpu = cpu_ms(step)
    split: dict[str, list[float]] = {}
    for _ in range(3):
        step(split)
    return {"steps_s": steps, "split": {k: statistics.median(split[k]) for k in PHASES},
            "loss6": loss6, "cpu_ms": cpu}


def _run(name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    torch = _torch()
    quick = bool(cfg.get("quick"))
    out: dict[str, Any] = {"info": {}}
    for b in MODEL_BATCHES[name]:
        r = train(torch, models.PROBLEMS[name](batch=b, quick=quick))
        out[f"b{b}_steps_s"] = r["steps_s"]
        out[f"b{b}_cpu_ms"] = r["cpu_ms"]
        for ph in PHASES:
            out[f"b{b}_{ph}_ms"] = r["split"][ph]
        out["info"][f"b{b}_loss_step4"] = r["loss6"]
    out["hwm_mb"] = rss_mb().get("hwm_mb", 0.0)
    return out


def deep_mnist(cfg: dict[str, Any]) -> dict[str, Any]:
    """Deep-MNIST CNN in PyTorch."""
    return _run("deep_mnist", cfg)


def cifar10(cfg: dict[str, Any]) -> dict[str, Any]:
    """CIFAR-10 tutorial model in PyTorch."""
    return _run("cifar10", cfg)


def autoencoder(cfg: dict[str, Any]) -> dict[str, Any]:
    """Dense autoencoder in PyTorch."""
    return _run("autoencoder", cfg)
