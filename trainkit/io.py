"""``trainkit.io`` (``tf.io``): file access, record formats and parsing. Re-exports only."""

from __future__ import annotations

from trainkit.data.decode_ops import decode_csv, decode_raw
from trainkit.data.image_codecs import encode_png
from trainkit.data.image_decode_ops import (
    decode_and_crop_jpeg,
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    extract_jpeg_shape,
    is_jpeg,
)
from trainkit.data.image_encode_ops import encode_jpeg
from trainkit.data.io_ops import match_filenames_once, matching_files, read_file, write_file
from trainkit.data.parsing_ops import (
    FixedLenFeature,
    FixedLenSequenceFeature,
    VarLenFeature,
    parse_example,
    parse_single_example,
)
from trainkit.data.queues import FIFOQueue, PaddingFIFOQueue, QueueBase, RandomShuffleQueue
from trainkit.data.sequence_parsing_ops import (
    parse_sequence_example,
    parse_single_sequence_example,
)
from trainkit.data.tfrecord import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)
from trainkit.ops.base64_ops import decode_base64, encode_base64
from trainkit.ops.compression_ops import decode_compressed
from trainkit.ops.sparse_serialization import (
    deserialize_many_sparse,
    serialize_many_sparse,
    serialize_sparse,
)
from trainkit.ops.tensor_proto_ops import parse_tensor, serialize_tensor
from trainkit.platform import gfile
from trainkit.training.meta_graph import write_graph
