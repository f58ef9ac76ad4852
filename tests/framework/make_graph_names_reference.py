"""Records ``data/graph_names_reference.json`` (node name -> op type of each case in
``graph_name_cases``) with TF 2.21 (``tf.compat.v1`` with ``disable_v2_behavior()``: graph
mode with TF1's reference variables and control flow, as the TF1 programs trainkit runs
were written for).

Not a test: run it with the TF peer environment, from the worktree root::

    TF_USE_LEGACY_KERAS=1 /work/venvs/tf/bin/python -m tests.framework.make_graph_names_reference
"""

import json
import os
import pathlib

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow.compat.v1 as tf  # noqa: E402

from tests.framework import graph_name_cases  # noqa: E402

tf.disable_v2_behavior()  # TF1 semantics: ref variables (VariableV2), v1 control flow
OUT = pathlib.Path(__file__).parent / "data" / "graph_names_reference.json"


def main() -> None:
    ref = {"tf_version": tf.__version__}
    for case in graph_name_cases.CASES:
        ref[case] = graph_name_cases.record(tf, case)
    OUT.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({', '.join(f'{c}: {len(ref[c])}' for c in graph_name_cases.CASES)})")


if __name__ == "__main__":
    main()
