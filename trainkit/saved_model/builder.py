"""``SavedModelBuilder`` (``tf.compat.v1.saved_model.builder``): writes a SavedModel.

Layout, as TF's::

    export_dir/saved_model.pb        a SavedModel proto (schema version 1): one
                                     MetaGraphDef per add_meta_graph* call, with its
                                     tags and signature_def map (or saved_model.pbtxt)
    export_dir/variables/variables.index, variables.data-00000-of-00001
    export_dir/assets/...            when an assets collection is given

Differs from TF: the variables are written by trainkit's ``Saver`` in trainkit's
checksummed checkpoint format, so TensorFlow can parse ``saved_model.pb`` (graph and
signatures) but cannot read the variables. The export is atomic: everything is written
into a hidden temporary directory beside ``export_dir`` and renamed to ``export_dir`` by
``save()``; a failed export leaves no ``export_dir`` (a builder dropped before ``save()``
leaves only its hidden temporary directory).

Example:
    >>> b = SavedModelBuilder("/models/1")
    >>> b.add_meta_graph_and_variables(sess, ["serve"], signature_def_map={
    ...     "serving_default": predict_signature_def({"x": x}, {"y": y})})
    >>> b.save()
    b'/models/1/saved_model.pb'
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from typing import Any

from trainkit.framework import proto_text
from trainkit.framework.graph import get_default_graph
from trainkit.framework.meta_graph_proto import protos
from trainkit.framework.tensor import Operation
from trainkit.saved_model import assets as _assets
from trainkit.saved_model import constants
from trainkit.training import atomic_file
from trainkit.training.meta_graph import export_meta_graph
from trainkit.training.saver import Saver

_LOG = logging.getLogger("trainkit")


def _check_export_dir(export_dir: str) -> None:
    if os.path.exists(export_dir) and (not os.path.isdir(export_dir)
                                       or os.listdir(export_dir)):
        raise AssertionError(
            f"Export directory {export_dir} already exists, and isn't empty. Please choose "
            "a different export directory, or delete all the contents of the specified "
            "directory.")


def _validate_tensor_info(info: Any) -> None:
    if info is None or info.WhichOneof("encoding") is None:
        raise AssertionError(f"Invalid `tensor_info`: {info}. All TensorInfo protos used in "
                             "the SignatureDefs must have one of the 'encoding' fields "
                             "(e.g., name or coo_sparse) set.")
    if info.dtype == 0:
        raise AssertionError(f"Invalid `tensor_info`: {info}. All TensorInfo protos used in "
                             "the SignatureDefs must have the dtype field set.")


def _validate_signature_def_map(signature_def_map: Mapping[str, Any]) -> None:
    for sig in signature_def_map.values():
        for info in list(sig.inputs.values()) + list(sig.outputs.values()):
            _validate_tensor_info(info)
    for key in (constants.INIT_OP_SIGNATURE_KEY, constants.TRAIN_OP_SIGNATURE_KEY):
        if key in signature_def_map:
            raise KeyError(f'SignatureDef map key "{key}" is reserved. Please use a '
                           "different key.")


class SavedModelBuilder:
    """Builds a SavedModel: the variables once, then any number of tagged meta graphs.

    Args:
        export_dir: the directory to create (text, bytes or path-like); it must not exist,
            or be empty.

    Raises:
        AssertionError: ``"Export directory ... already exists, and isn't empty"``.
    """

    def __init__(self, export_dir: str | bytes | os.PathLike):
        self._export_dir = os.fsdecode(export_dir)  # TF1 programs often pass bytes
        _check_export_dir(self._export_dir)
        self._saved_model = protos().SavedModel(
            saved_model_schema_version=constants.SAVED_MODEL_SCHEMA_VERSION)
        self._has_saved_variables = False
        self._staging: str | None = None
        self._published = False

    def _workdir(self) -> str:
        """Where files go until ``save()`` publishes them (``export_dir`` afterwards)."""
        if self._published:
            return self._export_dir
        if self._staging is None:
            parent = os.path.dirname(os.path.abspath(self._export_dir))
            os.makedirs(parent, exist_ok=True)
            base = os.path.basename(os.path.normpath(self._export_dir))
            self._staging = tempfile.mkdtemp(prefix=f".{base}.tmp-", dir=parent)
        return self._staging

    def _discard_staging(self) -> None:
        if self._staging is not None and not self._published:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    def _add_collections(self, graph: Any, assets_collection: Any, main_op: Any) -> None:
        _assets.add_assets(assets_collection, self._workdir(), graph)
        if main_op is None:
            return
        if not isinstance(main_op, Operation):
            raise TypeError(f"Expected {main_op} to be an Operation but got type "
                            f"{type(main_op)} instead.")
        for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
            if graph.get_collection(key):
                raise ValueError("Graph already contains one or more main ops under the "
                                 f"collection {key}.")
        graph.add_to_collection(constants.MAIN_OP_KEY, main_op)

    def _add_meta_graph(self, tags: Any, signature_def_map: Mapping[str, Any] | None,
                        saver: Any, clear_devices: bool) -> None:
        meta = export_meta_graph(saver_def=saver.as_saver_def(), clear_devices=clear_devices)
        meta.meta_info_def.tags.extend(tags)
        for key, sig in (signature_def_map or {}).items():
            meta.signature_def[key].CopyFrom(sig)
        self._saved_model.meta_graphs.add().CopyFrom(meta)

    def add_meta_graph_and_variables(
            self, sess: Any, tags: Any, signature_def_map: Mapping[str, Any] | None = None,
            assets_collection: Any = None, legacy_init_op: Any = None,
            clear_devices: bool = False, main_op: Any = None,
            strip_default_attrs: bool = False, saver: Any = None) -> None:
        """Saves the session's variables and adds the default graph as the first meta
        graph, tagged ``tags``.

        Args:
            sess: the session whose variable values are saved.
            tags: the meta graph's tags, e.g. ``[tag_constants.SERVING]``.
            signature_def_map: signature key -> ``SignatureDef``.
            assets_collection: string constants naming files to copy into ``assets/``.
            main_op, legacy_init_op: an op the loader runs after restoring (one of them).
            clear_devices: drop device placements from the graph.
            saver: the ``Saver`` to write and later restore the variables (default: one
                over all saveable state, empty allowed).
            strip_default_attrs: accepted for TF compatibility.

        Raises:
            AssertionError: if variables were already saved, or a signature's
                ``TensorInfo`` lacks an encoding or dtype.
            KeyError: if a signature key is reserved for the init or train op.
            TypeError / ValueError: a main op that is not an Operation / a second one.
        """
        del strip_default_attrs
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already "
                                 "been saved. Please invoke `add_meta_graph()` instead.")
        _validate_signature_def_map(signature_def_map or {})
        graph = get_default_graph()
        try:
            self._add_collections(graph, assets_collection,
                                  main_op if main_op is not None else legacy_init_op)
            variables_dir = os.path.join(self._workdir(), constants.VARIABLES_DIRECTORY)
            os.makedirs(variables_dir, exist_ok=True)
            saver = saver or Saver(allow_empty=True)
            saver.save(sess, os.path.join(variables_dir, constants.VARIABLES_FILENAME),
                       write_meta_graph=False, write_state=False)
            self._add_meta_graph(tags, signature_def_map, saver, clear_devices)
        except BaseException:
            self._discard_staging()
            raise
        self._has_saved_variables = True

    def add_meta_graph(self, tags: Any, signature_def_map: Mapping[str, Any] | None = None,
                       assets_collection: Any = None, legacy_init_op: Any = None,
                       clear_devices: bool = False, main_op: Any = None,
                       strip_default_attrs: bool = False, saver: Any = None) -> None:
        """Adds the default graph as another meta graph tagged ``tags``, sharing the
        variables saved by ``add_meta_graph_and_variables`` (arguments as there).

        Raises:
            AssertionError: if ``add_meta_graph_and_variables`` was not called first.
        """
        del strip_default_attrs
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been "
                                 "saved yet. Please invoke `add_meta_graph_and_variables()` "
                                 "first.")
        _validate_signature_def_map(signature_def_map or {})
        self._add_collections(get_default_graph(), assets_collection,
                              main_op if main_op is not None else legacy_init_op)
        self._add_meta_graph(tags, signature_def_map, saver or Saver(allow_empty=True),
                             clear_devices)

    def save(self, as_text: bool = False) -> bytes:
        """Writes ``saved_model.pb`` (or ``saved_model.pbtxt`` with ``as_text``) and
        publishes the export directory (one rename).

        Returns:
            The path of the written file, as bytes (as TF returns it).

        Raises:
            AssertionError: if ``export_dir`` appeared meanwhile and is not empty.
        """
        name = (constants.SAVED_MODEL_FILENAME_PBTXT if as_text
                else constants.SAVED_MODEL_FILENAME_PB)
        data = (proto_text.message_to_string(self._saved_model).encode("utf-8") if as_text
                else self._saved_model.SerializeToString(deterministic=True))
        atomic_file.write_bytes(os.path.join(self._workdir(), name), data)
        if not self._published:
            self._publish()
        path = os.path.join(self._export_dir, name)
        _LOG.info("SavedModel written to: %s", path)
        return path.encode("utf-8")

    def _publish(self) -> None:
        try:
            _check_export_dir(self._export_dir)
            if os.path.isdir(self._export_dir):
                os.rmdir(self._export_dir)  # empty (checked): TF accepts it
            os.rename(self._staging, self._export_dir)
        except BaseException:
            self._discard_staging()
            raise
        self._published, self._staging = True, None
        parent = os.path.dirname(os.path.abspath(self._export_dir))
        fd = os.open(parent, os.O_RDONLY)
        with contextlib.suppress(OSError):  # some filesystems cannot fsync a directory
            os.fsync(fd)
        os.close(fd)


Builder = SavedModelBuilder

__all__ = ["SavedModelBuilder", "Builder"]
