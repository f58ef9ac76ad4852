"""``tk.contrib.lookup``: TF1's ``tf.contrib.lookup`` table helpers."""

from __future__ import annotations

from trainkit.ops.lookup_ops import (
    HashTable,
    KeyValueTensorInitializer,
    TextFileIndex,
    TextFileInitializer,
    index_table_from_file,
    index_table_from_tensor,
    index_to_string_table_from_file,
    index_to_string_table_from_tensor,
)

__all__ = ["HashTable", "KeyValueTensorInitializer", "TextFileIndex", "TextFileInitializer",
           "index_table_from_file", "index_table_from_tensor",
           "index_to_string_table_from_file", "index_to_string_table_from_tensor"]
