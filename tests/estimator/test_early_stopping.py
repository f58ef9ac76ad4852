"""``tf.estimator.experimental``'s early-stopping hooks (tensorflow-estimator 1.10+'s
``early_stopping.py`` semantics): the eval metrics read back from event files by step,
the threshold and no-improvement predicates on a hand-made evaluation history, a
``train`` that stops at its first check, ``train_and_evaluate`` stopping on its own
evaluations, the non-chief hook, and the typed errors."""

from __future__ import annotations

import pytest

import trainkit as tk
from tests.estimator.conftest import input_fn
from trainkit.estimator.early_stopping import _CheckForStoppingHook, read_eval_metrics

EXP = tk.estimator.experimental
#: an evaluation history: step -> (loss, accuracy)
HISTORY = {10: (1.0, 0.5), 20: (0.8, 0.7), 30: (0.9, 0.6), 40: (0.85, 0.65)}


def _write_history(eval_dir, history=HISTORY, split_at=25):
    """Two event files (as two evaluate() runs leave), scalar summaries per step."""
    for part in (0, 1):
        writer = tk.summary.FileWriter(eval_dir, filename_suffix=f".{part}")
        for step, (loss, acc) in history.items():
            if (step < split_at) == (part == 0):
                summary = tk.Summary(value=[tk.Summary.Value(tag="loss", simple_value=loss),
                                            tk.Summary.Value(tag="accuracy",
                                                             simple_value=acc)])
                writer.add_summary(summary, step)
        writer.close()


def test_read_eval_metrics_merges_files_by_step(tmp_path):
    assert read_eval_metrics(str(tmp_path / "absent")) == {}
    _write_history(str(tmp_path))
    got = read_eval_metrics(str(tmp_path))
    assert list(got) == [10, 20, 30, 40]
    for step, (loss, acc) in HISTORY.items():
        assert got[step]["loss"] == pytest.approx(loss)
        assert got[step]["accuracy"] == pytest.approx(acc)


def _predicate(hook):
    return hook._should_stop_fn  # noqa: SLF001 - the predicate the hook checks


@pytest.mark.parametrize("make, args, stops", [
    (EXP.stop_if_no_decrease_hook, ("loss", 20), True),      # best 0.8 @20, 40 - 20 >= 20
    (EXP.stop_if_no_decrease_hook, ("loss", 25), False),
    (EXP.stop_if_no_decrease_hook, ("loss", 10, 25), False),  # from 30: 0.9, then 0.85
    (EXP.stop_if_no_increase_hook, ("accuracy", 20), True),  # best 0.7 @20
    (EXP.stop_if_no_increase_hook, ("accuracy", 30), False),
    (EXP.stop_if_lower_hook, ("loss", 0.85), True),          # 0.8 @20
    (EXP.stop_if_lower_hook, ("loss", 0.85, 30), False),     # 0.85 is not below 0.85
    (EXP.stop_if_higher_hook, ("accuracy", 0.65), True),
    (EXP.stop_if_higher_hook, ("accuracy", 0.7), False),
])
def test_predicates_on_a_known_history(make_estimator, make, args, stops):
    est = make_estimator()
    _write_history(est.eval_dir())
    metric, value, *rest = args
    hook = make(est, metric, value, min_steps=rest[0] if rest else 0)
    assert _predicate(hook)() is stops


def test_train_stops_at_the_first_check_and_sets_the_stop_variable(make_estimator):
    est = make_estimator()
    _write_history(est.eval_dir())
    hook = EXP.stop_if_lower_hook(est, "loss", 0.9, run_every_secs=None, run_every_steps=1)
    est.train(input_fn(), hooks=[hook], max_steps=50)
    assert int(est.get_variable_value("global_step")) == 1
    assert bool(est.get_variable_value("signal_early_stopping/STOP")) is True
    calm = EXP.stop_if_lower_hook(est, "loss", 0.1, run_every_secs=None, run_every_steps=1)
    est.train(input_fn(), hooks=[calm], steps=3)   # a new graph: STOP starts False again
    assert int(est.get_variable_value("global_step")) == 4


def test_train_and_evaluate_stops_on_its_own_evaluations(make_estimator):
    """Checkpoints every 5 steps, each evaluated (``throttle_secs=1`` is below the time
    between them only on a slow machine, so the predicate asks for one evaluation: the
    one after the first checkpoint always runs); training stops before ``max_steps``."""
    est = make_estimator(save_checkpoints_steps=5)

    def evaluated() -> bool:
        return len(read_eval_metrics(est.eval_dir())) >= 1

    hook = EXP.make_early_stopping_hook(est, evaluated, run_every_secs=None,
                                        run_every_steps=1)
    tk.estimator.train_and_evaluate(
        est, tk.estimator.TrainSpec(input_fn(), max_steps=400, hooks=[hook]),
        tk.estimator.EvalSpec(input_fn(num_epochs=1), steps=None, throttle_secs=1))
    assert int(est.get_variable_value("global_step")) < 400
    assert read_eval_metrics(est.eval_dir())


def test_non_chief_hook_stops_when_the_variable_is_set():
    with tk.Graph().as_default():
        tk.train.get_or_create_global_step()
        hook = _CheckForStoppingHook()
        hook.begin()                       # the hook's variable, before the flip is built
        stop = tk.get_default_graph().get_tensor_by_name("signal_early_stopping/STOP:0")
        flip = tk.assign(tk.global_variables()[-1], True)
        idle = tk.no_op()
        with tk.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(idle)
            assert not sess.should_stop()
            sess.run(flip)
            assert sess.should_stop()
        assert stop.dtype.base_dtype == tk.bool


def test_errors(make_estimator, tmp_path):
    est = make_estimator()
    with pytest.raises(TypeError, match="tf.estimator.Estimator"):
        EXP.stop_if_lower_hook("not an estimator", "loss", 1.0)
    with pytest.raises(TypeError, match="callable"):
        EXP.make_early_stopping_hook(est, "soon")
    with pytest.raises(ValueError, match="exactly one"):
        EXP.stop_if_lower_hook(est, "loss", 1.0, run_every_secs=60, run_every_steps=10)
    _write_history(est.eval_dir())
    with pytest.raises(KeyError, match="'auc' is not among"):
        _predicate(EXP.stop_if_higher_hook(est, "auc", 0.5))()
    assert est.eval_dir("val").endswith("eval_val")


def test_tf_estimator_reexports_the_train_hooks():
    """TF 1.15 / 2.15's ``tf.estimator`` also names these ``tf.train`` objects."""
    for name in ("FeedFnHook", "FinalOpsHook", "GlobalStepWaiterHook", "ProfilerHook",
                 "SecondOrStepTimer", "StopAtStepHook"):
        assert getattr(tk.estimator, name) is getattr(tk.train, name)
