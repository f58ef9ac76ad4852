"""``tk.strings``: string ops under their ``tf.compat.v1.strings`` names."""

from __future__ import annotations

from trainkit.ops.string_format_ops import string_format as format  # noqa: A004
from trainkit.ops.string_hash_ops import string_to_hash_bucket as to_hash_bucket
from trainkit.ops.string_hash_ops import string_to_hash_bucket_fast as to_hash_bucket_fast
from trainkit.ops.string_hash_ops import string_to_hash_bucket_strong as to_hash_bucket_strong
from trainkit.ops.string_ngrams import ngrams
from trainkit.ops.string_ops import (
    as_string,
    length,
    lower,
    reduce_join,
    regex_full_match,
    regex_replace,
    split,
    strip,
    substr,
    upper,
)
from trainkit.ops.string_ops import string_join as join
from trainkit.ops.string_ops import string_to_number as to_number
from trainkit.ops.string_segment_join import unsorted_segment_join
from trainkit.ops.unicode_ops import (
    unicode_decode,
    unicode_decode_with_offsets,
    unicode_encode,
    unicode_script,
    unicode_split,
    unicode_split_with_offsets,
    unicode_transcode,
)

__all__ = ["format", "to_hash_bucket", "to_hash_bucket_fast", "to_hash_bucket_strong", "as_string",
           "length", "lower", "reduce_join", "regex_full_match", "regex_replace", "split",
           "strip", "substr", "upper", "join", "to_number", "unsorted_segment_join",
           "ngrams", "unicode_decode", "unicode_decode_with_offsets", "unicode_encode",
           "unicode_script", "unicode_split", "unicode_split_with_offsets", "unicode_transcode"]
