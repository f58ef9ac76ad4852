"""Config loading: TOML -> dataclasses, --set overrides, and every validation error naming
the dotted key path and what is allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trainkit.cli.config import ConfigError, apply_overrides, config_from_table, load_config
from trainkit.cli.inputs import load_splits


def _load(tmp_path: Path, text: str, overrides: list[str] | None = None):
    p = tmp_path / "c.toml"
    p.write_text(text, encoding="utf-8")
    return load_config(p, overrides)


def test_defaults_and_values_land_in_dataclasses(tmp_path):
    cfg = _load(tmp_path, 'name = "x"\n[model]\ntype = "mlp"\nhidden_units = [8, 4]\n'
                          '[optimizer]\nlearning_rate = 1\n[run]\nsteps = 7\n')
    assert cfg.name == "x" and cfg.model.hidden_units == [8, 4] and cfg.run.steps == 7
    assert cfg.optimizer.learning_rate == 1.0 and isinstance(cfg.optimizer.learning_rate, float)
    assert cfg.optimizer.type == "adam" and cfg.data.dataset == "digits"  # defaults
    assert cfg.path == (tmp_path / "c.toml").resolve()


@pytest.mark.parametrize("text, needle", [
    ('[model]\ntyp = "mlp"\n', "model.typ: unknown key; allowed: type, hidden_units"),
    ('[optimiser]\n', "optimiser: unknown key; allowed: name, model, data, optimizer"),
    ('[run]\nstep = 3\n', "run.step: unknown key; allowed: steps, seed"),
    ('[[hooks]]\ntype = "StopAtStepHook"\narg = {}\n', "hooks[0].arg: unknown key; allowed: "
                                                     "type, args"),
])
def test_unknown_key_names_dotted_path_and_allowed(tmp_path, text, needle):
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    assert needle in str(e.value)


@pytest.mark.parametrize("text, needle", [
    ('[run]\nsteps = "10"\n', "run.steps: expected an integer, got '10'"),
    ('[run]\nsteps = 1.5\n', "run.steps: expected an integer, got 1.5"),
    ('[run]\nsteps = true\n', "run.steps: expected an integer, got True"),
    ('[optimizer]\nlearning_rate = "fast"\n', "optimizer.learning_rate: expected a number"),
    ('[optimizer]\ntype = "momentum"\nlearning_rate = 0.1\nmomentum = 0.9\nuse_nesterov = 1\n',
     "optimizer.use_nesterov: expected true or false"),
    ('[model]\nhidden_units = 64\n', "model.hidden_units: expected a list, got 64"),
    ('[model]\nhidden_units = [64, "x"]\n', "model.hidden_units[1]: expected an integer"),
    ('name = 3\n', "name: expected a string, got 3"),
    ('model = 3\n', "model: expected a table, got 3"),
    ('hooks = 3\n', "hooks: expected an array of tables"),
])
def test_bad_value_types(tmp_path, text, needle):
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    assert needle in str(e.value)


@pytest.mark.parametrize("text, needle", [
    ('[model]\ntype = "transformer"\n',
     "model.type: unknown name 'transformer'; allowed: logreg, mlp, cnn, linear"),
    ('[optimizer]\ntype = "lion"\n', "optimizer.type: unknown name 'lion'; allowed: sgd, "
                                     "momentum, adam, adagrad, rmsprop, adadelta"),
    ('[schedule]\ntype = "warmup"\n', "schedule.type: unknown name 'warmup'; allowed: constant"),
    ('[model]\nactivation = "gelu"\n', "model.activation: unknown name 'gelu'; allowed: relu"),
    ('[data]\ndataset = "mnist"\n', "data.dataset: unknown name 'mnist'; allowed: "),
    ('[run]\nprogress_bar = "maybe"\n', "run.progress_bar: unknown name 'maybe'; allowed: auto"),
])
def test_unknown_names_list_allowed(tmp_path, text, needle):
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    assert needle in str(e.value)


@pytest.mark.parametrize("text, needle", [
    ('[model]\ndropout = 1.0\n', "model.dropout: must be in [0, 1)"),
    ('[data]\neval_fraction = 0\n', "data.eval_fraction: must be in (0, 1)"),
    ('[run]\nsteps = 0\n', "run.steps: must be > 0, got 0"),
    ('[run]\ncheckpoint_every_steps = -1\n', "run.checkpoint_every_steps: must be >= 0"),
    ('[model]\nhidden_units = [4, 0]\n', "model.hidden_units[1]: must be > 0"),
    ('[schedule]\ntype = "piecewise_constant"\nboundaries = [10]\nvalues = [0.1]\n',
     "schedule.values: piecewise_constant needs one more value than boundaries"),
    ('[model]\ntype = "linear"\n', "data.npz: model.type 'linear' (regression) needs an .npz"),
    ('name = "a/b"\n', "name: must be a plain directory name, got 'a/b'"),
    ('[[hooks]]\nargs = {}\n', "hooks[0].type: missing"),
])
def test_bad_ranges_and_combinations(tmp_path, text, needle):
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    assert needle in str(e.value)


def test_progress_bar_accepts_toml_booleans(tmp_path):
    assert _load(tmp_path, "[run]\nprogress_bar = false\n").run.progress_bar == "false"
    assert _load(tmp_path, "[run]\nprogress_bar = true\n").run.progress_bar == "true"


def test_toml_syntax_error_names_file_and_line(tmp_path):
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, 'name = "x"\n[model\n')
    msg = str(e.value)
    assert "c.toml: invalid TOML" in msg and "line 2" in msg and "\n" not in msg


def test_missing_or_unreadable_config_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read config"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path)  # a directory


def test_overrides_parse_toml_values_and_bare_words(tmp_path):
    cfg = _load(tmp_path, "", ["run.steps=12", "model.hidden_units=[3, 2]", "optimizer.type=sgd",
                               "optimizer.learning_rate = 0.5", 'name="o"'])
    assert cfg.run.steps == 12 and cfg.model.hidden_units == [3, 2]
    assert cfg.optimizer.type == "sgd" and cfg.optimizer.learning_rate == 0.5
    assert cfg.name == "o"


@pytest.mark.parametrize("item, needle", [
    ("run.steps", "--set 'run.steps': expected KEY.PATH=VALUE"),
    ("=3", "'' is not a dotted key path"),
    ("run..steps=3", "'run..steps' is not a dotted key path"),
    ("run.st eps=3", "'run.st eps' is not a dotted key path"),
    ("run.steps=", "--set 'run.steps=': missing value"),
    ("name.x=3", "--set 'name.x=3': name is not a table"),
])
def test_malformed_overrides(item, needle):
    with pytest.raises(ConfigError) as e:
        apply_overrides({"name": "n"}, [item])
    assert needle in str(e.value)


def test_override_value_is_still_validated(tmp_path):
    with pytest.raises(ConfigError, match=r"run\.steps: expected an integer, got 'ten'"):
        _load(tmp_path, "", ["run.steps=ten"])
    with pytest.raises(ConfigError, match=r"run\.stpes: unknown key"):
        _load(tmp_path, "", ["run.stpes=3"])


def test_npz_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, '[model]\ntype = "linear"\n[data]\nnpz = "data/none.npz"\n')
    assert str(e.value) == f"data.npz: file not found: {tmp_path / 'data' / 'none.npz'}"


def test_npz_without_named_key_lists_keys(tmp_path):
    np.savez(tmp_path / "d.npz", feats=np.zeros((6, 2)), y=np.zeros((6, 1)))
    cfg = _load(tmp_path, '[model]\ntype = "linear"\n[data]\nnpz = "d.npz"\n')
    with pytest.raises(ConfigError) as e:
        load_splits(cfg, images=False)
    assert "data.features_key:" in str(e.value) and "has no array 'x'; it has: feats, y" \
        in str(e.value)


def test_npz_rows_must_match_and_file_must_be_npz(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((6, 2)), y=np.zeros((5, 1)))
    cfg = _load(tmp_path, '[model]\ntype = "linear"\n[data]\nnpz = "d.npz"\n')
    with pytest.raises(ConfigError, match="x has 6 rows but y has 5"):
        load_splits(cfg, images=False)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    cfg = _load(tmp_path, '[model]\ntype = "linear"\n[data]\nnpz = "bad.npz"\n')
    with pytest.raises(ConfigError, match=r"data\.npz: cannot read .*bad\.npz"):
        load_splits(cfg, images=False)


def test_npz_split_is_deterministic_and_complete(tmp_path):
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.float32).reshape(10, 1)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    cfg = _load(tmp_path, '[model]\ntype = "linear"\n[data]\nnpz = "d.npz"\n'
                          'eval_fraction = 0.3\n')
    s = load_splits(cfg, images=False)
    assert len(s.x_eval) == 3 and len(s.x_train) == 7 and not s.classification
    assert sorted(np.concatenate([s.y_train, s.y_eval]).ravel().tolist()) == list(range(10))
    np.testing.assert_array_equal(s.x_train[:, 0], 2 * s.y_train[:, 0])  # rows stay paired


def test_config_from_table_without_file():
    cfg = config_from_table({"name": "t", "run": {"steps": 3}})
    assert cfg.path is None and cfg.run.steps == 3
