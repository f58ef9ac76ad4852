"""absl's flag validators and repeatable flags under tf.flags / tf.app.flags.

Expected messages and values are absl-py 2.5.1's (the ``tf.compat.v1.flags`` of TF 2.21),
checked by running the same calls with ``absl.flags`` in the TF venv."""

from __future__ import annotations

import pytest

import trainkit as tf
from trainkit.platform.flags import FlagValues


@pytest.fixture
def fv():
    return FlagValues()


def test_required_flag_fails_the_parse_with_absls_message(fv):
    tf.flags.DEFINE_string("data_dir", None, "d", flag_values=fv)
    tf.app.flags.mark_flag_as_required("data_dir", flag_values=fv)
    with pytest.raises(tf.flags.IllegalFlagValueError) as e:
        fv(["prog"])
    assert str(e.value) == ("flag --data_dir=None: Flag --data_dir must have a value other "
                            "than None.")
    assert fv.is_parsed()  # absl marks the flags parsed before validating
    assert fv(["prog", "--data_dir=/d", "x"]) == ["prog", "x"] and fv.data_dir == "/d"


def test_required_flags_report_every_failure_once(fv):
    for name in ("b", "c"):
        tf.flags.DEFINE_string(name, None, name, flag_values=fv)
    tf.flags.mark_flags_as_required(["b", "c"], flag_values=fv)
    tf.flags.register_validator("b", lambda v: False, message="never", flag_values=fv)
    with pytest.raises(tf.flags.IllegalFlagValueError) as e:
        fv(["prog"])
    assert str(e.value) == ("flag --b=None: Flag --b must have a value other than None.\n"
                            "flag --c=None: Flag --c must have a value other than None.")


def test_required_flag_with_a_default_warns(fv):
    tf.flags.DEFINE_string("a", "dflt", "a", flag_values=fv)
    with pytest.warns(UserWarning, match="Flag --a has a non-None default value"):
        tf.flags.mark_flag_as_required("a", flag_values=fv)
    fv(["prog"])


def test_validators_run_on_parse_and_assignment(fv):
    tf.flags.DEFINE_integer("n", 3, "n", flag_values=fv)
    tf.flags.register_validator("n", lambda v: v > 0, message="n must be positive",
                                flag_values=fv)
    with pytest.raises(tf.flags.IllegalFlagValueError, match=r"^flag --n=0: n must be positive$"):
        fv(["prog", "--n=0"])
    assert fv.n == 0  # the parsed value stays, as absl
    fv(["prog", "--n=2"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="flag --n=-1: n must be positive"):
        fv.n = -1
    assert fv.n == 2  # a rejected assignment keeps the old value
    fv.n = 7
    assert fv.n == 7


def test_validator_decorator_and_validation_error_text(fv):
    tf.flags.DEFINE_string("name", "ab", "name", flag_values=fv)

    @tf.flags.validator("name", message="too long", flag_values=fv)
    def short(value):
        if value == "bad":
            raise tf.flags.ValidationError(f"custom {value}")
        return len(value) < 3

    assert short("x") is True  # returned unchanged
    with pytest.raises(tf.flags.IllegalFlagValueError, match="^flag --name=abcd: too long$"):
        fv(["prog", "--name=abcd"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="^flag --name=bad: custom bad$"):
        fv.name = "bad"


def test_validator_of_an_unknown_flag_is_a_key_error(fv):
    with pytest.raises(KeyError):
        tf.flags.register_validator("nope", lambda v: True, flag_values=fv)
    with pytest.raises(KeyError):
        tf.flags.mark_flag_as_required("nope", flag_values=fv)


def test_multi_flags_collect_every_occurrence(fv):
    tf.flags.DEFINE_multi_string("tag", None, "t", flag_values=fv)
    tf.flags.DEFINE_multi_integer("k", [1, 2], "k", upper_bound=9, flag_values=fv)
    tf.flags.DEFINE_multi_float("f", 0.5, "f", flag_values=fv)
    assert (fv.tag, fv["k"].default, fv.f) == (None, [1, 2], [0.5])
    fv(["prog", "--tag=a", "--tag", "b", "--k=5", "--k=6"])
    assert (fv.tag, fv.k, fv.f) == (["a", "b"], [5, 6], [0.5])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="--k=zz"):
        fv(["prog", "--k=zz"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="--k=10"):
        fv(["prog", "--k=10"])
    with pytest.raises(tf.flags.IllegalFlagValueError, match="--bad=x"):
        tf.flags.DEFINE_multi_integer("bad", ["x"], "b", flag_values=fv)
