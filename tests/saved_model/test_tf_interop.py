"""``saved_model.pb`` is TF's wire format both ways: TF 2.21 parses the SavedModel trainkit
writes and finds its tags and signatures; trainkit parses the one TF 2.21 wrote for the
same graph (``tf_reference.json``, from ``make_tf_reference.py``) and finds the same
signatures it builds itself."""

from __future__ import annotations

import base64
import json
import os
import subprocess

import pytest
from google.protobuf import json_format

import trainkit as tk
from tests.saved_model import graph_spec
from tests.saved_model.test_builder_loader import _export

REF = json.load(open(os.path.join(os.path.dirname(__file__), "tf_reference.json")))
TF_PYTHON = "/work/venvs/tf/bin/python"

_TF_READER = """
import json, sys
from google.protobuf import json_format
from tensorflow.core.protobuf import saved_model_pb2
data = open(sys.argv[1], "rb").read()
m = saved_model_pb2.SavedModel.FromString(data)
assert m.SerializeToString(deterministic=True) == data, "not a lossless parse"
print(json.dumps({
    "version": m.saved_model_schema_version,
    "tags": [list(g.meta_info_def.tags) for g in m.meta_graphs],
    "signatures": {k: json_format.MessageToDict(v)
                   for k, v in m.meta_graphs[0].signature_def.items()},
    "nodes": len(m.meta_graphs[0].graph_def.node),
    "saver_restore": m.meta_graphs[0].saver_def.restore_op_name}))
"""


@pytest.mark.skipif(not os.path.exists(TF_PYTHON), reason="needs the TF 2.21 venv")
def test_tensorflow_parses_our_saved_model(tmp_path):
    d = str(tmp_path / "model")
    _export(d)
    out = subprocess.run([TF_PYTHON, "-c", _TF_READER, os.path.join(d, "saved_model.pb")],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["version"] == 1 and got["tags"] == [["serve"]]
    assert got["signatures"] == REF["signatures"]
    ours = tk.saved_model.loader.parse_saved_model(d).meta_graphs[0]
    assert got["nodes"] == len(ours.graph_def.node) > 0
    assert got["saver_restore"] == ours.saver_def.restore_op_name != ""


def test_we_parse_tensorflows_saved_model(tmp_path):
    d = tmp_path / "tf_model"
    d.mkdir()
    (d / "saved_model.pb").write_bytes(base64.b64decode(REF["saved_model_pb"]))
    model = tk.saved_model.loader.parse_saved_model(str(d))
    assert model.saved_model_schema_version == 1
    meta = tk.saved_model.loader.meta_graph_def_from_tags(model, ["serve"])
    tf_sigs = {k: json_format.MessageToDict(v) for k, v in meta.signature_def.items()}
    with tk.Graph().as_default():
        ours = graph_spec.signatures(tk, graph_spec.build(tk))
    assert tf_sigs == {k: json_format.MessageToDict(v) for k, v in ours.items()}
    assert {"x", "logits", "scores", "tf_example"} <= {n.name for n in meta.graph_def.node}
