"""Helpers for the tests of the repo's top-level ``hooks/`` folder (user-style hook files,
loaded by path the way the CLI loads them) and a quadratic model with known gradients."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

import trainkit as tk

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests" / "cli") not in sys.path:
    sys.path.insert(0, str(REPO / "tests" / "cli"))  # for ``cli_helpers``


def load_hook_module(name: str):
    """Imports ``hooks/<name>.py`` (once per test session)."""
    mod_name = f"_tk_hooks_folder_{name}"
    if mod_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(mod_name, REPO / "hooks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[mod_name] = module
    return sys.modules[mod_name]


C = np.array([1.0, 2.0, 2.0], np.float32)  # |C| = 3


def quadratic(lr: float = 0.25):
    """``loss = |w - C|^2`` from ``w = 0`` with SGD: ``w - C`` shrinks by ``1 - 2 lr`` each
    step, so at step k the gradient norm is ``6 (1 - 2 lr)^k`` and the loss ``9 (1 - 2 lr)^2k``.

    Returns (loss, train_op).
    """
    gs = tk.train.get_or_create_global_step()
    w = tk.Variable(np.zeros(3, np.float32), name="w")
    loss = tk.reduce_sum(tk.square(w - C), name="loss")
    train = tk.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    return loss, train


def run(hooks, train, n: int, **kwargs) -> int:
    """Runs ``train`` until a stop or ``n`` runs in a MonitoredTrainingSession."""
    done = 0
    with tk.train.MonitoredTrainingSession(hooks=hooks, save_summaries_steps=None,
                                           save_checkpoint_secs=None, **kwargs) as sess:
        while done < n and not sess.should_stop():
            sess.run(train)
            done += 1
    return done


def scalars(logdir: Path) -> dict[str, list[tuple[int, float]]]:
    """tag -> [(step, value)] read with TensorBoard's own EventAccumulator."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(logdir))
    acc.Reload()
    return {t: [(e.step, e.value) for e in acc.Scalars(t)] for t in acc.Tags()["scalars"]}
