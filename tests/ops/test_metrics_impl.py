"""tk.metrics: streaming values over batches, local variables, reset."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_mean_streams_and_resets():
    v = tk.placeholder(tk.float32, [None])
    mean, update = tk.metrics.mean(v)
    names = sorted(x.op.name for x in tk.local_variables())
    assert names == ["mean/count", "mean/total"]
    assert sorted(x.op.name for x in tk.get_collection(tk.GraphKeys.METRIC_VARIABLES)) == names
    assert tk.global_variables() == []
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        assert sess.run(mean) == 0.0
        assert sess.run(update, {v: [1.0, 2.0]}) == pytest.approx(1.5)
        assert sess.run(update, {v: [6.0]}) == pytest.approx(3.0)
        assert sess.run(mean) == pytest.approx(3.0)
        sess.run(tk.local_variables_initializer())
        assert sess.run(mean) == 0.0


def test_weighted_mean_and_collections():
    mean, update = tk.metrics.mean(tk.constant([1.0, 3.0, 5.0]), weights=[0.0, 1.0, 3.0],
                                   metrics_collections=["m"], updates_collections=["u"])
    assert tk.get_collection("m") == [mean] and tk.get_collection("u") == [update]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        sess.run(update)
        assert sess.run(mean) == pytest.approx((3.0 + 15.0) / 4.0)


def test_accuracy():
    labels = tk.placeholder(tk.int64, [None])
    preds = tk.placeholder(tk.int64, [None])
    acc, update = tk.metrics.accuracy(labels, preds)
    assert sorted(x.op.name for x in tk.local_variables()) == ["accuracy/count",
                                                               "accuracy/total"]
    with tk.Session() as sess:
        sess.run(tk.local_variables_initializer())
        sess.run(update, {labels: [1, 2, 3, 4], preds: [1, 2, 0, 0]})
        sess.run(update, {labels: [5, 6], preds: [5, 6]})
        assert sess.run(acc) == pytest.approx(4 / 6)


def test_errors():
    with pytest.raises(ValueError, match="labels shape .* incompatible"):
        tk.metrics.accuracy(tk.constant([1, 2]), tk.constant([1, 2, 3]))
    with pytest.raises(ValueError, match="weights can not be broadcast"):
        tk.metrics.mean(tk.constant([1.0, 2.0]), weights=np.ones(3))
