"""The hook table, shared writers, and the hooks' imports (public API only)."""

from __future__ import annotations

import ast
import pathlib

import pytest

import trainkit as tk
from trainkit import hooks
from trainkit.hooks import registry, writer_lease


def test_every_builtin_hook_is_registered_by_class_and_short_name():
    assert registry.get_hook("stop_at_step") is hooks.StopAtStepHook
    assert registry.get_hook("StopAtStepHook") is hooks.StopAtStepHook
    for name in ("checkpoint_saver", "summary_saver", "logging_tensor", "step_counter",
                 "nan_tensor", "feed_fn", "final_ops", "global_step_waiter", "profiler",
                 "progress_bar", "early_stopping", "evaluation"):
        assert issubclass(registry.get_hook(name), tk.train.SessionRunHook)


def test_unknown_and_duplicate_names():
    with pytest.raises(KeyError, match="Unknown hook 'nope'.*stop_at_step"):
        registry.get_hook("nope")
    with pytest.raises(KeyError, match="'stop_at_step' is already registered"):
        @registry.register_hook("stop_at_step")
        class Other(tk.train.SessionRunHook):
            pass


def test_writer_lease_closes_after_last_release(tmp_path):
    w1 = writer_lease.acquire(str(tmp_path))
    w2 = writer_lease.acquire(str(tmp_path))
    assert w1 is w2
    writer_lease.release(w1)
    assert not w1.closed
    writer_lease.release(w2)
    assert w1.closed
    tk.summary.FileWriterCache.clear()


def test_train_facade_names():
    for name in ("MonitoredSession", "SingularMonitoredSession", "MonitoredTrainingSession",
                 "Scaffold", "SessionCreator", "ChiefSessionCreator", "WorkerSessionCreator",
                 "SessionManager", "Coordinator", "SessionRunHook", "SessionRunArgs",
                 "SessionRunContext", "SessionRunValues", "SecondOrStepTimer",
                 "StopAtStepHook", "LoggingTensorHook", "CheckpointSaverHook",
                 "CheckpointSaverListener", "StepCounterHook", "NanTensorHook",
                 "NanLossDuringTrainingError", "FeedFnHook", "FinalOpsHook",
                 "SummarySaverHook", "GlobalStepWaiterHook", "ProfilerHook",
                 "ProgressBarHook", "EarlyStoppingHook", "EvaluationHook", "hook_timing",
                 "get_or_create_global_step", "create_global_step", "get_global_step",
                 "global_step"):
        assert hasattr(tk.train, name), name


_ALLOWED = ("trainkit.training.session_run_hook", "trainkit.training.training_util",
            "trainkit.training.monitored_session", "trainkit.training.scaffold",
            "trainkit.training.session_creators", "trainkit.summary", "trainkit.hooks",
            "trainkit.errors", "trainkit.nest", "trainkit.framework.graph",
            "trainkit.framework.tensor", "trainkit.framework.topo",
            "trainkit.client.run_metadata",
            "trainkit.client.timeline", "trainkit.distributed")


def test_hooks_import_only_public_modules():
    root = pathlib.Path(hooks.__file__).parent
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith("trainkit"):
                names = [a.name for a in node.names]
                for name in names:
                    full = f"{node.module}.{name}"
                    assert node.module.startswith(_ALLOWED) or full.startswith(_ALLOWED), \
                        f"{path.name} imports {full}"
                    assert not name.startswith("_"), f"{path.name} imports {full}"
