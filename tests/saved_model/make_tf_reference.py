"""Records what TensorFlow builds for the graph of ``graph_spec.build`` (run with TF):

    cd /work/wt/<name> && /work/venvs/tf/bin/python -m tests.saved_model.make_tf_reference

writes ``tests/saved_model/tf_reference.json``: the signature defs TF's
``tf.compat.v1.saved_model`` builds (as dicts of their fields) and the base64 of the
``saved_model.pb`` that ``SavedModelBuilder`` writes for them.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile

from tests.saved_model import graph_spec


def main() -> None:
    import tensorflow.compat.v1 as tf
    from google.protobuf import json_format

    tf.disable_eager_execution()
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(0)
        sigs = graph_spec.signatures(tf, graph_spec.build(tf))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            export_dir = os.path.join(tempfile.mkdtemp(), "model")
            b = tf.saved_model.builder.SavedModelBuilder(export_dir)
            b.add_meta_graph_and_variables(sess, ["serve"], signature_def_map=sigs)
            b.save()
    with open(os.path.join(export_dir, "saved_model.pb"), "rb") as f:
        pb = f.read()
    out = {"tensorflow_version": tf.__version__,
           "signatures": {k: json_format.MessageToDict(v) for k, v in sigs.items()},
           "saved_model_pb": base64.b64encode(pb).decode("ascii")}
    path = os.path.join(os.path.dirname(__file__), "tf_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
