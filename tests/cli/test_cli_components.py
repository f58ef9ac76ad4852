"""The CLI's component table: config sections bound to the signatures of the components
they name, the library's own defaults, one-line errors, and a new optimizer in one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_helpers import write_config

import trainkit as tk
from trainkit.cli import components
from trainkit.cli.config import ConfigError, config_from_table
from trainkit.cli.main import main


def test_rmsprop_gets_the_library_defaults():
    # TF1's tf.compat.v1.train.RMSPropOptimizer documents decay=0.9, momentum=0.0,
    # epsilon=1e-10 (the old CLI gave momentum=0.9, epsilon=1e-8).
    cfg = config_from_table({"optimizer": {"type": "rmsprop", "learning_rate": 0.01}})
    assert cfg.optimizer.args == {"learning_rate": 0.01, "decay": 0.9, "momentum": 0.0,
                                  "epsilon": 1e-10, "centered": False}
    cfg = config_from_table({"optimizer": {"type": "adam"}})  # Adam has its own lr default
    assert cfg.optimizer.args == {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999,
                                  "epsilon": 1e-8}


@pytest.mark.parametrize("table, message", [
    ({"optimizer": {"type": "adam", "rho": 0.9}},
     "optimizer.rho: unknown key; allowed: type, learning_rate, beta1, beta2, epsilon, "
     "clip_global_norm, scale_learning_rate_by_ranks, accumulate_steps (the settings of "
     "optimizer 'adam') ('rho' belongs to adadelta)."),
    ({"optimizer": {"type": "sgd"}},
     "optimizer.learning_rate: missing; optimizer 'sgd' needs it (allowed: type, "
     "learning_rate, clip_global_norm, scale_learning_rate_by_ranks, accumulate_steps)."),
    ({"optimizer": {"type": "momentum", "learning_rate": 0.1}},
     "optimizer.momentum: missing; optimizer 'momentum' needs it (allowed: type, "
     "learning_rate, momentum, use_nesterov, clip_global_norm, "
     "scale_learning_rate_by_ranks, accumulate_steps)."),
    ({"optimizer": {"type": "adam", "learning_rate": float("nan")}},
     "optimizer.learning_rate: must be a finite number, got nan."),
    ({"optimizer": {"type": "adam", "learning_rate": -1}},
     "optimizer.learning_rate: must be > 0, got -1.0."),
    ({"optimizer": {"type": "adam", "use_locking": True}},
     "optimizer.use_locking: unknown key; allowed: type, learning_rate, beta1, beta2, "
     "epsilon, clip_global_norm, scale_learning_rate_by_ranks, accumulate_steps (the "
     "settings of optimizer 'adam')."),
    ({"schedule": {"type": "constant", "decay_steps": 10}},
     "schedule.decay_steps: unknown key; allowed: type, warmup_steps (the settings of "
     "schedule 'constant') ('decay_steps' belongs to exponential_decay, polynomial_decay, "
     "cosine_decay, inverse_time_decay)."),
    ({"schedule": {"type": "cosine_decay"}},
     "schedule.decay_steps: missing; schedule 'cosine_decay' needs it (allowed: type, "
     "decay_steps, alpha, warmup_steps)."),
    ({"model": {"type": "logreg", "hidden_units": [3]}},
     "model.hidden_units: unknown key; allowed: type, l2 (the settings of model 'logreg') "
     "('hidden_units' belongs to mlp, cnn, lstm, gru)."),
    ({"model": {"type": "mlp", "hiden_units": [3]}},
     "model.hiden_units: unknown key; allowed: type, hidden_units, activation, dropout, l2 "
     "(the settings of model 'mlp') (did you mean 'hidden_units'?)."),
    ({"model": {"type": 3}}, "model.type: expected a string, got 3."),
    ({"data": {"dataset": "mnist"}}, "data.dataset: unknown name 'mnist'; allowed: digits, "
                                     "npz."),
    ({"data": {"type": "digits", "batch_size": 0}}, "data.batch_size: must be > 0, got 0."),
    ({"schedule": {"type": "piecewise_constant", "boundaries": [5, 2], "values": [1, 2, 3]}},
     "schedule.boundaries: must increase, got [5, 2]."),
])
def test_one_line_errors_name_the_dotted_key(table, message):
    with pytest.raises(ConfigError) as e:
        config_from_table(table)
    assert str(e.value) == message


def test_sections_read_as_attributes_with_defaults():
    cfg = config_from_table({"model": {"type": "cnn", "conv_filters": [4]},
                             "data": {"dataset": "digits", "batch_size": 8}})
    assert cfg.model.conv_filters == [4] and cfg.model.kernel_size == 3
    assert cfg.model.hidden_units == [128]  # the builder's own default
    assert cfg.model.component.meta["images"] is True
    assert cfg.data.type == cfg.data.dataset == "digits" and cfg.data.batch_size == 8
    with pytest.raises(AttributeError, match="has no setting 'beta1'"):
        cfg.model.beta1  # noqa: B018


def test_register_twice_and_unknown_kind():
    with pytest.raises(KeyError, match="already registered"):
        components.register_component("optimizer", "sgd", tk.train.AdamOptimizer)
    with pytest.raises(KeyError, match="Unknown component kind 'loss'"):
        components.register_component("loss", "x", len)
    with pytest.raises(KeyError, match="No optimizer named 'nope'"):
        components.unregister_component("optimizer", "nope")
    assert components.component_names("optimizer")[:2] == ["sgd", "momentum"]


class HalvedSGD(tk.train.GradientDescentOptimizer):
    """A toy optimizer: gradient descent at ``scale`` times the learning rate."""

    def __init__(self, learning_rate, scale: float = 0.5, use_locking: bool = False,
                 name: str = "HalvedSGD"):
        super().__init__(learning_rate * scale, use_locking=use_locking, name=name)


@pytest.fixture
def halved_sgd():
    components.register_component("optimizer", "halved_sgd", HalvedSGD)  # the one line
    yield
    components.unregister_component("optimizer", "halved_sgd")


def _kernel(run_dir: Path) -> np.ndarray:
    return tk.train.load_variable(tk.train.latest_checkpoint(str(run_dir)),
                                  "model/logits/kernel")


def test_a_registered_optimizer_trains_from_a_toml_config(tmp_path, halved_sgd, capsys):
    toy = write_config(tmp_path / "toy.toml", name="toy", steps=6)
    toy.write_text(toy.read_text().replace('type = "sgd"\nlearning_rate = 0.1',
                                           'type = "halved_sgd"\nlearning_rate = 0.1\n'
                                           'scale = 0.25'))
    ref = write_config(tmp_path / "ref.toml", name="ref", steps=6)
    ref.write_text(ref.read_text().replace("learning_rate = 0.1", "learning_rate = 0.025"))
    assert main(["check", str(toy)]) == 0
    assert main(["train", str(toy), "--logdir", str(tmp_path / "runs")]) == 0
    assert main(["train", str(ref), "--logdir", str(tmp_path / "runs")]) == 0
    capsys.readouterr()
    # 0.1 * 0.25 = 0.025: the same steps as plain gradient descent at 0.025
    np.testing.assert_allclose(_kernel(tmp_path / "runs" / "toy"),
                               _kernel(tmp_path / "runs" / "ref"), rtol=1e-6, atol=1e-7)
    code = main(["check", str(toy), "--set", "optimizer.momentum=0.9"])
    err = capsys.readouterr().err
    assert code == 2 and err == ("trainkit: error: optimizer.momentum: unknown key; allowed: "
                                 "type, learning_rate, scale, clip_global_norm, "
                                 "scale_learning_rate_by_ranks, accumulate_steps (the settings "
                                 "of optimizer 'halved_sgd') ('momentum' belongs to momentum, "
                                 "rmsprop).\n")


def test_early_stopping_in_a_config_reads_the_published_evaluation(tmp_path, capsys):
    # eval loss falls from step 1 to step 6, so mode="max" sees no improvement at the
    # second evaluation and (patience 0) stops in that very step
    cfg = write_config(tmp_path / "c.toml", name="es", steps=100,
                       extra="[[hooks]]\ntype = 'EarlyStoppingHook'\n"
                             "args = {monitor = 'loss', mode = 'max', patience = 0}\n")
    cfg.write_text(cfg.read_text().replace("log_every_steps = 0",
                                           "log_every_steps = 0\neval_every_steps = 5"))
    assert main(["train", str(cfg), "--logdir", str(tmp_path / "runs")]) == 0
    assert capsys.readouterr().out.startswith("Finished 'es' at step 6 ")
