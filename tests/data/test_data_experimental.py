"""``tf.data.experimental``, ``Dataset.concatenate`` / ``unbatch``, count arguments given
as tensors and placeholders captured by traced functions.

Expected elements were printed by TF 2.21 (``tf.compat.v1``, graph mode) running the same
pipelines (TF 1.15's documented semantics; ``choose_from_datasets`` with TF 2.21's
experimental default ``stop_on_empty_dataset=False``).
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.data import combine_stages as cs
from trainkit.data import pipeline as pl

exp = tk.data.experimental


def _elements(ds, feed=None) -> list:
    it = ds.make_initializable_iterator()
    nx = it.get_next()
    out = []
    with tk.Session() as s:
        s.run(it.initializer, feed)
        try:
            while True:
                out.append(np.asarray(s.run(nx)).tolist())
        except tk.errors.OutOfRangeError:
            pass
    return out


def test_the_namespace_is_reachable_as_tf_data_experimental():
    assert tk.data.experimental.AUTOTUNE == -1
    assert (exp.INFINITE_CARDINALITY, exp.UNKNOWN_CARDINALITY) == (-1, -2)
    # contrib.data's transformations are the same functions
    assert tk.contrib.data.shuffle_and_repeat is exp.shuffle_and_repeat


def test_batch_size_and_map_capture_placeholders_fed_to_the_initializer():
    with tk.Graph().as_default():
        bs = tk.placeholder(tk.int64, [])
        k = tk.placeholder(tk.int64, [])
        ds = tk.data.Dataset.range(7).map(lambda x: x * k).batch(bs)
        assert ds.output_shapes.as_list() == [None]
        assert _elements(ds, {bs: 3, k: 2}) == [[0, 2, 4], [6, 8, 10], [12]]
        # restarting the iterator reads the new values
        assert _elements(ds, {bs: 4, k: 1}) == [[0, 1, 2, 3], [4, 5, 6]]


def test_one_shot_iterator_refuses_a_captured_placeholder():
    with tk.Graph().as_default():
        k = tk.placeholder(tk.int64, [])
        ds = tk.data.Dataset.range(3).map(lambda x: x + k)
        with pytest.raises(ValueError, match="one-shot iterator"):
            ds.make_one_shot_iterator()


def test_counts_may_be_tensors():
    with tk.Graph().as_default():
        c = lambda v: tk.constant(v, tk.int64)  # noqa: E731
        ds = (tk.data.Dataset.range(6).shuffle(c(1)).repeat(c(2)).take(c(9)).skip(c(1)))
        assert _elements(ds) == [1, 2, 3, 4, 5, 0, 1, 2]


def test_bad_count_arguments_raise_typed_errors():
    with tk.Graph().as_default():
        ds = tk.data.Dataset.range(4)
        with pytest.raises(TypeError, match="scalar integer tensor"):
            ds.batch(tk.constant(2.0))
        with pytest.raises(TypeError, match="scalar integer tensor"):
            ds.take(tk.constant([1, 2], tk.int64))
        with pytest.raises(TypeError, match="expected int64"):
            ds.batch(2.5)
        with pytest.raises(tk.errors.InvalidArgumentError, match="greater than zero"):
            _elements(ds.batch(0))
        bs = tk.placeholder(tk.int64, [])
        with pytest.raises(tk.errors.InvalidArgumentError, match="greater than zero"):
            _elements(ds.batch(bs), {bs: 0})


def test_concatenate_and_its_shapes_and_type_check():
    with tk.Graph().as_default():
        assert _elements(tk.data.Dataset.range(3).concatenate(
            tk.data.Dataset.range(10, 12))) == [0, 1, 2, 10, 11]
        a = tk.data.Dataset.from_tensor_slices(np.zeros((2, 3), np.float32))
        b = tk.data.Dataset.from_tensor_slices(np.ones((1, 4), np.float32))
        ab = a.concatenate(b)
        assert ab.output_shapes.as_list() == [None]
        assert _elements(ab) == [[0.0] * 3, [0.0] * 3, [1.0] * 4]
        with pytest.raises(TypeError, match="different types"):
            tk.data.Dataset.range(3).concatenate(a)
        with pytest.raises(TypeError, match="different structures"):
            tk.data.Dataset.range(3).concatenate(tk.data.Dataset.zip(
                (tk.data.Dataset.range(2), tk.data.Dataset.range(2))))
        with pytest.raises(TypeError, match="expects a dataset"):
            tk.data.Dataset.range(3).concatenate([1, 2])


def test_concatenate_state_restores_mid_way_through_the_second_part():
    def build():
        return cs.Concatenate(pl.SliceSource([np.arange(3)]),
                              pl.SliceSource([np.arange(10, 14)]))
    first = build()
    seen = [int(first.next()[0]) for _ in range(5)]
    state = first.get_state()
    second = build()
    second.set_state(state)
    rest = []
    while True:
        try:
            rest.append(int(second.next()[0]))
        except StopIteration:
            break
    assert seen == [0, 1, 2, 10, 11] and rest == [12, 13]


def test_unbatch_method_and_transformation():
    with tk.Graph().as_default():
        assert _elements(tk.data.Dataset.range(5).batch(2).unbatch()) == [0, 1, 2, 3, 4]
        assert _elements(tk.data.Dataset.range(5).batch(2).apply(exp.unbatch())) == \
            [0, 1, 2, 3, 4]
        with pytest.raises(ValueError, match="scalar"):
            tk.data.Dataset.range(5).unbatch()


def test_take_while_unique_enumerate_map_and_batch():
    with tk.Graph().as_default():
        r = tk.data.Dataset.range
        assert _elements(r(10).apply(exp.take_while(lambda x: x < 4))) == [0, 1, 2, 3]
        assert _elements(tk.data.Dataset.from_tensor_slices(
            np.array([1, 3, 1, 2, 3, 5], np.int64)).apply(exp.unique())) == [1, 3, 2, 5]
        assert _elements(r(5, 8).apply(exp.enumerate_dataset(2))) == [[2, 5], [3, 6],
                                                                     [4, 7]]
        assert _elements(r(5).apply(exp.map_and_batch(
            lambda x: x + 1, 2, num_parallel_calls=exp.AUTOTUNE))) == [[1, 2], [3, 4], [5]]
        with pytest.raises(ValueError, match="scalar boolean"):
            r(3).apply(exp.take_while(lambda x: x))
        with pytest.raises(TypeError, match="only supports"):
            tk.data.Dataset.from_tensor_slices(np.ones(3, np.float32)).apply(exp.unique())


def test_choose_from_datasets():
    with tk.Graph().as_default():
        r = tk.data.Dataset.range
        choices = tk.data.Dataset.from_tensor_slices(np.array([0, 1, 1, 0, 2], np.int64))
        assert _elements(exp.choose_from_datasets([r(0, 3), r(10, 13), r(20, 23)],
                                                  choices)) == [0, 10, 11, 1, 20]
        # a choice of an exhausted dataset is skipped, unless told to stop there
        ended = tk.data.Dataset.from_tensor_slices(np.array([0, 0, 0, 1, 0, 1], np.int64))
        assert _elements(exp.choose_from_datasets([r(2), r(10, 12)], ended)) == \
            [0, 1, 10, 11]
        assert _elements(exp.choose_from_datasets([r(2), r(10, 12)], ended,
                                                  stop_on_empty_dataset=True)) == [0, 1]
        bad = tk.data.Dataset.from_tensor_slices(np.array([0, 5], np.int64))
        with pytest.raises(tk.errors.InvalidArgumentError, match="not a valid index"):
            _elements(exp.choose_from_datasets([r(2), r(2)], bad))
        with pytest.raises(TypeError, match="scalar `tf.int64`"):
            exp.choose_from_datasets([r(2)], tk.data.Dataset.from_tensor_slices(
                np.array([0], np.int32)))
        with pytest.raises(TypeError, match="same type"):
            exp.choose_from_datasets([r(2), tk.data.Dataset.from_tensor_slices(
                np.ones(2, np.float32))], choices)
        with pytest.raises(TypeError, match="non-empty list"):
            exp.choose_from_datasets([], choices)


def test_group_by_window_reduce_func_may_read_the_key_inside_a_map():
    with tk.Graph().as_default():
        ds = tk.data.Dataset.range(10).apply(exp.group_by_window(
            key_func=lambda x: x % 2,
            reduce_func=lambda key, w: w.batch(3).map(lambda b: b * 10 + key),
            window_size=3))
        assert _elements(ds) == [[0, 20, 40], [11, 31, 51], [60, 80], [71, 91]]


def test_device_transformations_leave_the_dataset_as_is():
    with tk.Graph().as_default():
        ds = tk.data.Dataset.range(3)
        assert ds.apply(exp.prefetch_to_device("/gpu:0")) is ds
        assert ds.apply(exp.copy_to_device("/cpu:0")) is ds


def test_options_are_typed_carried_downstream_and_merged():
    # TF 2.21 compat.v1 printed the same: unset settings read None, unknown names raise
    # AttributeError, wrong types TypeError, map keeps the options, merge overrides
    o = tk.data.Options()
    assert o.experimental_deterministic is None and o.deterministic is None
    with pytest.raises(AttributeError, match="Cannot set the property foo on Options"):
        o.foo = 1
    with pytest.raises(TypeError, match='"deterministic" must be of type'):
        o.experimental_deterministic = 3
    with pytest.raises(AttributeError, match="on OptimizationOptions"):
        o.experimental_optimization.bar = True
    with pytest.raises(TypeError, match="must be of type"):
        o.threading.private_threadpool_size = True
    o.experimental_deterministic = False
    assert o.deterministic is False
    o2 = tk.data.Options()
    o2.experimental_optimization.map_parallelization = True
    o2.experimental_distribute.auto_shard_policy = exp.AutoShardPolicy.DATA
    assert o.experimental_optimization.map_parallelization is None
    merged = o.merge(o2)
    assert merged.experimental_optimization.map_parallelization is True
    assert merged.deterministic is False
    assert int(merged.experimental_distribute.auto_shard_policy) == 2
    assert [int(p) for p in exp.AutoShardPolicy] == [-1, 0, 1, 2, 3]
    with tk.Graph().as_default():
        ds = tk.data.Dataset.range(3).with_options(o).map(lambda x: x + 1)
        assert ds.options() == o
        assert ds.with_options(o2).options() == merged
        assert _elements(ds) == [1, 2, 3]        # settings never change the elements
        with pytest.raises(TypeError, match="tf.data.Options"):
            ds.with_options({"deterministic": True})


def test_reduce_folds_the_whole_dataset_each_run():
    # TF 2.21 compat.v1 printed: 10 10 (38.0, 840.0) 30 [0..6]
    with tk.Graph().as_default():
        ds = tk.data.Dataset.range(5)
        total = ds.reduce(np.int64(0), lambda s, x: s + x)
        pair = tk.data.Dataset.from_tensor_slices((np.arange(4, dtype=np.float32),
                                                   np.arange(4, 8, dtype=np.float32)))
        st = pair.reduce((np.float32(0), np.float32(1)),
                         lambda s, el: (s[0] + el[0] * el[1], s[1] * el[1]))
        k = tk.placeholder(tk.int64, [])
        scaled = ds.reduce(np.int64(0), lambda s, x: s + x * k)
        assert total.shape.as_list() == [] and st[0].shape.as_list() == []
        with tk.Session() as s:
            assert s.run(total) == 10 and s.run(total) == 10
            assert s.run(st) == (38.0, 840.0)
            assert s.run(scaled, {k: 3}) == 30
        with pytest.raises(TypeError, match="element types for the new state"):
            ds.reduce(np.int64(0), lambda s, x: tk.cast(s + x, tk.float32))
        with pytest.raises(TypeError, match="structure of the initial state"):
            ds.reduce((np.int64(0), np.int64(0)), lambda s, x: s[0] + x)


def test_get_single_element():
    with tk.Graph().as_default():
        one = exp.get_single_element(tk.data.Dataset.range(7).batch(10))
        empty = exp.get_single_element(tk.data.Dataset.range(0))
        two = exp.get_single_element(tk.data.Dataset.range(2))
        with tk.Session() as s:
            assert s.run(one).tolist() == list(range(7))
            with pytest.raises(tk.errors.InvalidArgumentError, match="Dataset was empty"):
                s.run(empty)
            with pytest.raises(tk.errors.InvalidArgumentError, match="more than one"):
                s.run(two)
        with pytest.raises(TypeError, match="tf.data.Dataset"):
            exp.get_single_element([1, 2])


_TITANIC = ("survived,sex,age,fare,embark\n0,male,22.0,7.25,S\n1,female,38,71.2833,C\n"
            "1,female,26,7.925,\n0,male,35,8.05,S\n1,female,,53.1,S\n")


def _all(ds) -> list:
    it = ds.make_initializable_iterator()
    nx = it.get_next()
    out = []
    with tk.Session() as s:
        s.run(it.initializer)
        try:
            while True:
                out.append(s.run(nx))
        except tk.errors.OutOfRangeError:
            pass
    return out


def test_make_csv_dataset_infers_names_and_types_as_tf(tmp_path):
    # TF 2.21 compat.v1 make_csv_dataset on this file gave these types, batches and the
    # zero / empty values for missing fields
    path = tmp_path / "titanic.csv"
    path.write_text(_TITANIC)
    with tk.Graph().as_default():
        ds = exp.make_csv_dataset(str(path), batch_size=2, label_name="survived",
                                  num_epochs=1, shuffle=False)
        types, label_type = ds.output_types
        assert list(types) == ["sex", "age", "fare", "embark"]
        assert [types[k] for k in types] == [tk.string, tk.float32, tk.float32, tk.string]
        assert label_type == tk.int32
        batches = _all(ds)
        assert [b[1].tolist() for b in batches] == [[0, 1], [1, 0], [1]]
        assert batches[0][0]["sex"].tolist() == [b"male", b"female"]
        assert batches[1][0]["embark"].tolist() == [b"", b"S"]
        assert batches[2][0]["age"].tolist() == [0.0]
        np.testing.assert_array_equal(batches[0][0]["fare"],
                                      np.float32([7.25, 71.2833]))
        # defaults given for selected columns follow the file's column order, as in TF
        sel = exp.make_csv_dataset(str(path), batch_size=3, select_columns=["age", "sex"],
                                   column_defaults=[0.0, "?"], num_epochs=1, shuffle=False)
        assert list(sel.output_types) == ["sex", "age"]
        assert [sel.output_types[k] for k in ("sex", "age")] == [tk.float32, tk.string]


def test_make_csv_dataset_all_empty_column_is_string_and_bad_arguments(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("a,b,c\n1,,x\n2,,\n")
    with tk.Graph().as_default():
        ds = exp.make_csv_dataset(str(path), batch_size=2, num_epochs=1, shuffle=False)
        assert [ds.output_types[k] for k in "abc"] == [tk.int32, tk.string, tk.string]
        (b,) = _all(ds)
        assert b["b"].tolist() == [b"", b""] and b["c"].tolist() == [b"x", b""]
        with pytest.raises(ValueError, match="No files match"):
            exp.make_csv_dataset(str(tmp_path / "none*.csv"), batch_size=2)
        with pytest.raises(ValueError, match="without a header"):
            exp.make_csv_dataset(str(path), batch_size=2, header=False)
        with pytest.raises(ValueError, match="label_name"):
            exp.make_csv_dataset(str(path), batch_size=2, label_name="z")
        with pytest.raises(ValueError, match="not a column name"):
            exp.make_csv_dataset(str(path), batch_size=2, select_columns=["z"])
        with pytest.raises(ValueError, match="positive integer"):
            exp.make_csv_dataset(str(path), batch_size=0)
        with pytest.raises(ValueError, match="column_defaults"):
            exp.make_csv_dataset(str(path), batch_size=2, column_defaults=[[0]])


def test_make_csv_dataset_infers_types_across_files_and_checks_field_counts(tmp_path):
    # TF 2.21 compat.v1: inference reads the files in order, num_rows_for_inference rows
    # (and checks the field count of one more); a short row there is a ValueError
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("n,x\n1,2\n3,4\n")
    b.write_text("n,x\n5,6.5\n7,8\n9\n")
    files = [str(a), str(b)]
    with tk.Graph().as_default():
        for rows, x_type in ((2, tk.int32), (3, tk.float32)):
            ds = exp.make_csv_dataset(files, batch_size=4, num_epochs=1, shuffle=False,
                                      num_rows_for_inference=rows)
            assert [ds.output_types[k] for k in "nx"] == [tk.int32, x_type]
        for rows in (4, None):
            with pytest.raises(ValueError, match="Problem inferring types: CSV row 4 has 1 "
                               "number of fields. Expected: 2."):
                exp.make_csv_dataset(files, batch_size=4, num_epochs=1, shuffle=False,
                                     num_rows_for_inference=rows)


def test_make_csv_dataset_ignore_errors_drops_bad_records(tmp_path):
    # TF 2.21 compat.v1: with ignore_errors the unparsable float and the short row are
    # dropped; without it the first bad record fails the batch
    path = tmp_path / "t.csv"
    path.write_text("survived,sex,age,fare,class\n0,male,22.0,7.25,Third\n"
                    "1,female,?,71.2833,First\n1,female,26.0,bad,Third\n0,male,35.0,8.05\n"
                    "1,\"fe,male\",27.0,11.1,Second\n0,male,54.0,51.8625,First\n")

    def make(ignore):
        return exp.make_csv_dataset(str(path), batch_size=2, label_name="survived",
                                    na_value="?", num_epochs=1, shuffle=False,
                                    column_defaults=[0, "", 0.0, 0.0, ""],
                                    ignore_errors=ignore)
    with tk.Graph().as_default():
        batches = _all(make(True))
        assert [b[1].tolist() for b in batches] == [[0, 1], [1, 0]]
        assert batches[1][0]["sex"].tolist() == [b"fe,male", b"male"]
        np.testing.assert_array_equal(batches[0][0]["age"], np.float32([22.0, 0.0]))
        np.testing.assert_array_equal(batches[1][0]["fare"], np.float32([11.1, 51.8625]))
        with pytest.raises(tk.errors.InvalidArgumentError, match="not a valid float: bad"):
            _all(make(False))

    # a field too many fails only when all columns are read (TF 2.21 compat.v1 too)
    path.write_text("n,x,y\n1,2,3\n3,4,5,6\n7,8,9\n")
    with tk.Graph().as_default():
        every = exp.make_csv_dataset(str(path), batch_size=1, num_epochs=1, shuffle=False,
                                     column_defaults=[0, 0, 0])
        with pytest.raises(tk.errors.InvalidArgumentError, match="Expect 3 fields but have 4"):
            _all(every)
        picked = exp.make_csv_dataset(str(path), batch_size=1, num_epochs=1, shuffle=False,
                                      column_defaults=[0, 0], select_columns=["n", "x"])
        assert [b["x"].tolist() for b in _all(picked)] == [[2], [4], [8]]


def test_csv_dataset_required_fields_and_selected_columns(tmp_path):
    path = tmp_path / "titanic.csv"
    path.write_text(_TITANIC)
    with tk.Graph().as_default():
        ds = exp.CsvDataset(str(path), [tk.int32, tk.constant([0.0]), tk.string],
                            header=True, select_cols=[0, 2, 4])
        it = ds.make_initializable_iterator()
        nx = it.get_next()
        with tk.Session() as s:
            s.run(it.initializer)
            assert s.run(nx) == (0, 22.0, b"S")
            assert s.run(nx) == (1, 38.0, b"C")
            # the third record's embark (a required string) is empty, as TF reports
            with pytest.raises(tk.errors.InvalidArgumentError, match="required"):
                s.run(nx)


def test_sample_from_datasets_proportions_seed_and_ends():
    # TF 2.21: with 3 + 30 elements and equal weights all 33 come out; with
    # stop_on_empty_dataset it ends once the 3 are used (draws are trainkit's stream)
    with tk.Graph().as_default():
        a = tk.data.Dataset.from_tensor_slices(np.zeros(300, np.int64))
        b = tk.data.Dataset.from_tensor_slices(np.ones(300, np.int64))
        first = _elements(exp.sample_from_datasets([a, b], weights=[0.25, 0.75], seed=3))
        again = _elements(exp.sample_from_datasets([a, b], weights=[0.25, 0.75], seed=3))
        assert first == again and len(first) == 600 and sum(first) == 300
        n = 400   # before either ends: binomial(400, 0.75), 5 standard deviations
        assert abs(sum(first[:n]) - 0.75 * n) < 5 * np.sqrt(n * 0.75 * 0.25)
        small = tk.data.Dataset.from_tensor_slices(np.zeros(3, np.int64))
        big = tk.data.Dataset.from_tensor_slices(np.ones(30, np.int64))
        assert len(_elements(exp.sample_from_datasets([small, big], seed=3))) == 33
        stopped = _elements(exp.sample_from_datasets([small, big], seed=3,
                                                     stop_on_empty_dataset=True))
        assert stopped.count(0) == 3 and len(stopped) < 33
        with pytest.raises(ValueError, match="one entry per dataset"):
            exp.sample_from_datasets([a, b], weights=[1.0])
        with pytest.raises(ValueError, match="non-negative"):
            exp.sample_from_datasets([a, b], weights=[0.0, 0.0])
        with pytest.raises(TypeError, match="non-empty list"):
            exp.sample_from_datasets([])


def test_weighted_choices_state_restores_the_stream():
    first = cs.WeightedChoices(np.array([0.3, 0.7]), seed=11)
    for _ in range(5):
        first.next()
    state = first.get_state()
    rest = [int(first.next()[0]) for _ in range(20)]
    second = cs.WeightedChoices(np.array([0.3, 0.7]), seed=11)
    second.set_state(state)
    assert [int(second.next()[0]) for _ in range(20)] == rest


def test_window_then_flat_map_or_interleave_as_tf():
    # every expected list was printed by TF 2.21 compat.v1 for the same pipeline
    with tk.Graph().as_default():
        r = tk.data.Dataset.range
        assert _elements(r(7).window(3, shift=2).flat_map(lambda w: w.batch(3))) == \
            [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
        assert _elements(r(7).window(3, shift=2, drop_remainder=True).flat_map(
            lambda w: w.batch(3))) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
        assert _elements(r(10).window(3, shift=4, stride=2).flat_map(
            lambda w: w.batch(3))) == [[0, 2, 4], [4, 6, 8], [8]]
        assert _elements(r(6).window(2).flat_map(lambda w: w)) == list(range(6))
        z = tk.data.Dataset.zip((r(5), r(10, 15)))
        assert _elements(z.window(2, 1, drop_remainder=True).flat_map(
            lambda a, b: tk.data.Dataset.zip((a.batch(2), b.batch(2))))) == [
            [[0, 1], [10, 11]], [[1, 2], [11, 12]], [[2, 3], [12, 13]], [[3, 4], [13, 14]]]
        assert _elements(r(8).window(4, 4).interleave(lambda w: w.batch(2), cycle_length=2,
                                                      block_length=1)) == \
            [[0, 1], [4, 5], [2, 3], [6, 7]]


def test_window_errors():
    with tk.Graph().as_default():
        r = tk.data.Dataset.range(4)
        with pytest.raises(TypeError, match="expected int64"):
            r.window(2.5)
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match="Window size must be greater than zero"):
            _elements(r.window(0).flat_map(lambda w: w))
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match="Window stride must be greater than zero"):
            _elements(r.window(2, stride=-1).flat_map(lambda w: w))
        window = r.window(2).make_one_shot_iterator().get_next()  # a dataset, as in TF
        with tk.Session() as s, pytest.raises(TypeError, match="invalid type"):
            s.run(window)
        with pytest.raises(TypeError, match="must return a `Dataset`"):
            r.window(2).flat_map(lambda w: 3)


def test_make_saveable_from_iterator_in_the_collection(tmp_path):
    """The r1 "Importing Data" guide's iterator checkpoint: the saveable added to
    ``SAVEABLE_OBJECTS`` next to the iterator's own entry is saved once; restoring (after
    the initializer, as TF 2.21 requires) resumes after the two elements read before
    saving (TF 2.21 gives 2, then 3, for ``range(10)``)."""
    it = tk.data.Dataset.range(10).make_initializable_iterator()
    nxt = it.get_next()
    saveable = tk.data.experimental.make_saveable_from_iterator(it)
    assert tk.contrib.data.make_saveable_from_iterator(it) is saveable
    tk.add_to_collection(tk.GraphKeys.SAVEABLE_OBJECTS, saveable)
    tk.Variable(1.0, name="v")
    saver = tk.train.Saver()
    with tk.Session() as sess:
        sess.run([tk.global_variables_initializer(), it.initializer])
        sess.run(nxt), sess.run(nxt)
        path = saver.save(sess, str(tmp_path / "m"))
        assert sess.run(nxt) == 2
    with tk.Session() as sess:
        sess.run(it.initializer)
        saver.restore(sess, path)
        assert [sess.run(nxt), sess.run(nxt)] == [2, 3]
    assert tk.train.list_variables(path) == [("v", [])]


def test_make_saveable_from_iterator_rejects_other_objects():
    with pytest.raises(TypeError, match="tf.data iterator, got Dataset"):
        tk.data.experimental.make_saveable_from_iterator(tk.data.Dataset.range(3))
