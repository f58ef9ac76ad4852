"""``ProfileOptionBuilder`` and option parsing; the dicts are TF 2.21.0's
(``tf_reference.json``, recorded by ``make_reference.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trainkit as tk
from tests.profiling.graphs import builder_dicts
from trainkit.profiling.options import parse
from trainkit.profiling.scope_view import format_number

REF = json.loads(Path(__file__).with_name("tf_reference.json").read_text())
B = tk.profiler.ProfileOptionBuilder


@pytest.mark.parametrize("key", sorted(REF["builders"]))
def test_builder_dicts_match_tf(key):
    assert builder_dicts(tk)[key] == REF["builders"][key]


def test_builder_copies_its_inputs():
    start = B.float_operation()
    regexes = ["a.*"]
    builder = B(start).with_node_names(show_name_regexes=regexes)
    regexes.append("b")
    built = builder.build()
    assert built["show_name_regexes"] == ["a.*"] and start["show_name_regexes"] == [".*"]
    built["select"].append("params")
    assert builder.build()["select"] == ["float_ops"]


def test_options_text_is_tfs_block():
    text = parse(B(B.float_operation()).with_file_output("/tmp/r.txt")
                 .select(["params", "float_ops"]).build()).to_text()
    lines = text.splitlines()
    assert lines[0] == "-max_depth                  10000"
    assert "-select                     float_ops,params" in lines  # sorted, as TF's set
    assert lines[-1] == "-output                     file:outfile=/tmp/r.txt"
    assert "-trim_name_regexes          " in lines


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1000, "1.00k"),
                                     (125440, "125.44k"), (999999, "1000.00k"),
                                     (1445987, "1.45m"), (2_500_000_000, "2.50b")])
def test_format_number(n, text):
    assert format_number(n) == text


@pytest.mark.parametrize("options, error, match", [
    ("float_operation", TypeError, "must be a dict"),
    ({"order_by": "nope"}, ValueError, r"options\['order_by'\] = 'nope' is not one of"),
    ({"select": ["nope"]}, ValueError, "unknown attribute 'nope'"),
    ({"select": "params"}, TypeError, r"options\['select'\] must be a list of str"),
    ({"max_depth": "3"}, TypeError, r"options\['max_depth'\] must be an int"),
    ({"min_params": True}, TypeError, r"options\['min_params'\] must be an int"),
    ({"select": ["micros"]}, tk.errors.UnimplementedError, "needs run metadata"),
    ({"output": "nope"}, tk.errors.InvalidArgumentError,
     "Unknown output type: nope, Valid types: file,none,pprof,stdout,timeline"),
    ({"output": "file"}, tk.errors.InvalidArgumentError,
     "Missing required output_options for file"),
    ({"output": "file:path=x"}, tk.errors.InvalidArgumentError,
     "Unrecognized options path for output_type: file"),
    ({"output": "file:outfile"}, tk.errors.InvalidArgumentError, "Visualize format"),
    ({"output": "timeline:outfile=t.json"}, tk.errors.UnimplementedError,
     "timeline output"),
])
def test_bad_options_raise_typed_errors(options, error, match):
    with pytest.raises(error, match=match):
        parse(options)
