"""Vocabulary-list and vocabulary-file columns look values up in real lookup tables.

Expected values and errors were printed by TF 2.21 (``tf.compat.v1`` feature columns in
graph mode) for the same programs: one table initializer per column and
``input_layer`` / ``linear_model`` call, ``FailedPreconditionError: Table not
initialized.`` without ``tf.tables_initializer()``, and ``MonitoredSession``,
``Scaffold.local_init_op`` and ``Supervisor`` initializing the tables themselves.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

fc = tk.feature_column


def _dense(columns, features, init_tables=True, model=fc.input_layer):
    with tk.Graph().as_default() as g:
        out = model({k: tk.constant(v) for k, v in features.items()}, columns)
        tables = len(g.get_collection(tk.GraphKeys.TABLE_INITIALIZERS))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            if init_tables:
                s.run(tk.tables_initializer())
            return tables, s.run(out).tolist()


def test_vocabulary_list_columns_match_tf():
    city = fc.categorical_column_with_vocabulary_list("city", ["a", "b", "c"])
    assert _dense([fc.indicator_column(city)], {"city": [["a"], ["c"], ["z"], [""]]}) == \
        (1, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    oov = fc.categorical_column_with_vocabulary_list("city", ["a", "b"], num_oov_buckets=3)
    assert _dense([fc.indicator_column(oov)], {"city": [["a"], ["zz"], ["qq"]]}) == \
        (1, [[1, 0, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 1, 0, 0]])
    dflt = fc.categorical_column_with_vocabulary_list("city", ["a", "b"], default_value=0)
    assert _dense([fc.indicator_column(dflt)], {"city": [["a"], ["zz"]]}) == \
        (1, [[1, 0], [1, 0]])
    ints = fc.categorical_column_with_vocabulary_list("n", [10, 20, 30])
    assert _dense([fc.indicator_column(ints)],
                  {"n": np.array([[10], [30], [5], [-1]], np.int32)}) == \
        (1, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    int_oov = fc.categorical_column_with_vocabulary_list("n", [10, 20], num_oov_buckets=4)
    assert _dense([fc.indicator_column(int_oov)],
                  {"n": np.array([[10], [77], [123]], np.int64)}) == \
        (1, [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1]])
    # an indicator and an embedding of one column share one table
    both = [fc.indicator_column(city),
            fc.embedding_column(city, 2, initializer=tk.ones_initializer())]
    assert _dense(both, {"city": [["a"], ["b"]]}) == \
        (1, [[1, 1, 1, 0, 0], [1, 1, 0, 1, 0]])
    assert _dense([city], {"city": [["a"]]}, model=fc.linear_model) == (1, [[0.0]])


def test_vocabulary_file_columns_match_tf(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\nc\n")
    whole = fc.categorical_column_with_vocabulary_file("city", str(vocab))
    assert _dense([fc.indicator_column(whole)], {"city": [["a"], ["c"], ["q"]]}) == \
        (1, [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    part = fc.categorical_column_with_vocabulary_file("city", str(vocab), vocabulary_size=2,
                                                      num_oov_buckets=1)
    assert _dense([fc.indicator_column(part)], {"city": [["a"], ["c"], ["b"]]}) == \
        (1, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])


def test_without_tables_initializer_fails_as_tf(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\nc\n")
    city = fc.categorical_column_with_vocabulary_list("city", ["a", "b", "c"])
    from_file = fc.categorical_column_with_vocabulary_file("city", str(vocab))
    cases = [([fc.indicator_column(city)], fc.input_layer),
             ([fc.indicator_column(from_file)], fc.input_layer),
             ([city], fc.linear_model)]
    for columns, model in cases:
        with pytest.raises(tk.errors.FailedPreconditionError, match="Table not initialized"):
            _dense(columns, {"city": [["a"]]}, init_tables=False, model=model)
    hashed = fc.categorical_column_with_hash_bucket("city", 5)  # no table: no initializer
    assert _dense([fc.indicator_column(hashed)], {"city": [["a"]]}, init_tables=False) == \
        (0, [[0, 0, 0, 0, 1]])


def test_sessions_that_initialize_tables_themselves():
    with tk.Graph().as_default():
        city = fc.categorical_column_with_vocabulary_list("city", ["a", "b", "c"])
        out = fc.input_layer({"city": tk.constant([["b"], ["q"]])}, [fc.indicator_column(city)])
        with tk.train.MonitoredSession() as s:
            assert s.run(out).tolist() == [[0, 1, 0], [0, 0, 0]]
        scaffold = tk.train.Scaffold()
        scaffold.finalize()
        with tk.Session() as s:
            s.run([scaffold.init_op, scaffold.local_init_op])
            assert s.run(out).tolist() == [[0, 1, 0], [0, 0, 0]]
        supervisor = tk.train.Supervisor(logdir=None)
        with supervisor.managed_session() as s:
            assert s.run(out).tolist() == [[0, 1, 0], [0, 0, 0]]


def test_estimator_with_vocabularies_runs_its_table_initializers(tmp_path):
    """The head's label vocabulary and a vocabulary column are tables (as in TF's
    estimator); train and evaluate initialize them through their Scaffold."""
    def input_fn():
        feats = {"city": tk.constant([["a"], ["b"], ["c"], ["a"]]),
                 "x": tk.constant([[1.0], [2.0], [3.0], [4.0]])}
        return feats, tk.constant([["no"], ["yes"], ["yes"], ["no"]])

    city = fc.categorical_column_with_vocabulary_list("city", ["a", "b", "c"])
    est = tk.estimator.LinearClassifier(
        [fc.indicator_column(city), fc.numeric_column("x")], label_vocabulary=["no", "yes"],
        model_dir=str(tmp_path), optimizer=tk.train.GradientDescentOptimizer(0.1))
    est.train(input_fn, steps=5)
    metrics = est.evaluate(input_fn, steps=1)
    assert np.isfinite(metrics["loss"]) and metrics["global_step"] == 5
