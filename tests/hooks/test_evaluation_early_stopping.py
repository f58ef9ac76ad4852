"""EvaluationHook and EarlyStoppingHook (alone and watching an evaluation)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, read_events, run_steps, summary_steps
from trainkit.hooks import EarlyStoppingHook, EvaluationHook


def _eval_input(values, batch=2):
    ds = tk.data.Dataset.from_tensor_slices(np.asarray(values, np.float32)).batch(batch)
    it = ds.make_initializable_iterator()
    return it, it.get_next()


def test_evaluation_every_n_steps(tmp_path):
    gs, train = counter_model()
    it, x = _eval_input([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    mean, update = tk.metrics.mean(x)
    # "scale" changes with the global step: evaluations see the current model.
    scaled = tk.reduce_mean(x) * tk.cast(gs, tk.float32)
    hook = EvaluationHook({"mean": (mean, update), "scaled": scaled},
                          init_op=[it.initializer, tk.local_variables_initializer()],
                          every_n_steps=2, output_dir=str(tmp_path))
    run_steps([hook], train, 5)
    # Triggers at step 1 (first run), 3, 5; batch means 0.5, 2.5, 4.5 average to 2.5.
    assert [s for s, _ in hook.history] == [1, 3, 5]
    assert hook.last_metrics == {"mean": 2.5, "scaled": 12.5}
    events = read_events(tmp_path)
    assert summary_steps(events, "eval/scaled") == [(1, 2.5), (3, 7.5), (5, 12.5)]
    assert summary_steps(events, "eval/mean") == [(1, 2.5), (3, 2.5), (5, 2.5)]


def test_evaluation_max_batches_and_at_end():
    gs, train = counter_model()
    it, x = _eval_input([1.0, 1.0, 3.0, 3.0])
    hook = EvaluationHook({"m": tk.reduce_mean(x)}, init_op=it.initializer,
                          every_n_steps=100, at_end=True, max_batches=1)
    run_steps([hook], train, 3)
    assert hook.history == [(1, {"m": 1.0}), (3, {"m": 1.0})]


def test_evaluation_argument_errors():
    with pytest.raises(ValueError, match="metrics"):
        EvaluationHook({}, every_n_steps=1)
    with pytest.raises(ValueError, match="metrics\\['a'\\]"):
        EvaluationHook({"a": (1, 2, 3)}, every_n_steps=1)
    with pytest.raises(ValueError, match="max_batches"):
        EvaluationHook({"a": 1}, every_n_steps=1, max_batches=0)
    with pytest.raises(ValueError, match="every_secs.*every_steps"):
        EvaluationHook({"a": 1})


def _fed_monitor(values):
    v = tk.placeholder(tk.float32, [], name="monitored")
    feeds = iter(values)
    return v, tk.train.FeedFnHook(lambda: {v: next(feeds)})


@pytest.mark.parametrize("mode,values,patience,min_delta,stops_after", [
    ("min", [5.0, 4.0, 4.5, 3.0, 3.5, 3.6, 9.0], 2, 0.0, 6),
    ("min", [5.0, 4.0, 4.5, 3.9, 3.95, 9.0], 1, 0.2, 3),
    ("max", [1.0, 2.0, 2.0, 2.5, 2.4, 9.0], 0, 0.0, 3),
    ("min", [1.0, np.nan, np.nan, 9.0], 2, 0.0, 3),
])
def test_early_stopping_on_a_tensor(mode, values, patience, min_delta, stops_after):
    v, feeder = _fed_monitor(values)
    hook = EarlyStoppingHook(v, mode=mode, patience=patience, min_delta=min_delta)
    c = tk.constant(1.0)
    assert run_steps([feeder, hook], c, 100) == stops_after


def test_early_stopping_every_n_steps():
    v, feeder = _fed_monitor([5.0, 0.0, 6.0, 0.0, 7.0, 0.0, 8.0])
    hook = EarlyStoppingHook(v, patience=2, every_n_steps=2)  # sees 5, 6, 7
    assert run_steps([feeder, hook], tk.constant(1.0), 100) == 5
    assert hook.best == 5.0


def test_early_stopping_watches_an_evaluation():
    gs, train = counter_model()
    it, x = _eval_input([1.0, 2.0])
    # eval loss: 10 - step while step < 4, then grows: best at step 3
    loss = tk.abs(tk.cast(gs, tk.float32) - 3.0) + tk.reduce_mean(x) * 0.0
    ev = EvaluationHook({"loss": loss}, init_op=it.initializer, every_n_steps=1)
    stop = EarlyStoppingHook("loss", mode="min", patience=2, evaluation_hook=ev)
    assert run_steps([ev, stop], train, 100) == 5
    assert stop.best == 0.0


def test_early_stopping_unknown_metric():
    gs, train = counter_model()
    it, x = _eval_input([1.0])
    ev = EvaluationHook({"loss": tk.reduce_mean(x)}, init_op=it.initializer,
                        every_n_steps=1)
    stop = EarlyStoppingHook("acc", evaluation_hook=ev)
    with pytest.raises(KeyError, match="monitor 'acc'.*\\['loss'\\]"):
        run_steps([ev, stop], train, 3)


def test_early_stopping_argument_errors():
    with pytest.raises(ValueError, match="mode"):
        EarlyStoppingHook("x", mode="up")
    with pytest.raises(ValueError, match="patience"):
        EarlyStoppingHook("x", patience=-1)
    with pytest.raises(ValueError, match="min_delta"):
        EarlyStoppingHook("x", min_delta=-0.1)
    with pytest.raises(ValueError, match="every_n_steps"):
        EarlyStoppingHook("x", every_n_steps=0)
    with pytest.raises(ValueError, match="metric name"):
        EarlyStoppingHook(tk.constant(1.0), evaluation_hook=object())
    with pytest.raises(ValueError, match="monitor"):
        EarlyStoppingHook(None)


@pytest.mark.parametrize("order", ["eval_first", "stop_first"])
def test_early_stopping_reads_the_graph_not_the_hook_in_any_order(order):
    gs, train = counter_model()
    it, x = _eval_input([1.0, 2.0])
    loss = tk.abs(tk.cast(gs, tk.float32) - 3.0) + tk.reduce_mean(x) * 0.0  # best at step 3
    ev = EvaluationHook({"loss": loss}, init_op=it.initializer, every_n_steps=1)
    stop = EarlyStoppingHook("loss", mode="min", patience=2)  # no reference to ev
    assert stop.evaluation == "eval"
    hooks = [ev, stop] if order == "eval_first" else [stop, ev]
    assert run_steps(hooks, train, 100) == 5  # the same step either way
    assert stop.best == 0.0
    board = tk.train.evaluation_results("eval", graph=gs.graph)
    assert [s for s, _ in board.history] == [1, 2, 3, 4, 5]
    assert board.latest == (5, {"loss": 2.0})


def test_early_stopping_without_the_evaluation_it_names():
    gs, train = counter_model()
    stop = EarlyStoppingHook("acc", evaluation="valid")
    with pytest.raises(ValueError, match="no EvaluationHook named 'valid' runs in this session"):
        run_steps([stop], train, 3)
    with pytest.raises(ValueError, match="evaluation must be the name"):
        EarlyStoppingHook("acc", evaluation="")
    assert EarlyStoppingHook.evaluation_read({"monitor": "loss:0"}) is None
    assert EarlyStoppingHook.evaluation_read({"monitor": "acc"}) == "eval"
    assert EarlyStoppingHook.evaluation_read({"monitor": "acc", "evaluation": "v"}) == "v"


def test_evaluation_at_end_is_published_without_stopping():
    gs, train = counter_model()
    it, x = _eval_input([1.0])
    ev = EvaluationHook({"m": tk.reduce_mean(x) + tk.cast(gs, tk.float32)},
                        init_op=it.initializer, every_n_steps=100, at_end=True)
    stop = EarlyStoppingHook("m", mode="max", patience=0)
    assert run_steps([stop, ev], train, 3) == 3
    assert stop.best == 4.0  # the step-3 evaluation in end(): 1 + 3
