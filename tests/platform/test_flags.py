"""tf.app.flags / tf.flags parse like absl (the library TF1's flags wrap)."""

from __future__ import annotations

import sys

import pytest

import trainkit as tf
from trainkit.platform.flags import FlagValues


@pytest.fixture
def fv():
    return FlagValues()


def _define_all(fv):
    tf.flags.DEFINE_string("data_dir", "/tmp/data", "where", flag_values=fv)
    tf.flags.DEFINE_integer("steps", 100, "steps", lower_bound=1, flag_values=fv)
    tf.flags.DEFINE_float("lr", 0.1, "learning rate", flag_values=fv)
    tf.flags.DEFINE_boolean("fake", False, "fake data", flag_values=fv)
    tf.flags.DEFINE_bool("shuffle", True, "shuffle", flag_values=fv)
    tf.flags.DEFINE_list("layers", "64,32", "sizes", flag_values=fv)
    tf.flags.DEFINE_enum("mode", "train", ["train", "eval"], "mode", flag_values=fv)


def test_defaults_and_all_value_syntaxes(fv):
    _define_all(fv)
    assert fv.layers == ["64", "32"]  # a string default is parsed
    rest = fv(["prog", "--data_dir=/d", "pos1", "--steps", "7", "-lr=0.5", "--fake",
               "--noshuffle", "--layers=1,2,3", "--mode=eval", "--", "--steps=9"])
    assert rest == ["prog", "pos1", "--steps=9"]
    assert (fv.data_dir, fv.steps, fv.lr, fv.fake, fv.shuffle) == ("/d", 7, 0.5, True, False)
    assert fv.layers == ["1", "2", "3"] and fv.mode == "eval"
    fv(["prog", "--fake=false", "--shuffle=1"])
    assert (fv.fake, fv.shuffle) == (False, True)
    assert fv.flag_values_dict()["steps"] == 7


def test_bad_values_and_unknown_flags_are_typed_errors(fv):
    _define_all(fv)
    with pytest.raises(tf.flags.IllegalFlagValueError, match="steps"):
        fv(["prog", "--steps=abc"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="bounds"):
        fv(["prog", "--steps=0"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="lr"):
        fv(["prog", "--lr=fast"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="Non-boolean"):
        fv(["prog", "--fake=maybe"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="one of"):
        fv(["prog", "--mode=test"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="must have a value"):
        fv(["prog", "--steps"])
    with pytest.raises(tf.flags.UnrecognizedFlagError, match="bogus"):
        fv(["prog", "--bogus=1"])
    assert fv(["prog", "--bogus=1"], known_only=True) == ["prog", "--bogus=1"]
    with pytest.raises(tf.flags.DuplicateFlagError, match="steps"):
        tf.flags.DEFINE_integer("steps", 1, "again", flag_values=fv)
    with pytest.raises(AttributeError, match="nope"):
        fv.nope  # noqa: B018
    with pytest.raises(AttributeError, match="nope"):
        fv.nope = 3


def test_reading_before_parse_parses_sys_argv(fv, monkeypatch):
    tf.flags.DEFINE_integer("batch", 8, "batch", flag_values=fv)
    monkeypatch.setattr(sys, "argv", ["prog", "--batch=3", "--other_lib_flag=1"])
    assert not fv.is_parsed()
    assert fv.batch == 3  # unknown flags of other libraries are tolerated here
    assert fv.is_parsed()
    fv.batch = 5
    assert fv.batch == 5
    fv.unparse_flags()
    assert not fv.is_parsed() and fv["batch"].value == 8
    del fv.batch
    assert "batch" not in fv


def test_global_flags_module_aliases():
    assert tf.app.flags.FLAGS is tf.flags.FLAGS
    assert tf.app.flags.DEFINE_string is tf.flags.DEFINE_string
