"""Export with SavedModelBuilder / simple_save, load with loader.load: same outputs in a
fresh graph and a fresh process, TF's errors for misuse, atomic exports, damaged files.

TF-behaviour numbers (main_op re-initializing restored variables: v == 1.0 after load)
were checked with TF 2.21's tf.compat.v1.saved_model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import trainkit as tk
from tests.saved_model import graph_spec

sm = tk.saved_model
SERVE = [sm.tag_constants.SERVING]
X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], np.float32)
W_TRAINED = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


EXPECTED_LOGITS = X @ W_TRAINED  # b stays zero


def _export(export_dir, as_text=False, **kwargs):
    """Builds graph_spec's graph, sets w to W_TRAINED and exports it; returns outputs."""
    with tk.Graph().as_default():
        t = graph_spec.build(tk)
        sigs = graph_spec.signatures(tk, t)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            sess.run(tk.assign(t["w"], W_TRAINED))
            want = sess.run(t["scores"], {t["x"]: X})
            b = sm.builder.SavedModelBuilder(export_dir)
            b.add_meta_graph_and_variables(sess, SERVE, signature_def_map=sigs, **kwargs)
            path = b.save(as_text=as_text)
    return want, path


def _predict(export_dir, tags=SERVE, import_scope=None):
    with tk.Graph().as_default() as g, tk.Session() as sess:
        meta = sm.loader.load(sess, tags, export_dir, import_scope=import_scope)
        sig = meta.signature_def[sm.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        x = sm.utils.get_tensor_from_tensor_info(sig.inputs["x"], g, import_scope)
        y = sm.utils.get_tensor_from_tensor_info(sig.outputs["scores"], g, import_scope)
        return sess.run(y, {x: X})


def test_round_trip_fresh_graph(tmp_path):
    d = str(tmp_path / "model")
    want, path = _export(d)
    assert path == os.path.join(d, "saved_model.pb").encode()
    np.testing.assert_allclose(want, _softmax(EXPECTED_LOGITS), rtol=1e-6)
    np.testing.assert_array_equal(_predict(d), want)
    np.testing.assert_array_equal(_predict(d, import_scope="served"), want)
    assert sorted(os.listdir(d)) == ["saved_model.pb", "variables"]
    assert sorted(os.listdir(os.path.join(d, "variables"))) == [
        "variables.data-00000-of-00001", "variables.index"]
    assert sorted(os.listdir(tmp_path)) == ["model"]  # no temporary left behind
    assert sm.loader.maybe_saved_model_directory(d) and sm.contains_saved_model(d)
    assert not sm.maybe_saved_model_directory(str(tmp_path))


def test_saved_model_proto_layout(tmp_path):
    d = str(tmp_path / "model")
    _export(d)
    model = sm.loader.parse_saved_model(d)
    assert model.saved_model_schema_version == 1 and len(model.meta_graphs) == 1
    meta = model.meta_graphs[0]
    assert list(meta.meta_info_def.tags) == ["serve"]
    assert sorted(meta.signature_def) == ["classify", "custom", "regress", "serving_default"]
    assert meta.saver_def.restore_op_name and meta.saver_def.filename_tensor_name
    assert {n.name for n in meta.graph_def.node} >= {"x", "w", "logits", "scores"}


def test_round_trip_fresh_process(tmp_path):
    d = str(tmp_path / "model")
    want, _ = _export(d)
    script = (
        "import json, sys, numpy as np, trainkit as tf\n"
        "sess = tf.Session()\n"
        "meta = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], "
        "sys.argv[1])\n"
        "sig = meta.signature_def['serving_default']\n"
        "x = tf.get_default_graph().get_tensor_by_name(sig.inputs['x'].name)\n"
        "y = tf.get_default_graph().get_tensor_by_name(sig.outputs['scores'].name)\n"
        "print(json.dumps(sess.run(y, {x: np.array(json.loads(sys.argv[2]), np.float32)})"
        ".tolist()))\n")
    out = subprocess.run([sys.executable, "-c", script, d, json.dumps(X.tolist())],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    np.testing.assert_array_equal(np.array(json.loads(out.stdout), np.float32), want)


def test_simple_save_and_v1_load_alias(tmp_path):
    d = str(tmp_path / "simple")
    with tk.Graph().as_default():
        x = tk.placeholder(tk.float32, [None, 3], name="x")
        w = tk.Variable(W_TRAINED, name="w")
        y = tk.matmul(x, w, name="y")
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            assert sm.simple_save(sess, d, {"x": x}, {"y": y}) is None
    with tk.Graph().as_default(), tk.Session() as sess:
        meta = sm.load(sess, ["serve"], d)
        sig = meta.signature_def["serving_default"]
        assert sig.method_name == "tensorflow/serving/predict"
        np.testing.assert_array_equal(
            sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: X}), X @ W_TRAINED)


def test_as_text_round_trip(tmp_path):
    d = str(tmp_path / "text")
    want, path = _export(d, as_text=True)
    assert path.endswith(b"saved_model.pbtxt")
    assert sorted(os.listdir(d)) == ["saved_model.pbtxt", "variables"]
    np.testing.assert_array_equal(_predict(d), want)
    b = str(tmp_path / "binary")
    _export(b)
    text_model, bin_model = sm.loader.parse_saved_model(d), sm.loader.parse_saved_model(b)
    assert text_model.meta_graphs[0].signature_def == bin_model.meta_graphs[0].signature_def


def test_tags_mismatch(tmp_path):
    d = str(tmp_path / "model")
    _export(d)
    with tk.Graph().as_default(), tk.Session() as sess:
        with pytest.raises(RuntimeError, match="MetaGraphDef associated with tags 'train' "
                                               "could not be found in SavedModel"):
            sm.loader.load(sess, ["train"], d)
        with pytest.raises(RuntimeError, match="could not be found"):
            sm.loader.load(sess, ["serve", "gpu"], d)


def test_several_meta_graphs(tmp_path):
    d = str(tmp_path / "multi")
    with tk.Graph().as_default():
        t = graph_spec.build(tk)
        sigs = graph_spec.signatures(tk, t)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            sess.run(tk.assign(t["w"], W_TRAINED))
            b = sm.builder.SavedModelBuilder(d)
            with pytest.raises(AssertionError, match="has not been saved yet"):
                b.add_meta_graph(["train"])
            b.add_meta_graph_and_variables(sess, ["train"], signature_def_map={})
            with pytest.raises(AssertionError, match="has already been saved"):
                b.add_meta_graph_and_variables(sess, SERVE)
            b.add_meta_graph(SERVE, signature_def_map=sigs)
            b.save()
    model = sm.loader.parse_saved_model(d)
    assert [list(m.meta_info_def.tags) for m in model.meta_graphs] == [["train"], ["serve"]]
    np.testing.assert_allclose(_predict(d), _softmax(EXPECTED_LOGITS), rtol=1e-6)
    with tk.Graph().as_default(), tk.Session() as sess:
        meta = sm.loader.load(sess, ["train"], d)
        assert len(meta.signature_def) == 0
        np.testing.assert_array_equal(sess.run(tk.global_variables()[0]), W_TRAINED)


def test_existing_export_dir(tmp_path):
    d = tmp_path / "model"
    d.mkdir()
    _export(str(d))  # an empty directory is accepted, as TF
    with pytest.raises(AssertionError, match="Export directory .* already exists, and isn't "
                                             "empty"):
        sm.builder.SavedModelBuilder(str(d))


def test_failed_export_leaves_nothing(tmp_path):
    d = str(tmp_path / "model")
    with tk.Graph().as_default():
        tk.Variable(1.0, name="never_initialized")
        with tk.Session() as sess:
            b = sm.builder.SavedModelBuilder(d)
            with pytest.raises(tk.errors.FailedPreconditionError):
                b.add_meta_graph_and_variables(sess, SERVE)
    assert os.listdir(tmp_path) == []


def test_signature_map_validation(tmp_path):
    with tk.Graph().as_default():
        t = graph_spec.build(tk)
        good = sm.predict_signature_def({"x": t["x"]}, {"y": t["scores"]})
        no_dtype = type(good)()
        no_dtype.CopyFrom(good)
        no_dtype.inputs["x"].dtype = 0
        no_name = sm.build_signature_def({"x": sm.utils.build_tensor_info(t["x"]).__class__(
            dtype=1)}, {}, "m")
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            b = sm.builder.SavedModelBuilder(str(tmp_path / "m"))
            with pytest.raises(AssertionError, match="must have the dtype field set"):
                b.add_meta_graph_and_variables(sess, SERVE, {"s": no_dtype})
            with pytest.raises(AssertionError, match="'encoding' fields"):
                b.add_meta_graph_and_variables(sess, SERVE, {"s": no_name})
            with pytest.raises(KeyError, match="__saved_model_init_op"):
                b.add_meta_graph_and_variables(sess, SERVE, {"__saved_model_init_op": good})
            with pytest.raises(TypeError, match="to be an Operation"):
                b.add_meta_graph_and_variables(sess, SERVE, main_op=t["x"])
            tk.add_to_collection(sm.LEGACY_INIT_OP_KEY, tk.no_op())
            with pytest.raises(ValueError, match="already contains one or more main ops"):
                b.add_meta_graph_and_variables(sess, SERVE, main_op=tk.no_op())
    assert os.listdir(tmp_path) == []


def _export_counter(d, **init_ops):
    """v (global, saved as 5.0) and a local counter c built by local_variables_initializer."""
    with tk.Graph().as_default():
        v = tk.Variable(1.0, name="v")
        c = tk.Variable(3.0, name="c", collections=[tk.GraphKeys.LOCAL_VARIABLES])
        ops = {k: f() for k, f in init_ops.items()}
        with tk.Session() as sess:
            sess.run([tk.global_variables_initializer(), tk.local_variables_initializer()])
            sess.run(tk.assign(v, 5.0))
            b = sm.builder.SavedModelBuilder(d)
            b.add_meta_graph_and_variables(sess, SERVE, **ops)
            b.save()
    return v.name, c.name


def test_legacy_init_op_runs_at_load(tmp_path):
    d = str(tmp_path / "m")
    v, c = _export_counter(d, legacy_init_op=tk.local_variables_initializer)
    with tk.Graph().as_default(), tk.Session() as sess:
        sm.loader.load(sess, SERVE, d)
        assert sess.run([v, c]) == [5.0, 3.0]
    d2 = str(tmp_path / "m2")
    _export_counter(d2)  # no init op: the local variable stays uninitialized
    with tk.Graph().as_default(), tk.Session() as sess:
        sm.loader.load(sess, SERVE, d2)
        assert sess.run(v) == 5.0
        with pytest.raises(tk.errors.FailedPreconditionError):
            sess.run(c)


def test_main_op_reinitializes_as_tf(tmp_path):
    d = str(tmp_path / "m")
    v, c = _export_counter(d, main_op=sm.main_op.main_op)
    with tk.Graph().as_default(), tk.Session() as sess:
        sm.loader.load(sess, SERVE, d)
        assert sess.run([v, c]) == [1.0, 3.0]  # TF 2.21 gives v == 1.0 too


def test_assets_copied_and_fed(tmp_path):
    src = tmp_path / "vocab.txt"
    src.write_text("a\nb\n")
    d = str(tmp_path / "m")
    with tk.Graph().as_default():
        path = tk.constant(str(src), name="vocab_path")
        tk.add_to_collection(tk.GraphKeys.ASSET_FILEPATHS, path)
        content = tk.read_file(path, name="content")
        size = tk.Variable(0, name="size", collections=[tk.GraphKeys.LOCAL_VARIABLES])
        init = tk.group(tk.assign(size, tk.strings.length(content)), name="legacy_init")
        x = tk.placeholder(tk.float32, [None], name="x")
        with tk.Session() as sess:
            sm.simple_save(sess, d, {"x": x}, {"content": content}, legacy_init_op=init)
    os.remove(src)  # the loaded model must use its own copy
    assert open(os.path.join(d, "assets", "vocab.txt")).read() == "a\nb\n"
    with tk.Graph().as_default(), tk.Session() as sess:
        meta = sm.loader.load(sess, SERVE, d)  # the init op reads the fed asset path
        assert sm.ASSETS_KEY in meta.collection_def
        assert sess.run("size:0") == 4
        new_path = os.path.join(d, "assets", "vocab.txt")
        assert sess.run("content:0", {"vocab_path:0": new_path}) == b"a\nb\n"


def test_asset_errors(tmp_path):
    with tk.Graph().as_default():
        x = tk.placeholder(tk.string, [], name="p")
        with tk.Session() as sess:
            b = sm.builder.SavedModelBuilder(str(tmp_path / "m"))
            with pytest.raises(TypeError, match="must be a Tensor"):
                b.add_meta_graph_and_variables(sess, SERVE, assets_collection=["f.txt"])
            with pytest.raises(TypeError, match="must be of type constant"):
                b.add_meta_graph_and_variables(sess, SERVE, assets_collection=[x])
            with pytest.raises(TypeError, match="must be of dtype string"):
                b.add_meta_graph_and_variables(sess, SERVE,
                                               assets_collection=[tk.constant(1.0)])
            with pytest.raises(TypeError, match="must be a scalar"):
                b.add_meta_graph_and_variables(sess, SERVE,
                                               assets_collection=[tk.constant(["a", "b"])])


def test_damaged_or_missing_files(tmp_path):
    d = str(tmp_path / "model")
    _export(d)
    data = os.path.join(d, "variables", "variables.data-00000-of-00001")
    raw = open(data, "rb").read()
    open(data, "wb").write(bytes(c ^ 0xFF for c in raw))  # every tensor's bytes damaged
    with tk.Graph().as_default(), tk.Session() as sess:
        with pytest.raises(tk.errors.DataLossError):
            sm.loader.load(sess, SERVE, d)
        # nothing was assigned: the variables are still uninitialized
        with pytest.raises(tk.errors.FailedPreconditionError):
            sess.run(tk.global_variables()[0])
    os.remove(os.path.join(d, "variables", "variables.index"))
    with tk.Graph().as_default(), tk.Session() as sess:
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            sm.loader.load(sess, SERVE, d)
    with open(os.path.join(d, "saved_model.pb"), "wb") as f:
        f.write(b"\xff\xff\xff not a proto")
    with tk.Graph().as_default(), tk.Session() as sess:
        with pytest.raises(OSError, match="Cannot parse file"):
            sm.loader.load(sess, SERVE, d)
        with pytest.raises(OSError, match="SavedModel file does not exist"):
            sm.loader.load(sess, SERVE, str(tmp_path / "nowhere"))


def test_main_op_with_restore_groups_main_op_and_named_op():
    """As TF: a group of the named op under a control dependency on main_op()."""
    with tk.Graph().as_default():
        v = tk.Variable(2.0, name="v")
        c = tk.Variable(3.0, name="c", collections=[tk.GraphKeys.LOCAL_VARIABLES])
        restore = tk.no_op(name="restore_stand_in")
        op = sm.main_op_with_restore("restore_stand_in")
        assert isinstance(op, tk.Operation)
        assert restore in op.control_inputs and len(op.control_inputs) == 2
        with tk.Session() as sess:
            sess.run(op)
            assert sess.run([v, c]) == [2.0, 3.0]  # main_op() initialized everything
        with pytest.raises((KeyError, ValueError)):
            sm.main_op.main_op_with_restore("no_such_op")
