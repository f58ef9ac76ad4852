"""The premade (canned) estimators and their heads."""

from __future__ import annotations

from trainkit.estimator.canned.dnn_linear_combined import (
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
)
from trainkit.estimator.canned.premade import (
    DNNClassifier,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
)

__all__ = ["DNNClassifier", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNRegressor", "LinearClassifier", "LinearRegressor"]
