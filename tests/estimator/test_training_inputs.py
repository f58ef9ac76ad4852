"""train_and_evaluate (local mode), TrainSpec/EvalSpec, numpy_input_fn."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.estimator.conftest import CountingHook, input_fn


def test_train_and_evaluate_evaluates_each_new_checkpoint(make_estimator):
    est = make_estimator(save_checkpoints_steps=3)
    hook = CountingHook()
    metrics, exports = tk.estimator.train_and_evaluate(
        est, tk.estimator.TrainSpec(input_fn(), max_steps=7),
        tk.estimator.EvalSpec(input_fn(batch_size=6, num_epochs=1), steps=None,
                              hooks=[hook], throttle_secs=1e-9))
    # saves at 0, 3, 6 and the final 7: each is evaluated once
    assert hook.calls["begin"] == 4 and exports == []
    assert metrics["global_step"] == 7 and set(metrics) == {"loss", "mae", "global_step"}


def test_train_and_evaluate_throttles(make_estimator):
    est = make_estimator("t", save_checkpoints_steps=1)
    hook = CountingHook()
    metrics, _ = tk.estimator.train_and_evaluate(
        est, tk.estimator.TrainSpec(input_fn(), max_steps=4),
        tk.estimator.EvalSpec(input_fn(num_epochs=1), hooks=[hook], throttle_secs=3600))
    assert hook.calls["begin"] == 2  # the first checkpoint and the final one
    assert metrics["global_step"] == 4


def test_train_and_evaluate_argument_errors(make_estimator):
    est = make_estimator()
    train, ev = tk.estimator.TrainSpec(input_fn()), tk.estimator.EvalSpec(input_fn())
    assert (ev.steps, ev.throttle_secs, ev.start_delay_secs) == (100, 600, 120)
    with pytest.raises(TypeError, match="`estimator` must have type"):
        tk.estimator.train_and_evaluate(object(), train, ev)
    with pytest.raises(TypeError, match="`train_spec` must have type"):
        tk.estimator.train_and_evaluate(est, ev, ev)
    with pytest.raises(ValueError, match="throttle_secs should be positive"):
        tk.estimator.train_and_evaluate(est, train, ev._replace(throttle_secs=0))
    with pytest.raises(ValueError, match="Must specify max_steps > 0"):
        tk.estimator.TrainSpec(input_fn(), max_steps=0)
    with pytest.raises(TypeError, match="`input_fn` must be callable"):
        tk.estimator.EvalSpec(None)
    with pytest.raises(ValueError, match="Must specify steps > 0"):
        tk.estimator.EvalSpec(input_fn(), steps=0)


def _batches(fn):
    with tk.Graph().as_default():
        out = fn()
        values = []
        with tk.Session() as sess:
            try:
                while True:
                    values.append(sess.run(out))
            except tk.errors.OutOfRangeError:
                pass
    return values


def test_numpy_input_fn_batches_epochs_and_shapes():
    x = np.arange(10, dtype=np.float32)
    y = x * 2
    got = _batches(tk.estimator.inputs.numpy_input_fn({"a": x}, y, batch_size=4,
                                                      num_epochs=2, shuffle=False))
    assert [len(b[1]) for b in got] == [4, 4, 4, 4, 4]
    np.testing.assert_array_equal(np.concatenate([b[0]["a"] for b in got]),
                                  np.concatenate([x, x]))
    np.testing.assert_array_equal(np.concatenate([b[1] for b in got]), np.concatenate([y, y]))
    shuffled = _batches(tk.estimator.inputs.numpy_input_fn(x, batch_size=3, num_epochs=1,
                                                           shuffle=True))
    assert [len(b) for b in shuffled] == [3, 3, 3, 1]
    flat = np.concatenate(shuffled)
    assert sorted(flat) == list(x) and list(flat) != list(x)
    ys = _batches(tk.estimator.inputs.numpy_input_fn({"a": x}, {"y1": y, "y2": -y},
                                                     batch_size=10, shuffle=False))
    np.testing.assert_array_equal(ys[0][1]["y2"], -y)


@pytest.mark.parametrize("shuffle, want", [
    (False, [0.8126964569091797, 0.07857465744018555, 0.8916854858398438]),
    (True, [0.055544137954711914, 0.018698453903198242, 0.07080972194671631])])
def test_numpy_input_fn_takes_tfs_op_seeds(shuffle, want):
    """Under a graph seed, TF's numpy input takes one op seed when it shuffles (its
    RandomShuffleQueue) and none when not (a FIFO queue): the unseeded random op made
    next draws with op seed 1 or 0. Numbers from TF 2.15.1 (tensorflow-estimator 2.15),
    graph seed 1, ``random_uniform([3])``; ``tensorflow/examples/learn/iris_run_config.py``
    starts its DNNClassifier from these draws."""
    with tk.Graph().as_default():
        tk.set_random_seed(1)
        tk.estimator.inputs.numpy_input_fn({"x": np.arange(6.0)}, np.arange(6), batch_size=2,
                                           shuffle=shuffle, num_epochs=None)()
        r = tk.random_uniform([3])
        with tk.Session() as sess:
            np.testing.assert_array_equal(sess.run(r), np.float32(want))


def test_numpy_input_fn_errors():
    x = {"a": np.zeros(3)}
    with pytest.raises(ValueError, match="shuffle must be provided and explicitly set"):
        tk.estimator.inputs.numpy_input_fn(x)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        tk.estimator.inputs.numpy_input_fn(x, batch_size=0, shuffle=False)
    with pytest.raises(ValueError, match="num_epochs"):
        tk.estimator.inputs.numpy_input_fn(x, num_epochs=0, shuffle=False)
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        tk.estimator.inputs.numpy_input_fn(x, np.zeros(4), shuffle=False)()
    with pytest.raises(ValueError, match="duplicate keys"):
        tk.estimator.inputs.numpy_input_fn(x, {"a": np.zeros(3)}, shuffle=False)()
    with pytest.raises(ValueError, match="x cannot be an empty dict"):
        tk.estimator.inputs.numpy_input_fn({}, shuffle=False)()
    with pytest.raises(TypeError, match="x must be a dict or array"):
        tk.estimator.inputs.numpy_input_fn([1, 2], shuffle=False)()
    with pytest.raises(ValueError, match="y cannot be empty dict"):
        tk.estimator.inputs.numpy_input_fn(x, {}, shuffle=False)()


def test_pandas_input_fn_needs_pandas():
    try:
        import pandas as pd
    except ImportError:
        with pytest.raises(TypeError, match="without pandas installed"):
            tk.estimator.inputs.pandas_input_fn(object(), shuffle=False)
        return
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    got = _batches(tk.estimator.inputs.pandas_input_fn(df, pd.Series([4.0, 5.0, 6.0]),
                                                       shuffle=False))
    np.testing.assert_array_equal(got[0][0]["a"], [1.0, 2.0, 3.0])
