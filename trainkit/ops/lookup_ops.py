"""Lookup tables (``tf.lookup`` / ``tf.contrib.lookup``): ``StaticHashTable``
(``HashTable``), ``StaticVocabularyTable`` with TF's out-of-vocabulary buckets (FarmHash
``Fingerprint64`` of the key, or of an int key's decimal text), the
``KeyValueTensorInitializer`` / ``TextFileInitializer`` initializers, and
``index_table_from_tensor/file``, ``index_to_string_table_from_tensor/file``.

A table's contents live in the session (``ctx.state.resources``, keyed by the table's
op name); its initializer op fills them and is added to ``GraphKeys.TABLE_INITIALIZERS``
(``tk.tables_initializer()`` runs them all). A lookup before that fails with
``FailedPreconditionError("Table not initialized.")``, as in TF.

Example:
    >>> table = index_table_from_tensor(["a", "b"], num_oov_buckets=1)
    >>> ids = table.lookup(tk.constant(["b", "zz"]))            # [1, 2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph, name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.hash_functions import fingerprint64
from trainkit.ops.op_util import make_op


class TextFileIndex:
    """Special column indices of :class:`TextFileInitializer`."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


class KeyValueTensorInitializer:
    """Keys and values given as tensors (or lists)."""

    def __init__(self, keys: Any, values: Any, key_dtype: Any = None, value_dtype: Any = None,
                 name: str | None = None):
        self._keys = conversion.convert_to_tensor(keys, dtype=key_dtype, name="keys")
        self._values = conversion.convert_to_tensor(values, dtype=value_dtype, name="values")
        self.key_dtype, self.value_dtype = self._keys.dtype, self._values.dtype

    def _init_op(self, table_key: str, name: str) -> Operation:
        return get_default_graph().create_op("LookupTableImport", [self._keys, self._values],
                                             [], name=name, attrs={"table": table_key})


class TextFileInitializer:
    """Keys and values read from a text file, one entry per line: a column
    (``delimiter``-separated), the whole line (``WHOLE_LINE``) or the line number
    (``LINE_NUMBER``)."""

    def __init__(self, filename: str, key_dtype: Any, key_index: int, value_dtype: Any,
                 value_index: int, vocab_size: int | None = None, delimiter: str = "\t",
                 name: str | None = None):
        self.filename = str(filename)
        self.key_dtype, self.value_dtype = _dt.as_dtype(key_dtype), _dt.as_dtype(value_dtype)
        self.key_index, self.value_index = int(key_index), int(value_index)
        self.vocab_size, self.delimiter = vocab_size, delimiter

    def _init_op(self, table_key: str, name: str) -> Operation:
        return get_default_graph().create_op(
            "LookupTableImportFile", [], [], name=name,
            attrs={"table": table_key, "filename": self.filename,
                   "key_index": self.key_index, "value_index": self.value_index,
                   "key_int": self.key_dtype.is_integer,
                   "value_int": self.value_dtype.is_integer,
                   "vocab_size": self.vocab_size, "delimiter": self.delimiter})


class StaticHashTable:
    """An immutable key -> value table; missing keys give ``default_value``."""

    _oov = 0

    def __init__(self, initializer: Any, default_value: Any, name: str | None = None):
        self._initializer = initializer
        with name_scope(name, "hash_table") as scope:
            self._name = scope.rstrip("/") or "hash_table"
            self._table_key = self._name
            self.key_dtype = initializer.key_dtype
            self.value_dtype = initializer.value_dtype
            self._default = conversion.convert_to_tensor(default_value,
                                                         dtype=self.value_dtype,
                                                         name="default_value")
            self._init = initializer._init_op(self._table_key, "table_init")
        get_default_graph().add_to_collection(GraphKeys.TABLE_INITIALIZERS, self._init)

    @property
    def name(self) -> str:
        return self._name

    @property
    def initializer(self) -> Operation:
        return self._init

    init = initializer

    def lookup(self, keys: Any, name: str | None = None) -> Tensor:
        """The values of ``keys`` (any shape), ``default_value`` where missing.

        Raises:
            TypeError: keys of another dtype than the table's.
        """
        k = conversion.convert_to_tensor(keys, dtype=self.key_dtype, name="keys")
        return make_op("LookupTableFind", [k, self._default], [self.value_dtype],
                       name=name or self._name + "_Lookup",
                       attrs={"table": self._table_key, "oov": self._oov},
                       shapes=[k.shape]).outputs[0]

    def size(self, name: str | None = None) -> Tensor:
        """The number of entries (int64)."""
        return make_op("LookupTableSize", [], [_dt.int64], name=name or self._name + "_Size",
                       attrs={"table": self._table_key}, shapes=[[]]).outputs[0]


HashTable = StaticHashTable


class StaticVocabularyTable(StaticHashTable):
    """Keys to int64 ids; a missing key goes to one of ``num_oov_buckets`` ids after the
    vocabulary, by TF's hash (``string_to_hash_bucket_fast``)."""

    def __init__(self, initializer: Any, num_oov_buckets: int, lookup_key_dtype: Any = None,
                 name: str | None = None):
        if num_oov_buckets <= 0:
            raise ValueError("oov_buckets must be > 0; use StaticHashTable.")
        self._oov = int(num_oov_buckets)
        super().__init__(initializer, -1, name=name or "hash_table")
        self.value_dtype = _dt.int64

    def size(self, name: str | None = None) -> Tensor:
        return super().size(name) + self._oov


def index_table_from_tensor(vocabulary_list: Any, num_oov_buckets: int = 0,
                            default_value: int = -1, hasher_spec: Any = None,
                            dtype: Any = _dt.string, name: str | None = None
                            ) -> StaticHashTable:
    """Each vocabulary entry to its index (int64); others to ``default_value`` or an OOV
    bucket."""
    keys = conversion.convert_to_tensor(vocabulary_list, dtype=dtype, name="vocabulary_list")
    n = keys.shape.as_list()[0]
    init = KeyValueTensorInitializer(keys, np.arange(n, dtype=np.int64))
    with name_scope(name, "string_to_index"):
        if num_oov_buckets:
            return StaticVocabularyTable(init, num_oov_buckets)
        return StaticHashTable(init, default_value)


def index_table_from_file(vocabulary_file: str, num_oov_buckets: int = 0,
                          vocab_size: int | None = None, default_value: int = -1,
                          hasher_spec: Any = None, key_dtype: Any = _dt.string,
                          name: str | None = None, key_column_index: int = -2,
                          value_column_index: int = -1, delimiter: str = "\t"
                          ) -> StaticHashTable:
    """Each line of ``vocabulary_file`` to its line number (int64)."""
    init = TextFileInitializer(vocabulary_file, key_dtype, key_column_index, _dt.int64,
                               value_column_index, vocab_size, delimiter)
    with name_scope(name, "string_to_index"):
        if num_oov_buckets:
            return StaticVocabularyTable(init, num_oov_buckets)
        return StaticHashTable(init, default_value)


def index_to_string_table_from_tensor(vocabulary_list: Any, default_value: str = "UNK",
                                      name: str | None = None) -> StaticHashTable:
    """Each index (int64) to its vocabulary entry; others to ``default_value``."""
    values = conversion.convert_to_tensor(vocabulary_list, name="vocabulary_list")
    n = values.shape.as_list()[0]
    init = KeyValueTensorInitializer(np.arange(n, dtype=np.int64), values)
    with name_scope(name, "index_to_string"):
        return StaticHashTable(init, default_value)


def index_to_string_table_from_file(vocabulary_file: str, vocab_size: int | None = None,
                                    default_value: str = "UNK", name: str | None = None,
                                    key_column_index: int = -1,
                                    value_column_index: int = -2, delimiter: str = "\t"
                                    ) -> StaticHashTable:
    """Each line number (int64) to that line of ``vocabulary_file``."""
    init = TextFileInitializer(vocabulary_file, _dt.int64, key_column_index, _dt.string,
                               value_column_index, vocab_size, delimiter)
    with name_scope(name, "index_to_string"):
        return StaticHashTable(init, default_value)


# -- kernels -----------------------------------------------------------------------------
def _key(v: Any) -> Any:
    if isinstance(v, str):
        return v.encode()
    return v.item() if isinstance(v, np.generic) else v


def _store(ctx: registry.KernelContext, table: dict) -> None:
    with ctx.state.lock:  # running the initializer again reloads the same data
        ctx.state.resources["lookup_table:" + ctx.attrs["table"]] = table


@registry.register_kernel("LookupTableImport", stateful=True)
def _import(ctx: registry.KernelContext, keys: Any, values: Any) -> None:
    ks, vs = np.asarray(keys, dtype=object).reshape(-1), np.asarray(values).reshape(-1)
    _store(ctx, {_key(k): v for k, v in zip(ks, vs)})


@registry.register_kernel("LookupTableImportFile", stateful=True)
def _import_file(ctx: registry.KernelContext) -> None:
    a = ctx.attrs
    try:
        with open(a["filename"], "rb") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise errors.NotFoundError(None, ctx.op, f"{a['filename']}: {e}") from None
    if a["vocab_size"] is not None:
        lines = lines[:a["vocab_size"]]

    def field(line: bytes, number: int, index: int, as_int: bool) -> Any:
        if index == TextFileIndex.LINE_NUMBER:
            return number
        text = line if index == TextFileIndex.WHOLE_LINE else line.split(
            a["delimiter"].encode())[index]
        return int(text) if as_int else text

    _store(ctx, {field(ln, i, a["key_index"], a["key_int"]):
                 field(ln, i, a["value_index"], a["value_int"]) for i, ln in enumerate(lines)})


def _table(ctx: registry.KernelContext) -> dict:
    t = ctx.state.resources.get("lookup_table:" + ctx.attrs["table"])
    if t is None:
        raise errors.FailedPreconditionError(None, ctx.op, "Table not initialized.")
    return t


@registry.register_kernel("LookupTableFind", stateful=True)
def _find(ctx: registry.KernelContext, keys: Any, default: Any) -> np.ndarray:
    table, oov = _table(ctx), ctx.attrs["oov"]
    arr = np.asarray(keys, dtype=object)
    out_dtype = ctx.op.outputs[0].dtype.np_dtype
    out = np.empty(arr.shape, dtype=out_dtype)
    size = len(table)
    # A string default arrives as a 0-d object array: store its bytes, not the array.
    default = np.asarray(default).item()
    for idx, k in np.ndenumerate(arr):
        key = _key(k)
        if key in table:
            out[idx] = table[key]
        elif oov:
            text = key if isinstance(key, bytes) else str(key).encode()
            out[idx] = size + fingerprint64(text) % oov
        else:
            out[idx] = default
    return out


@registry.register_kernel("LookupTableSize", stateful=True)
def _size(ctx: registry.KernelContext) -> np.ndarray:
    return np.int64(len(_table(ctx)))


registry.not_differentiable("LookupTableImport", "LookupTableImportFile", "LookupTableFind",
                            "LookupTableSize")

__all__ = ["TextFileIndex", "KeyValueTensorInitializer", "TextFileInitializer",
           "StaticHashTable", "HashTable", "StaticVocabularyTable", "index_table_from_tensor",
           "index_table_from_file", "index_to_string_table_from_tensor",
           "index_to_string_table_from_file"]
