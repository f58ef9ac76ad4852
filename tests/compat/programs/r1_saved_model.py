"""TensorFlow's TF1 guide "Save and Restore" (tensorflow/docs, ``site/en/r1/guide/
saved_model.md``), its code in the order the page runs it: ``get_variable``s ``v1`` and
``v2`` (zeros), ``assign`` ops run through ``op.run()``, ``Saver().save``; a reset graph
whose variables are restored without initialising; a ``Saver({"v2": v2})`` restoring one
variable while ``v1.initializer.run()`` sets the other; the checkpoint printed by
``inspect_checkpoint.print_tensors_in_checkpoint_file`` (all tensors, then ``v1`` and
``v2`` alone); ``tf.saved_model.simple_save`` with inputs ``{"x": x, "y": y}`` and
output ``{"z": z}``; a ``SavedModelBuilder`` writing a TRAINING meta graph with
variables and a SERVING one (``strip_default_attrs=True``); and
``tf.saved_model.loader.load`` of each into a fresh graph.

Adapted: the paths are in a temporary directory; the page's ``...`` bodies are filled
in (``z = x * w + y`` with a variable ``w``, a one-variable graph for the builder with a
``predict_signature_def``); ``inspect_checkpoint`` is TF's
``tensorflow.python.tools.inspect_checkpoint`` (trainkit's
``trainkit.training.inspect_checkpoint``), its printout captured and compared; each
``tf.reset_default_graph()`` is a ``with tf.Graph().as_default():`` block (the harness
runs the program inside a graph, where TF refuses to reset)."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import tempfile

COMPARE = {"saved": 0.0, "restored": 0.0, "partial": 0.0, "printed": 0.0,
           "simple_save": 0.0, "builder": 0.0}


def _inspect_checkpoint(tf):
    if tf.__name__.startswith("trainkit"):
        return importlib.import_module("trainkit.training.inspect_checkpoint")
    return importlib.import_module("tensorflow.python.tools.inspect_checkpoint")


def main(tf):
    out = {}
    root = tempfile.mkdtemp()
    model_ckpt = os.path.join(root, "model.ckpt")

    v1 = tf.get_variable("v1", shape=[3], initializer=tf.zeros_initializer)
    v2 = tf.get_variable("v2", shape=[5], initializer=tf.zeros_initializer)
    inc_v1 = v1.assign(v1 + 1)
    dec_v2 = v2.assign(v2 - 1)
    init_op = tf.global_variables_initializer()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(init_op)
        inc_v1.op.run()
        dec_v2.op.run()
        save_path = saver.save(sess, model_ckpt)
        out["saved"] = [save_path == model_ckpt, sorted(
            f for f in os.listdir(root) if f.startswith("model.ckpt"))]

    with tf.Graph().as_default():  # the page's tf.reset_default_graph()
        v1 = tf.get_variable("v1", shape=[3])
        v2 = tf.get_variable("v2", shape=[5])
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, model_ckpt)
            out["restored"] = [v1.eval().tolist(), v2.eval().tolist()]

    with tf.Graph().as_default():  # the page's tf.reset_default_graph()
        v1 = tf.get_variable("v1", [3], initializer=tf.zeros_initializer)
        v2 = tf.get_variable("v2", [5], initializer=tf.zeros_initializer)
        saver = tf.train.Saver({"v2": v2})
        with tf.Session() as sess:
            v1.initializer.run()
            saver.restore(sess, model_ckpt)
            out["partial"] = [v1.eval().tolist(), v2.eval().tolist()]

    chkp = _inspect_checkpoint(tf)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        chkp.print_tensors_in_checkpoint_file(model_ckpt, tensor_name='', all_tensors=True)
        chkp.print_tensors_in_checkpoint_file(model_ckpt, tensor_name='v1',
                                              all_tensors=False)
        chkp.print_tensors_in_checkpoint_file(model_ckpt, tensor_name='v2',
                                              all_tensors=False)
        chkp.print_tensors_in_checkpoint_file(model_ckpt, tensor_name='v3',
                                              all_tensors=False)
        chkp.print_tensors_in_checkpoint_file(model_ckpt, tensor_name='',
                                              all_tensors=False, all_tensor_names=True,
                                              count_exclude_pattern="v2")
    out["printed"] = printed.getvalue().splitlines()

    with tf.Graph().as_default():  # the page's tf.reset_default_graph()
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.placeholder(tf.float32, [None], name="y")
        w = tf.Variable(2.0, name="w")
        z = tf.add(x * w, y, name="z")
        export_dir = os.path.join(root, "simple")
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            tf.saved_model.simple_save(session,
                                       export_dir,
                                       inputs={"x": x, "y": y},
                                       outputs={"z": z})
        with tf.Session(graph=tf.Graph()) as sess:
            meta = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING],
                                              export_dir)
            sig = meta.signature_def["serving_default"]
            feeds = {sig.inputs["x"].name: [1.0, 2.0], sig.inputs["y"].name: [0.5, 0.25]}
            out["simple_save"] = [sorted(os.listdir(export_dir)), sig.method_name,
                                  sorted(sig.inputs), sig.outputs["z"].name,
                                  sess.run(sig.outputs["z"].name, feeds).tolist()]

    tag_constants = tf.saved_model.tag_constants
    export_dir = os.path.join(root, "built")
    builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
    with tf.Session(graph=tf.Graph()) as sess:
        a = tf.placeholder(tf.float32, [None], name="a")
        scale = tf.Variable(3.0, name="scale")
        b = tf.identity(a * scale, name="b")
        sess.run(tf.global_variables_initializer())
        sess.run(scale.assign(4.0))
        foo_signatures = {"predict": tf.saved_model.signature_def_utils.predict_signature_def(
            inputs={"a": a}, outputs={"b": b})}
        builder.add_meta_graph_and_variables(sess,
                                             [tag_constants.TRAINING],
                                             signature_def_map=foo_signatures,
                                             strip_default_attrs=True)
    with tf.Session(graph=tf.Graph()) as sess:
        a = tf.placeholder(tf.float32, [None], name="a")
        scale = tf.Variable(3.0, name="scale")
        b = tf.identity(a * scale * 10.0, name="b")
        builder.add_meta_graph([tag_constants.SERVING], strip_default_attrs=True)
    builder.save()
    loaded = []
    for tags in ([tag_constants.TRAINING], [tag_constants.SERVING]):
        with tf.Session(graph=tf.Graph()) as sess:
            meta = tf.saved_model.loader.load(sess, tags, export_dir)
            loaded.append([sorted(meta.signature_def), list(meta.meta_info_def.tags),
                           sess.run("b:0", {"a:0": [1.0, 2.0]}).tolist()])
    out["builder"] = loaded
    return out
