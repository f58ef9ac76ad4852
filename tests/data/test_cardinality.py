"""``data/cardinality.py``: element counts of started iterators, by TF's rules
(hand-computed: 10 elements, batches of 4 give 3, or 2 without the remainder...)."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from trainkit.data import cardinality as card


def test_cardinality_rules():
    def count(ds):
        sess = tk.Session()
        it = ds.make_initializable_iterator()
        sess.run(it.initializer)
        return card.iterator_cardinality(it, sess)

    base = tk.data.Dataset.from_tensor_slices(np.arange(10))
    assert count(base) == 10
    assert count(base.batch(4)) == 3
    assert count(base.batch(4, drop_remainder=True)) == 2
    assert count(base.map(lambda v: v * 2).shuffle(3).repeat(2)) == 20
    assert count(base.repeat()) == card.INFINITE
    assert count(base.repeat().take(7)) == 7
    assert count(base.skip(3)) == 7
    assert count(base.filter(lambda v: v > 3)) == card.UNKNOWN
    assert count(base.filter(lambda v: v > 3).repeat()) == card.INFINITE
    assert count(tk.data.Dataset.zip((base, base.take(4)))) == 4
    assert count(tk.data.Dataset.from_tensors(np.arange(3))) == 1


def test_an_iterator_not_started_is_unknown():
    it = tk.data.Dataset.range(3).make_initializable_iterator()
    assert card.iterator_cardinality(it, tk.Session()) == card.UNKNOWN
