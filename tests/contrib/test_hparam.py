"""tf.contrib.training.HParams against TF 1.15's documented behaviour (hand-written)."""

import json

import pytest

import trainkit as tf
from trainkit.contrib.training import HParams, parse_values


def make() -> HParams:
    return tf.contrib.training.HParams(lr=0.1, units=100, act="relu", flag=True,
                                       sizes=[1, 2], names=["a"])


def test_constructor_attributes_values_contains():
    hp = make()
    assert hp.lr == 0.1 and hp.units == 100 and hp.act == "relu" and hp.flag is True
    assert hp.values() == {"lr": 0.1, "units": 100, "act": "relu", "flag": True,
                           "sizes": [1, 2], "names": ["a"]}
    assert "lr" in hp and "nope" not in hp
    assert str(HParams(b=1, a=2)) == "[('a', 2), ('b', 1)]"
    assert repr(HParams(a=2)) == "HParams([('a', 2)])"


def test_parse_coerces_types():
    hp = make().parse("lr=1,units=7,act=tanh,flag=false,sizes=[3, 4,5],names=[x y]")
    assert hp.lr == 1.0 and type(hp.lr) is float
    assert hp.units == 7 and hp.act == "tanh" and hp.flag is False
    assert hp.sizes == [3, 4, 5] and hp.names == ["x", "y"]
    for text, want in [("flag=True", True), ("flag=0", False), ("flag=2", True),
                       ("flag=False", False)]:
        assert make().parse(text).flag is want
    assert make().parse("").values() == make().values()
    assert make().parse("act=").act == ""
    assert make().parse("sizes=[]").sizes == []


@pytest.mark.parametrize("text,msg", [
    ("units=1.5", "Could not parse hparam 'units' of type 'int' with value '1.5' in units=1.5"),
    ("lr=abc", "Could not parse hparam 'lr' of type 'float'"),
    ("flag=yes", "Could not parse hparam 'flag' of type 'bool' with value 'yes'"),
    ("sizes=[1,x]", "Could not parse hparam 'sizes' of type 'int' with value '1,x'"),
    ("bogus=1", "Unknown hyperparameter type for bogus"),
    ("units=1,units=2", "Multiple assignments to variable 'units' in units=1,units=2"),
    ("units", "Malformed hyperparameter value: units"),
    ("units=1;", "with value '1;'"),
    ("units=1[2", "Malformed hyperparameter value: units=1[2"),
    ("units=[1]", "Must not pass a list for single-valued parameter: units"),
    ("sizes=3", "Must pass a list for multi-valued parameter: sizes."),
    ("sizes[0]=[1]", "Assignment of a list to a list index."),
])
def test_parse_errors(text, msg):
    with pytest.raises(ValueError, match=msg.replace("[", r"\[").replace("]", r"\]")
                       .replace(".", r"\.")):
        make().parse(text)


def test_parse_values_indices_and_ignore_unknown():
    types = {"a": int, "b": str}
    assert parse_values("a[1]=5,a[0]=2,b=x", types) == {"a": {1: 5, 0: 2}, "b": "x"}
    assert parse_values("zz=1,a=3", types, ignore_unknown=True) == {"a": 3}
    with pytest.raises(ValueError, match=r"Multiple assignments to variable 'a\[1\]'"):
        parse_values("a[1]=5,a[1]=2", types)
    with pytest.raises(ValueError, match="Multiple assignments to variable 'a'"):
        parse_values("a=5,a[1]=2", types)
    with pytest.raises(TypeError):
        parse_values(3, types)


def test_set_hparam_type_checks():
    hp = make()
    hp.set_hparam("lr", 2)           # int -> float is allowed
    assert hp.lr == 2.0 and type(hp.lr) is float
    hp.set_hparam("sizes", [7])
    assert hp.sizes == [7]
    for name, value in [("units", 1.5), ("units", True), ("flag", 1), ("act", 3),
                        ("lr", "0.5"), ("sizes", [1.5])]:
        with pytest.raises(ValueError, match=f"Could not cast hparam '{name}'"):
            hp.set_hparam(name, value)
    with pytest.raises(KeyError):
        hp.set_hparam("missing", 1)


def test_add_and_del_hparam():
    hp = HParams(a=1)
    hp.add_hparam("b", [0.5])
    assert hp.b == [0.5] and "b" in hp
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: a"):
        hp.add_hparam("a", 2)
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: parse"):
        hp.add_hparam("parse", 2)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: c"):
        hp.add_hparam("c", [])
    hp.del_hparam("a")
    assert "a" not in hp and not hasattr(hp, "a")
    hp.del_hparam("a")               # absent: no error
    none_hp = HParams(x=None)
    none_hp.set_hparam("x", "anything")   # NoneType params accept anything
    assert none_hp.x == "anything"


def test_override_from_dict_and_json_round_trip():
    hp = make().override_from_dict({"units": 3, "names": ["p", "q"]})
    assert hp.units == 3 and hp.names == ["p", "q"]
    text = hp.to_json(sort_keys=True)
    assert json.loads(text) == hp.values()
    other = make().parse_json(text)
    assert other.values() == hp.values()
    with_fn = HParams(a=1, f=len)
    assert json.loads(with_fn.to_json()) == {"a": 1}
    assert make().to_json(indent=1, separators=(",", ":")).startswith('{\n "lr":0.1')
    with pytest.raises(ValueError, match="Could not cast"):
        make().parse_json('{"units": 0.5}')


def test_get_with_defaults():
    hp = make()
    assert hp.get("units") == 100 and hp.get("nope") is None and hp.get("nope", 5) == 5
    assert hp.get("units", 3) == 100 and hp.get("lr", 1) == 0.1
    assert hp.get("sizes", [0]) == [1, 2]
    with pytest.raises(ValueError, match="Hparam 'units' of type .* incompatible with default=x"):
        hp.get("units", "x")
    with pytest.raises(ValueError, match="incompatible with default=3"):
        hp.get("sizes", 3)


def test_model_structure_and_hparam_def():
    hp = HParams(model_structure={"k": 1}, a=1)
    assert hp.get_model_structure() == {"k": 1}
    hp.set_model_structure(None)
    assert hp.get_model_structure() is None
    with pytest.raises(NotImplementedError):
        HParams(hparam_def=b"proto")
