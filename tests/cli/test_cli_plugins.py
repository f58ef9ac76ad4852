"""Hooks named in configs: built-ins by name, "file:Class" search order, and every error
(missing file, failing import, missing class, arguments that do not fit)."""

from __future__ import annotations

from pathlib import Path

import pytest

import trainkit as tk
from trainkit.cli import plugins
from trainkit.cli.config import ConfigError, load_config

HOOK = '''
import trainkit as tk

class {cls}(tk.train.SessionRunHook):
    def __init__(self, n: int, tensor=None, output_dir: str = "", **_unused):
        self.n, self.tensor, self.output_dir = n, tensor, output_dir
'''

STRICT = '''
import trainkit as tk

class Strict(tk.train.SessionRunHook):
    def __init__(self, every: int = 1, loss=None):
        if every <= 0:
            raise ValueError(f"every must be > 0, got {every}")
        self.every, self.loss = every, loss
'''


def _cfg(tmp_path: Path, hooks: str, extra: str = ""):
    p = tmp_path / "cfgs" / "c.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(f'name = "h"\n{extra}\n{hooks}', encoding="utf-8")
    return load_config(p)


def _hook_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(text, encoding="utf-8")
    return folder / f"{name}.py"


def test_builtin_hook_by_class_name_and_alias(tmp_path):
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "StopAtStepHook"\nargs = {last_step = 3}\n'
                         '[[hooks]]\ntype = "stop_at_step"\nargs = {num_steps = 3}\n')
    specs = plugins.check_hooks(cfg)
    assert [c for c, _ in specs] == [tk.train.StopAtStepHook, tk.train.StopAtStepHook]
    assert specs[0][1] == {"last_step": 3}


def test_unknown_builtin_lists_the_builtins(tmp_path):
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "StopAtStep"\n')
    with pytest.raises(ConfigError) as e:
        plugins.check_hooks(cfg)
    msg = str(e.value)
    assert msg.startswith("hooks[0].type: unknown hook 'StopAtStep'; built-in hooks: ")
    for name in ("CheckpointSaverHook", "EarlyStoppingHook", "StopAtStepHook"):
        assert name in msg
    assert "'file:Class'" in msg


def test_search_order_hooks_dir_then_config_neighbour_then_repo(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "mine", HOOK.format(cls="Neighbour"))
    _hook_file(tmp_path / "elsewhere", "mine", HOOK.format(cls="Configured"))
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "mine:Neighbour"\nargs = {n = 1}\n')
    assert plugins.check_hooks(cfg)[0][0].__name__ == "Neighbour"
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "mine:Configured"\nargs = {n = 1}\n',
               '[run]\nhooks_dir = "../elsewhere"\n')
    assert plugins.check_hooks(cfg)[0][0].__name__ == "Configured"
    dirs = plugins.hook_dirs(cfg)
    repo_hooks = Path(__file__).resolve().parents[2] / "hooks"
    assert dirs[0] == (tmp_path / "elsewhere").resolve()
    assert dirs[1] == (tmp_path / "cfgs" / "hooks").resolve()
    assert dirs[-1] == repo_hooks
    # the repo's own hooks are found from any config
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "time_limit:TimeLimitHook"\n'
                         'args = {max_seconds = 5}\n')
    assert plugins.check_hooks(cfg)[0][0].__name__ == "TimeLimitHook"


def test_missing_hook_file_lists_searched_folders(tmp_path):
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "nofile:X"\n')
    with pytest.raises(ConfigError) as e:
        plugins.check_hooks(cfg)
    msg = str(e.value)
    assert msg.startswith("hooks[0].type: hook file 'nofile.py' not found (searched: ")
    assert str((tmp_path / "cfgs" / "hooks").resolve()) in msg


def test_hook_file_that_raises_on_import(tmp_path):
    path = _hook_file(tmp_path / "cfgs" / "hooks", "broken", "raise RuntimeError('boom')\n")
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "broken:X"\n')
    with pytest.raises(ConfigError) as e:
        plugins.check_hooks(cfg)
    assert str(e.value) == (f"hooks[0].type: importing hook file {path.resolve()} failed: "
                            "RuntimeError: boom")


def test_hook_file_with_syntax_error(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "syn", "def (:\n")
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "syn:X"\n')
    with pytest.raises(ConfigError, match=r"importing hook file .*syn\.py failed: SyntaxError"):
        plugins.check_hooks(cfg)


def test_missing_class_lists_the_hooks_in_the_file(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "two", HOOK.format(cls="A") + HOOK.format(cls="B")
               + "\nclass NotAHook:\n    pass\n")
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "two:C"\n')
    with pytest.raises(ConfigError) as e:
        plugins.check_hooks(cfg)
    assert str(e.value) == "hooks[0].type: two has no hook class 'C'; it defines: A, B."
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "two:NotAHook"\n')
    with pytest.raises(ConfigError, match="has no hook class 'NotAHook'"):
        plugins.check_hooks(cfg)


def test_args_that_do_not_fit_the_signature(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "strict", STRICT)
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "strict:Strict"\nargs = {evry = 2}\n')
    with pytest.raises(ConfigError) as e:
        plugins.check_hooks(cfg)
    assert str(e.value) == ("hooks[0].args.evry: Strict has no argument 'evry'; allowed: "
                            "every, loss.")
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "StopAtStepHook"\nargs = {steps = 2}\n')
    with pytest.raises(ConfigError, match=r"hooks\[0\]\.args\.steps: StopAtStepHook has no "
                                          r"argument 'steps'; allowed: num_steps, last_step"):
        plugins.check_hooks(cfg)


def test_required_args_missing_but_injectables_may_be_left_out(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "req", HOOK.format(cls="Req"))
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "req:Req"\n')
    with pytest.raises(ConfigError, match=r"hooks\[0\]\.args: Req needs n; allowed: n, "
                                          r"tensor, output_dir"):
        plugins.check_hooks(cfg)
    # GradNormHook's required ``loss`` is filled in by the CLI
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "grad_norm:GradNormHook"\n')
    assert plugins.check_hooks(cfg)[0][0].__name__ == "GradNormHook"


def test_eval_watching_hook_needs_eval_enabled(tmp_path):
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "EarlyStoppingHook"\nargs = {monitor = "accuracy"}\n')
    with pytest.raises(ConfigError, match=r"hooks\[0\]: EarlyStoppingHook watches the evaluation "
                                          r"metrics.*run\.eval_every_steps > 0"):
        plugins.check_hooks(cfg)
    ok = _cfg(tmp_path, '[[hooks]]\ntype = "EarlyStoppingHook"\nargs = {monitor = "loss:0"}\n')
    assert len(plugins.check_hooks(ok)) == 1  # watching a tensor needs no evaluation


def _graph_with_loss():
    g = tk.Graph()
    with g.as_default():
        tk.identity(tk.constant(1.0), name="loss")
        tk.identity(tk.constant(0.1), name="learning_rate")
    return g


def test_instantiate_turns_tensor_names_into_tensors_and_injects(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "inj", HOOK.format(cls="Inj"))
    cfg = _cfg(tmp_path, '[[hooks]]\ntype = "inj:Inj"\n'
                         'args = {n = 2, tensor = ["loss:0", {lr = "learning_rate:0"}]}\n')
    (cls, args), = plugins.check_hooks(cfg)
    g = _graph_with_loss()
    hook = plugins.instantiate(cls, args, g, {"output_dir": "/run", "loss": "x"}, "hooks[0]")
    assert hook.n == 2 and hook.output_dir == "/run"
    assert hook.tensor[0] is g.get_tensor_by_name("loss:0")
    assert hook.tensor[1]["lr"] is g.get_tensor_by_name("learning_rate:0")


def test_instantiate_unknown_tensor_name_and_rejected_args(tmp_path):
    _hook_file(tmp_path / "cfgs" / "hooks", "strict", STRICT)
    g = _graph_with_loss()
    cls = plugins.resolve_hook_class("strict:Strict", _cfg(tmp_path, ""), "hooks[0].type")
    with pytest.raises(ConfigError) as e:
        plugins.instantiate(cls, {"loss": "los:0"}, g, {}, "hooks[0]")
    assert str(e.value) == ("hooks[0].args.loss: no tensor 'los:0' in the graph; the CLI names "
                            "loss:0, learning_rate:0.")
    with pytest.raises(ConfigError) as e:
        plugins.instantiate(cls, {"every": 0}, g, {}, "hooks[0]")
    assert str(e.value) == ("hooks[0].args: Strict rejected its arguments: every must be > 0, "
                            "got 0")
