"""The built-in hooks, one module each, registered by name in :mod:`.registry`.

Example:
    >>> from trainkit.hooks import StopAtStepHook, get_hook
    >>> get_hook("stop_at_step") is StopAtStepHook
    True
"""

from __future__ import annotations

from trainkit.hooks.checkpoint_saver import CheckpointSaverHook, CheckpointSaverListener
from trainkit.hooks.defaults import USE_DEFAULT, MonitoredTrainingSession
from trainkit.hooks.early_stopping import EarlyStoppingHook
from trainkit.hooks.eval_results import EvaluationResults, evaluation_results
from trainkit.hooks.evaluation import EvaluationHook
from trainkit.hooks.feed_fn import FeedFnHook
from trainkit.hooks.final_ops import FinalOpsHook
from trainkit.hooks.global_step_waiter import GlobalStepWaiterHook
from trainkit.hooks.hook_timing import HookTimingReport, hook_timing
from trainkit.hooks.logging_tensor import LoggingTensorHook
from trainkit.hooks.nan_tensor import NanLossDuringTrainingError, NanTensorHook
from trainkit.hooks.profiler import ProfilerHook
from trainkit.hooks.progress_bar import ProgressBarHook
from trainkit.hooks.registry import get_hook, hook_names, register_hook
from trainkit.hooks.step_counter import StepCounterHook
from trainkit.hooks.stop_at_step import StopAtStepHook
from trainkit.hooks.summary_saver import SummarySaverHook
from trainkit.hooks.timer import NeverTriggerTimer, SecondOrStepTimer
from trainkit.hooks.writer_hook import WriterHook

__all__ = [
    "CheckpointSaverHook", "CheckpointSaverListener", "EarlyStoppingHook", "EvaluationHook",
    "FeedFnHook", "FinalOpsHook", "GlobalStepWaiterHook", "HookTimingReport", "hook_timing",
    "LoggingTensorHook", "NanLossDuringTrainingError", "NanTensorHook", "ProfilerHook",
    "ProgressBarHook", "get_hook", "hook_names", "register_hook", "StepCounterHook",
    "StopAtStepHook", "SummarySaverHook", "NeverTriggerTimer", "SecondOrStepTimer",
    "MonitoredTrainingSession", "USE_DEFAULT", "EvaluationResults", "evaluation_results",
    "WriterHook",
]
