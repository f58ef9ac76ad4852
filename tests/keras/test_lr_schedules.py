"""``tk.keras.optimizers.schedules`` against values recorded from TF 2.21 + tf_keras 2.21
(``schedule_scenarios.py``, ``make_schedule_reference.py``): every schedule at steps
around its decays, restarts and warmup, and an SGD with an ExponentialDecay schedule
fitted three epochs (losses and weights); plus configs and typed errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.schedule_scenarios import scenarios

REF = json.loads(Path(__file__).with_name("schedule_reference.json").read_text())
S = tk.keras.optimizers.schedules


@pytest.fixture(scope="module")
def ours():
    return scenarios(tk)


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(k for k in REF if k not in ("tf_version", "fit")))
def test_schedule_values_match_tf(ours, name):
    # atol: 1 + cos(pi x) near its zero (SGDR at a period's end) loses float32 digits
    np.testing.assert_allclose(ours[name], REF[name], rtol=2e-6, atol=1e-7)


def test_sgd_with_a_schedule_trains_as_tf(ours):
    np.testing.assert_allclose(ours["fit"]["loss"], REF["fit"]["loss"], rtol=1e-5)
    for got, want in zip(ours["fit"]["weights"], REF["fit"]["weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_optimizer_exposes_and_serializes_the_schedule():
    schedule = S.CosineDecay(0.1, 50, alpha=0.2)
    opt = tk.keras.optimizers.Adam(learning_rate=schedule)
    assert opt.lr is schedule and opt.learning_rate is schedule
    config = opt.get_config()["learning_rate"]
    assert config == {"class_name": "CosineDecay", "config": schedule.get_config()}
    again = S.deserialize(config)
    assert isinstance(again, S.CosineDecay) and again.get_config() == schedule.get_config()


def test_errors():
    with pytest.raises(ValueError, match="1 less than the length of values"):
        S.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        S.deserialize({"class_name": "Triangle", "config": {}})
    with pytest.raises(ValueError, match="LearningRateSchedule"):
        tk.keras.optimizers.SGD(learning_rate="fast")
