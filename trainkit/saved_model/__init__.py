"""``trainkit.saved_model`` (``tf.compat.v1.saved_model``): export a trained graph with its
variables and signatures, and load it back for serving or inference.

``saved_model.pb`` is a real TF ``SavedModel`` proto (TF parses its graph and signatures);
the variables under ``variables/`` are trainkit's own checksummed checkpoint format, which
TF cannot read (see ``builder``).

Example:
    >>> import trainkit as tf
    >>> tf.saved_model.simple_save(sess, "/models/1", {"x": x}, {"y": y})
    >>> with tf.Session(graph=tf.Graph()) as sess:
    ...     meta = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING],
    ...                                       "/models/1")
"""

from __future__ import annotations

from trainkit.saved_model import (
    builder,
    constants,
    loader,
    main_op,
    signature_constants,
    signature_def_utils,
    tag_constants,
    utils,
)
from trainkit.saved_model.builder import Builder
from trainkit.saved_model.constants import (
    ASSETS_DIRECTORY,
    ASSETS_KEY,
    DEBUG_DIRECTORY,
    DEBUG_INFO_FILENAME_PB,
    LEGACY_INIT_OP_KEY,
    MAIN_OP_KEY,
    SAVED_MODEL_FILENAME_PB,
    SAVED_MODEL_FILENAME_PBTXT,
    SAVED_MODEL_SCHEMA_VERSION,
    VARIABLES_DIRECTORY,
    VARIABLES_FILENAME,
)
from trainkit.saved_model.loader import contains_saved_model, load, maybe_saved_model_directory
from trainkit.saved_model.main_op import main_op_with_restore
from trainkit.saved_model.signature_constants import (
    CLASSIFY_INPUTS,
    CLASSIFY_METHOD_NAME,
    CLASSIFY_OUTPUT_CLASSES,
    CLASSIFY_OUTPUT_SCORES,
    DEFAULT_SERVING_SIGNATURE_DEF_KEY,
    PREDICT_INPUTS,
    PREDICT_METHOD_NAME,
    PREDICT_OUTPUTS,
    REGRESS_INPUTS,
    REGRESS_METHOD_NAME,
    REGRESS_OUTPUTS,
)
from trainkit.saved_model.signature_def_utils import (
    build_signature_def,
    classification_signature_def,
    is_valid_signature,
    predict_signature_def,
    regression_signature_def,
)
from trainkit.saved_model.simple_save import simple_save
from trainkit.saved_model.tag_constants import GPU, SERVING, TPU, TRAINING
from trainkit.saved_model.utils import build_tensor_info, get_tensor_from_tensor_info

__all__ = [
    "builder", "constants", "loader", "main_op", "signature_constants",
    "signature_def_utils", "tag_constants", "utils", "Builder", "load", "simple_save",
    "contains_saved_model", "maybe_saved_model_directory", "main_op_with_restore",
    "build_signature_def", "classification_signature_def", "is_valid_signature",
    "predict_signature_def", "regression_signature_def", "build_tensor_info",
    "get_tensor_from_tensor_info", "ASSETS_DIRECTORY", "ASSETS_KEY", "DEBUG_DIRECTORY",
    "DEBUG_INFO_FILENAME_PB", "LEGACY_INIT_OP_KEY", "MAIN_OP_KEY", "SAVED_MODEL_FILENAME_PB",
    "SAVED_MODEL_FILENAME_PBTXT", "SAVED_MODEL_SCHEMA_VERSION", "VARIABLES_DIRECTORY",
    "VARIABLES_FILENAME", "CLASSIFY_INPUTS", "CLASSIFY_METHOD_NAME", "CLASSIFY_OUTPUT_CLASSES",
    "CLASSIFY_OUTPUT_SCORES", "DEFAULT_SERVING_SIGNATURE_DEF_KEY", "PREDICT_INPUTS",
    "PREDICT_METHOD_NAME", "PREDICT_OUTPUTS", "REGRESS_INPUTS", "REGRESS_METHOD_NAME",
    "REGRESS_OUTPUTS", "GPU", "SERVING", "TPU", "TRAINING",
]
