"""``simple_save``: the one-call export of a session's graph for serving (TF 1.x).

Example:
    >>> simple_save(sess, "/models/1", inputs={"x": x}, outputs={"y": y})
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.saved_model import signature_constants, tag_constants
from trainkit.saved_model.builder import SavedModelBuilder
from trainkit.saved_model.signature_def_utils import predict_signature_def


def simple_save(session: Any, export_dir: str | bytes | os.PathLike, inputs: Mapping[str, Any],
                outputs: Mapping[str, Any], legacy_init_op: Any = None) -> None:
    """Exports the session's variables and graph as a SavedModel tagged ``serve`` with one
    Predict signature under ``serving_default`` (devices cleared, the graph's
    ``ASSET_FILEPATHS`` copied as assets, ``legacy_init_op`` run at load).

    Raises:
        AssertionError: if ``export_dir`` exists and is not empty.
        ValueError: if ``inputs`` or ``outputs`` is empty.
    """
    signature_def_map = {signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
                         predict_signature_def(inputs, outputs)}
    b = SavedModelBuilder(export_dir)
    assets = get_default_graph().get_collection(GraphKeys.ASSET_FILEPATHS) or None
    b.add_meta_graph_and_variables(session, tags=[tag_constants.SERVING],
                                   signature_def_map=signature_def_map,
                                   assets_collection=assets, main_op=legacy_init_op,
                                   clear_devices=True)
    b.save()


__all__ = ["simple_save"]
