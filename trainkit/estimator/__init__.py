"""``trainkit.estimator``: ``tf.estimator`` / ``tf.compat.v1.estimator`` — Estimator,
EstimatorSpec, RunConfig, ModeKeys, train_and_evaluate, numpy/pandas input functions and
the premade linear, DNN and combined (wide-and-deep) estimators.

Example:
    >>> import trainkit as tf
    >>> est = tf.estimator.Estimator(model_fn, model_dir="/tmp/m")
    >>> est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, shuffle=True), steps=10)
"""

from __future__ import annotations

from trainkit.estimator import experimental, export, inputs, tpu
from trainkit.estimator.canned import (
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
)
from trainkit.estimator.estimator import Estimator
from trainkit.estimator.exporter import BestExporter, Exporter, FinalExporter, LatestExporter
from trainkit.estimator.extenders import add_metrics
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.estimator.model_fn import EstimatorSpec
from trainkit.estimator.run_config import RunConfig
from trainkit.estimator.training import EvalSpec, TrainSpec, train_and_evaluate
from trainkit.estimator.warm_start import WarmStartSettings
from trainkit.hooks.checkpoint_saver import CheckpointSaverHook, CheckpointSaverListener
from trainkit.hooks.feed_fn import FeedFnHook
from trainkit.hooks.final_ops import FinalOpsHook
from trainkit.hooks.global_step_waiter import GlobalStepWaiterHook
from trainkit.hooks.logging_tensor import LoggingTensorHook
from trainkit.hooks.nan_tensor import NanLossDuringTrainingError, NanTensorHook
from trainkit.hooks.profiler import ProfilerHook
from trainkit.hooks.step_counter import StepCounterHook
from trainkit.hooks.stop_at_step import StopAtStepHook
from trainkit.hooks.summary_saver import SummarySaverHook
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.training.session_run_hook import (
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
)

__all__ = [
    "Exporter", "FinalExporter", "LatestExporter", "BestExporter",
    "Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "TrainSpec", "EvalSpec",
    "train_and_evaluate", "inputs", "export", "experimental", "tpu", "DNNClassifier",
    "DNNRegressor",
    "LinearClassifier",
    "LinearRegressor", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
    "WarmStartSettings", "add_metrics", "SessionRunHook", "SessionRunArgs",
    "SessionRunContext",
    "SessionRunValues", "CheckpointSaverHook", "CheckpointSaverListener",
    "LoggingTensorHook", "NanLossDuringTrainingError", "NanTensorHook", "StepCounterHook",
    "StopAtStepHook", "SummarySaverHook",
    "FeedFnHook", "FinalOpsHook", "GlobalStepWaiterHook", "ProfilerHook", "SecondOrStepTimer"]
