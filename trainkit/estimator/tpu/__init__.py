"""``trainkit.estimator.tpu`` (``tf.compat.v1.estimator.tpu``): ``TPUEstimator`` and its
configuration, run on the CPU (``use_tpu=False``). Re-exports only."""

from __future__ import annotations

from trainkit.estimator.tpu.tpu_config import InputPipelineConfig, RunConfig, TPUConfig
from trainkit.estimator.tpu.tpu_estimator import TPUEstimator, TPUEstimatorSpec

__all__ = ["InputPipelineConfig", "RunConfig", "TPUConfig", "TPUEstimator", "TPUEstimatorSpec"]
