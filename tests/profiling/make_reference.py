"""Records what TF's ``tf.compat.v1.profiler.profile`` gives for the graphs of
``graphs.py`` into ``tf_reference.json``: the tree of counts and the printed report.
Run with real TensorFlow (TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 /work/venvs/tf/bin/python -m tests.profiling.make_reference
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from tests.profiling.graphs import (
    GRAPHS,
    builder_dicts,
    op_flops,
    op_tree,
    option_sets,
    traced_unknown_batch,
    tree,
)


def _profile_with_stdout(tf, graph, options: dict, cmd: str = "scope",
                         run_meta=None) -> tuple[object, str]:
    """TF prints from C++, so its report is read back from file descriptor 1."""
    with tempfile.TemporaryFile(mode="w+") as out:
        saved = os.dup(1)
        os.dup2(out.fileno(), 1)
        try:
            node = tf.profiler.profile(graph, run_meta=run_meta, cmd=cmd, options=options)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        out.seek(0)
        return node, out.read()


def main() -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    tf.keras.backend.clear_session()
    out: dict = {"tf_version": tf_root.__version__, "builders": builder_dicts(tf)}
    graph = tf.Graph()
    with graph.as_default():
        tf.Variable(tf.zeros([3, 2]), name="v")
    b = tf.profiler.ProfileOptionBuilder
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "report.txt")
        tf.profiler.profile(graph, options=b(b.trainable_variables_parameter())
                            .with_file_output(path).build())
        with open(path) as f:
            out["file_report"] = f.read()
    graph, run_meta = traced_unknown_batch(tf)
    node, text = _profile_with_stdout(tf, graph, b.float_operation(), run_meta=run_meta)
    out["traced_unknown_batch"] = {"tree": tree(node), "report": text}
    for name, build in GRAPHS.items():
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(0)
            build(tf)
        results = {}
        for key, options in option_sets(tf).items():
            node, text = _profile_with_stdout(tf, graph, options)
            results[key] = {"tree": tree(node), "report": text}
            if key == "flops":
                results["op_flops"] = op_flops(graph, node)
            node, text = _profile_with_stdout(tf, graph, options, cmd="op")
            results[f"op:{key}"] = {"tree": op_tree(node), "report": text}
        out[name] = results
    path = Path(__file__).with_name("tf_reference.json")
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
