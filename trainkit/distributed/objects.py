"""``broadcast_object`` and ``allgather_object``: Python values between ranks, no pickle.

Values travel as JSON with tagged tuples, bytes and NumPy arrays (arrays as their raw
bytes plus dtype and shape), so nothing received can run code.

Differs from Horovod: Horovod pickles (any object); trainkit accepts None, bool, int,
float, str, bytes, list, tuple, dict with str keys, NumPy arrays and scalars, and raises
``TypeError`` naming the path of anything else.

Example:
    >>> config = hvd.broadcast_object({"lr": 0.1} if hvd.rank() == 0 else None, 0)
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.distributed import basics, process_sets
from trainkit.distributed import collectives as coll

_TAG = "__trainkit__"


def _encode(obj: Any, path: str) -> Any:
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, np.generic):
        return _encode(np.asarray(obj), path) if obj.dtype.kind not in "biuf" else \
            {_TAG: "scalar", "dtype": obj.dtype.str, "value": obj.item()}
    if isinstance(obj, bytes):
        return {_TAG: "bytes", "data": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise TypeError(f"broadcast/allgather_object: object array at {path} cannot be "
                            "sent; use a numeric or fixed-width string dtype.")
        data = base64.b64encode(np.ascontiguousarray(obj).tobytes()).decode("ascii")
        return {_TAG: "ndarray", "dtype": obj.dtype.str, "shape": list(obj.shape),
                "data": data}
    if isinstance(obj, list | tuple):
        items = [_encode(x, f"{path}[{i}]") for i, x in enumerate(obj)]
        return items if isinstance(obj, list) else {_TAG: "tuple", "items": items}
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str) or k == _TAG:
                raise TypeError(f"broadcast/allgather_object: dict key {k!r} at {path} must "
                                f"be a string other than {_TAG!r}.")
            out[k] = _encode(v, f"{path}[{k!r}]")
        return out
    raise TypeError(f"broadcast/allgather_object: {type(obj).__name__} at {path} cannot be "
                    "sent without pickle; send JSON-like values, bytes or NumPy arrays.")


def _decode(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_decode(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    tag = obj.get(_TAG)
    if tag is None:
        return {k: _decode(v) for k, v in obj.items()}
    if tag == "tuple":
        return tuple(_decode(x) for x in obj["items"])
    if tag == "bytes":
        return base64.b64decode(obj["data"])
    if tag == "scalar":
        return np.dtype(obj["dtype"]).type(obj["value"])
    raw = base64.b64decode(obj["data"])
    return np.frombuffer(raw, np.dtype(obj["dtype"])).reshape(obj["shape"]).copy()


def dumps(obj: Any) -> bytes:
    """The wire form of ``obj`` (UTF-8 JSON).

    Raises:
        TypeError: for a value that cannot be sent (names its path).
    """
    return json.dumps(_encode(obj, "obj"), separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> Any:
    """The value :func:`dumps` encoded."""
    return _decode(json.loads(data.decode("utf-8")))


def broadcast_object(obj: Any, root_rank: int = 0, session: Any = None,
                     name: str | None = None, process_set: Any = None) -> Any:
    """``root_rank``'s ``obj`` on every rank (other ranks' ``obj`` is ignored).

    Args:
        obj: the value (see the module docstring for what can be sent).
        root_rank: the rank whose value everyone gets.
        session, name: accepted for Horovod compatibility (no graph op is built: the
            value is exchanged at once).
        process_set: exchange among a registered ``ProcessSet`` (``root_rank`` is a
            global rank in it); default: all ranks.

    Raises:
        TypeError: if the root's value cannot be sent.
        ValueError: if ``root_rank`` is not a rank of the group (of the process set).
        InvalidArgumentError: if this rank is not in ``process_set``.
    """
    del session
    what = f"broadcast_object '{name or 'broadcast_object'}'"
    ctx = _group(process_set, what)
    if root_rank not in ctx.ranks:
        where = f"[0, {ctx.size})" if not ctx.is_set else f"the process set {list(ctx.ranks)}"
        raise ValueError(f"{what}: root_rank {root_rank} is not in {where}.")
    if ctx.size == 1:
        return loads(dumps(obj))
    data = dumps(obj) if ctx.ranks[ctx.rank] == root_rank else b""
    everyone = coll.allgather_bytes_checked(ctx, data, what + f" from rank {root_rank}")
    return loads(everyone[ctx.ranks.index(root_rank)])


def broadcast_object_fn(root_rank: int = 0, session: Any = None, name: str | None = None,
                        process_set: Any = None) -> Callable[[Any], Any]:
    """A function ``f(obj)`` that returns :func:`broadcast_object` of ``obj`` from
    ``root_rank`` (Horovod builds its graph ops once; here nothing needs building).

    Raises:
        TypeError: if ``root_rank`` is not an int.
    """
    del session
    if not isinstance(root_rank, int) or isinstance(root_rank, bool):
        raise TypeError(f"broadcast_object_fn: root_rank must be an int, got {root_rank!r}.")

    def broadcast(obj: Any) -> Any:
        return broadcast_object(obj, root_rank, name=name, process_set=process_set)

    return broadcast


def _group(process_set: Any, what: str) -> Any:
    basics.context()  # ValueError before init()
    return basics.group(process_sets.set_id_of(process_set, what), what)


def allgather_object(obj: Any, session: Any = None, name: str | None = None,
                     process_set: Any = None) -> list:
    """Every rank's ``obj``, as a list in rank order (of ``process_set``'s ranks when
    given).

    Raises:
        TypeError: if this rank's value cannot be sent.
        InvalidArgumentError: if this rank is not in ``process_set``.
    """
    del session
    ctx = _group(process_set, "allgather_object")
    data = dumps(obj)
    if ctx.size == 1:
        return [loads(data)]
    what = f"allgather_object '{name or 'allgather_object'}'"
    return [loads(d) for d in coll.allgather_bytes_checked(ctx, data, what)]


__all__ = ["allgather_object", "broadcast_object", "broadcast_object_fn", "dumps", "loads"]
