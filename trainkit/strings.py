"""``tk.strings``: string ops under their ``tf.compat.v1.strings`` names."""

from __future__ import annotations

from trainkit.ops.string_hash_ops import string_to_hash_bucket as to_hash_bucket
from trainkit.ops.string_hash_ops import string_to_hash_bucket_fast as to_hash_bucket_fast
from trainkit.ops.string_hash_ops import string_to_hash_bucket_strong as to_hash_bucket_strong

__all__ = ["to_hash_bucket", "to_hash_bucket_fast", "to_hash_bucket_strong"]
