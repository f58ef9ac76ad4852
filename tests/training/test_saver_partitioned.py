"""Partitioned variables in checkpoints: the shards are saved as one full tensor (as TF's
slices of one variable), so a checkpoint restores into any partitioning or an
unpartitioned variable, ``list_variables``/``load_variable`` see the full variable, and
optimizer slots of shards are slices of one full slot."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

FULL = np.arange(30, dtype=np.float32).reshape(10, 3) * 0.5


def _save(tmp_path, shards=3, axis=0, var_list=None):
    with tk.Graph().as_default():
        p = tk.get_variable("emb", initializer=tk.constant(FULL),
                            partitioner=tk.fixed_size_partitioner(shards, axis))
        tk.get_variable("w", initializer=tk.constant([1.0, 2.0]))
        saver = tk.train.Saver(var_list(p) if var_list else None)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            return saver.save(sess, str(tmp_path / "model.ckpt"))


def _restore(path, make, var_list=None):
    with tk.Graph().as_default():
        v = make()
        saver = tk.train.Saver(var_list(v) if var_list else [v])
        with tk.Session() as sess:
            saver.restore(sess, path)
            return sess.run(tk.convert_to_tensor(v)), [sess.run(s).shape for s in
                                                       (v if isinstance(
                                                           v, tk.PartitionedVariable)
                                                        else [v])]


def test_checkpoint_holds_the_full_variable(tmp_path):
    path = _save(tmp_path)
    assert tk.train.list_variables(path) == [("emb", [10, 3]), ("w", [2])]
    np.testing.assert_array_equal(tk.train.load_variable(path, "emb"), FULL)
    reader = tk.train.load_checkpoint(path)
    assert reader.get_variable_to_shape_map() == {"emb": [10, 3], "w": [2]}


@pytest.mark.parametrize("shards,axis", [(1, 0), (2, 0), (3, 0), (4, 0), (7, 0), (2, 1),
                                         (3, 1)])
def test_restores_into_another_partitioning(tmp_path, shards, axis):
    path = _save(tmp_path)
    value, shapes = _restore(path, lambda: tk.get_variable(
        "emb", [10, 3], partitioner=tk.fixed_size_partitioner(shards, axis)))
    np.testing.assert_array_equal(value, FULL)
    assert len(shapes) == shards


def test_restores_into_an_unpartitioned_variable_and_back(tmp_path):
    value, _ = _restore(_save(tmp_path), lambda: tk.get_variable("emb", [10, 3]))
    np.testing.assert_array_equal(value, FULL)
    with tk.Graph().as_default():
        whole = tk.get_variable("emb", initializer=tk.constant(FULL))
        saver = tk.train.Saver([whole])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            path = saver.save(sess, str(tmp_path / "whole.ckpt"))
    value, shapes = _restore(path, lambda: tk.get_variable(
        "emb", [10, 3], partitioner=tk.fixed_size_partitioner(4)))
    np.testing.assert_array_equal(value, FULL)
    assert shapes == [(3, 3), (3, 3), (2, 3), (2, 3)]


def test_var_list_forms(tmp_path):
    for form in (lambda p: [p], lambda p: {"emb": p}, lambda p: {"emb": list(p)},
                 lambda p: list(p)):
        path = _save(tmp_path, var_list=form)
        assert tk.train.list_variables(path) == [("emb", [10, 3])]
        value, _ = _restore(path, lambda: tk.get_variable(
            "emb", [10, 3], partitioner=tk.fixed_size_partitioner(2)), var_list=form)
        np.testing.assert_array_equal(value, FULL)
    path = _save(tmp_path, var_list=lambda p: {"table": p})
    assert tk.train.list_variables(path) == [("table", [10, 3])]


def test_bad_slice_sets_are_value_errors(tmp_path):
    p = tk.get_variable("emb", [10, 3], partitioner=tk.fixed_size_partitioner(3))
    with pytest.raises(ValueError, match="cover 12 of its 30 elements"):
        tk.train.Saver(list(p)[:1])
    with pytest.raises(ValueError, match="overlap"):
        tk.train.Saver({"emb": list(p) + [list(p)[0]]})
    whole = tk.get_variable("other", [10, 3])
    with pytest.raises(ValueError, match="Slices must all be slices"):
        tk.train.Saver({"emb": [whole] + list(p)})
    q = tk.get_variable("q", [10, 4], partitioner=tk.fixed_size_partitioner(2))
    with pytest.raises(ValueError, match="Slices must all be from the same tensor"):
        tk.train.Saver({"emb": list(p) + list(q)})


def test_a_whole_variable_named_like_the_shards_full_name_is_an_error():
    whole = tk.Variable(np.zeros((10, 3), np.float32), name="emb")
    p = tk.get_variable("emb", [10, 3], partitioner=tk.fixed_size_partitioner(2))
    assert whole.op.name == "emb" and [v.op.name for v in p] == ["emb/part_0", "emb/part_1"]
    with pytest.raises(ValueError, match="Mixing slices and non-slices with the same name"):
        tk.train.Saver([whole] + list(p))


def test_a_dict_entry_of_one_shard_is_saved_whole_as_tf(tmp_path):
    p = tk.get_variable("emb", initializer=tk.constant(FULL),
                        partitioner=tk.fixed_size_partitioner(2))
    saver = tk.train.Saver({"first_half": list(p)[0]})
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "half.ckpt"))
    assert tk.train.list_variables(path) == [("first_half", [5, 3])]
    np.testing.assert_array_equal(tk.train.load_variable(path, "first_half"), FULL[:5])


def test_restore_with_another_full_shape_is_invalid_argument(tmp_path):
    path = _save(tmp_path)
    with pytest.raises(tk.errors.InvalidArgumentError, match="full shape"):
        _restore(path, lambda: tk.get_variable(
            "emb", [12, 3], partitioner=tk.fixed_size_partitioner(2)))


def test_optimizer_slots_of_shards_are_slices_of_one_slot(tmp_path):
    def build(shards):
        p = tk.get_variable("emb", initializer=tk.constant(FULL),
                            partitioner=tk.fixed_size_partitioner(shards))
        # 'div' keeps id i at row i of the full tensor whatever the shard count ('mod'
        # does not: as in TF, a 'mod' table only restores into the same shard count)
        loss = tk.reduce_sum(tk.square(tk.nn.embedding_lookup(p, [[0, 9], [4, 4]],
                                                              partition_strategy="div")))
        return p, tk.train.AdamOptimizer(0.1).minimize(loss)

    with tk.Graph().as_default():
        p, step = build(3)
        saver = tk.train.Saver()
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for _ in range(3):
                sess.run(step)
            want = sess.run(p.as_tensor())
            path = saver.save(sess, str(tmp_path / "adam.ckpt"))
    names = dict(tk.train.list_variables(path))
    assert names["emb/Adam"] == [10, 3] and names["emb/Adam_1"] == [10, 3]
    assert not any("part_" in n for n in names)
    # resuming with two shards continues exactly as three shards would
    runs = []
    for shards in (3, 2):
        with tk.Graph().as_default():
            p, step = build(shards)
            saver = tk.train.Saver()
            with tk.Session() as sess:
                saver.restore(sess, path)
                np.testing.assert_array_equal(sess.run(p.as_tensor()), want)
                sess.run(step)
                runs.append(sess.run(p.as_tensor()))
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-6)
    assert not np.array_equal(runs[0], want)


def test_meta_graph_keeps_slice_infos(tmp_path):
    path = _save(tmp_path)
    with tk.Graph().as_default():
        saver = tk.train.import_meta_graph(path + ".meta")
        shards = [v for v in tk.global_variables() if v.op.name.startswith("emb/")]
        assert [v._save_slice_info.spec for v in shards] == [
            "10 3 0,4:0,3", "10 3 4,3:0,3", "10 3 7,3:0,3"]
        fresh = tk.train.Saver()
        with tk.Session() as sess:
            saver.restore(sess, path)
            got = sess.run([tk.concat(shards, 0)])[0]
            fresh.save(sess, str(tmp_path / "again.ckpt"))
    np.testing.assert_array_equal(got, FULL)
    assert tk.train.list_variables(str(tmp_path / "again.ckpt")) == [("emb", [10, 3]),
                                                                     ("w", [2])]


@pytest.mark.parametrize("how", ["name", "scope", "object", "list", "root"])
def test_init_from_checkpoint_fills_each_shard_from_its_block(tmp_path, how):
    path = _save(tmp_path, shards=3)
    with tk.Graph().as_default():
        p = tk.get_variable("emb", [10, 3], partitioner=tk.fixed_size_partitioner(4))
        w = tk.get_variable("w", [2])
        mapping = {"name": {"emb": "emb"}, "scope": {"emb/": "emb/"},
                   "object": {"emb": p}, "list": {"emb": list(p)}, "root": {"/": "/"}}[how]
        tk.train.init_from_checkpoint(path, mapping)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(p.as_tensor()), FULL)
            if how == "root":
                np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


def test_init_from_checkpoint_shape_mismatch_of_a_partitioned_variable(tmp_path):
    path = _save(tmp_path, shards=3)
    with tk.Graph().as_default():
        tk.get_variable("emb", [12, 3], partitioner=tk.fixed_size_partitioner(2))
        with pytest.raises(ValueError, match="doesn't match with shape of tensor emb"):
            tk.train.init_from_checkpoint(path, {"emb": "emb"})
