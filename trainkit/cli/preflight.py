"""What ``trainkit check`` and ``trainkit train`` verify before anything is written.

Beyond the config itself (keys, types, ranges: :mod:`trainkit.cli.config`), a run can
still fail on: memory (``batch × widths × 4 bytes``), data that does not fit the model,
a run directory that cannot be written or whose newest checkpoint is damaged or belongs
to another model, and hook arguments that name tensors the graph lacks. :func:`preflight`
checks all of them without writing anything; ``check`` stops there, ``train`` goes on.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trainkit.cli import plugins
from trainkit.cli.config import Config
from trainkit.cli.errors import ConfigError
from trainkit.cli.inputs import Splits, load_splits
from trainkit.cli.rundir import check_writable, resume_point

_LOG = logging.getLogger("trainkit.cli")

FLOAT_BYTES = 4  # the CLI's models run in float32
WARN_FRACTION = 0.5  # warn when the estimate is above this share of available memory


@dataclass
class Preflight:
    """Everything checked before a run: the data, the hooks, the steps, the run
    directory, the step to resume from, and warnings to show."""

    splits: Splits
    hook_specs: list
    steps: int
    run_dir: Path
    start_step: int = 0
    checkpoint: str | None = None
    memory_bytes: int = 0
    warnings: list[str] = field(default_factory=list)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``, else the
    physical memory), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def estimate_memory(cfg: Config, splits: Splits) -> tuple[int, str]:
    """Bytes a training step needs (beyond the loaded data) and how it was computed:
    ``batch × activation floats × 3`` (forward values, their gradients, temporaries),
    ``parameters × 4`` (weights, gradients, two optimizer slots) and the input pipeline's
    ``(shuffle_buffer + batch) × input floats``, at 4 bytes a float."""
    shape = tuple(splits.x_train.shape[1:])
    d_in = int(np.prod(shape)) if shape else 1
    size = cfg.model.component.meta.get("size")
    floats, params = size(cfg.model.args, shape, splits.num_outputs) if size else \
        (d_in + splits.num_outputs, 0)
    batch = cfg.data.batch_size
    total = FLOAT_BYTES * (batch * floats * 3 + params * 4
                           + (min(cfg.data.shuffle_buffer, len(splits.x_train)) + batch)
                           * d_in)
    how = (f"batch {batch} × {floats} floats per example, {params} parameters, "
           f"4 bytes each")
    return total, how


def _human(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def check_memory(cfg: Config, splits: Splits, warnings: list[str]) -> int:
    """Refuses a config whose estimate exceeds the available memory, warns above half.

    Raises:
        ConfigError: naming ``data.batch_size``.
    """
    need, how = estimate_memory(cfg, splits)
    have = available_memory()
    if have is None:
        return need
    if need > have:
        raise ConfigError(f"data.batch_size: a training step needs about {_human(need)} "
                          f"({how}), more than the {_human(have)} of memory available; "
                          "lower data.batch_size or the model's widths.")
    if need > WARN_FRACTION * have:
        warnings.append(f"data.batch_size: a training step needs about {_human(need)} of the "
                        f"{_human(have)} of memory available ({how}).")
    return need


def schedule_warnings(cfg: Config, steps: int) -> list[str]:
    """A schedule that stops changing before the run ends (``horizon`` meta) is worth a
    warning naming both keys (cosine_decay then trains at ``alpha × lr``, often 0)."""
    key = cfg.schedule.component.meta.get("horizon")
    if key is None or key not in cfg.schedule.args:
        return []
    horizon = cfg.schedule.args[key]
    if steps <= horizon:
        return []
    return [f"schedule.{key} = {horizon:g} is shorter than the run ({steps} steps, "
            f"run.steps or --max-steps): {cfg.schedule.type} keeps its final learning rate "
            f"for the last {steps - horizon:g} steps; raise schedule.{key} to match."]


def check_checkpoint_fits(graph: Any, ckpt: str) -> None:
    """The checkpoint to resume from must hold every variable of the graph, same shape.

    Raises:
        ConfigError: naming the checkpoint and the first variable that does not fit.
    """
    import trainkit as tk

    saved = dict(tk.train.list_variables(ckpt))
    for v in graph.get_collection(tk.GraphKeys.GLOBAL_VARIABLES):
        name, shape = v.op.name, [int(d) for d in v.shape.as_list()]
        if name not in saved:
            raise ConfigError(f"{ckpt}: the run's checkpoint does not fit this config's model "
                              f"(it has no variable {name!r}); use another --logdir or "
                              "name, or the config the run was trained with.")
        if list(saved[name]) != shape:
            raise ConfigError(f"{ckpt}: the run's checkpoint does not fit this config's model "
                              f"({name!r} is {list(saved[name])} there, {shape} here); use "
                              "another --logdir or name, or the config the run was trained "
                              "with.")


def preflight(cfg: Config, max_steps: int | None, run_dir: Path,
              rebuild: bool = False) -> Preflight:
    """Checks a run without writing anything (``rebuild``: except a lost or damaged
    checkpoint state file, which ``train`` rebuilds before resuming).

    Raises:
        ConfigError: the first problem, naming the dotted key.
    """
    hook_specs = plugins.check_hooks(cfg)
    splits = load_splits(cfg)
    steps = max_steps if max_steps is not None else cfg.run.steps
    warnings = schedule_warnings(cfg, steps)
    need = check_memory(cfg, splits, warnings)
    check_writable(run_dir)
    start, ckpt = resume_point(run_dir, rebuild=rebuild)
    return Preflight(splits, hook_specs, steps, run_dir, start, ckpt, need, warnings)


__all__ = ["Preflight", "preflight", "estimate_memory", "available_memory", "check_memory",
           "schedule_warnings", "check_checkpoint_fits"]
