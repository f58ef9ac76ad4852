"""``Estimator.export_saved_model``: the PREDICT graph of a ``model_fn`` with the newest
checkpoint's variables, as a SavedModel in a timestamped subdirectory of
``export_dir_base`` (``<base>/<unix seconds>``, as TF names it).

Signatures come from the PREDICT-mode ``EstimatorSpec``'s ``export_outputs`` (default:
a ``PredictOutput`` of its predictions under ``serving_default``) applied to the
receiver tensors; those TF Serving could not serve (a Classify output over non-string
inputs) are left out with a log line, as TF does.

Example:
    >>> path = est.export_saved_model("/models", serving_input_receiver_fn)
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from typing import Any

from trainkit.client.session import Session
from trainkit.estimator.export import ExportOutput, PredictOutput
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops import control_flow_ops, state_ops
from trainkit.saved_model import builder as builder_lib
from trainkit.saved_model import signature_constants, signature_def_utils, tag_constants
from trainkit.training import training_util
from trainkit.training.saver import Saver

_LOG = logging.getLogger("trainkit.estimator")
_DEFAULT = signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY


def export_outputs_of(spec: Any) -> dict[str, ExportOutput]:
    """A PREDICT spec's export outputs with TF's defaults: none -> a ``PredictOutput``
    of the predictions; a single one is also the serving default.

    Raises:
        TypeError: ``export_outputs`` not a dict of ``ExportOutput``.
        ValueError: several outputs and none under ``serving_default``.
    """
    outputs = spec.export_outputs
    if outputs is None:
        return {_DEFAULT: PredictOutput(spec.predictions)}
    if not isinstance(outputs, dict):
        raise TypeError(f"export_outputs must be dict, given: {outputs}")
    if not all(isinstance(v, ExportOutput) for v in outputs.values()):
        raise TypeError(f"Values in export_outputs must be ExportOutput objects. Given: "
                        f"{outputs}")
    outputs = dict(outputs)
    if len(outputs) == 1:
        outputs.setdefault(_DEFAULT, next(iter(outputs.values())))
    elif _DEFAULT not in outputs:
        raise ValueError("Multiple export_outputs were provided, but none of them is "
                         "specified as the default.  Do this by naming one of them with "
                         "signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY.")
    return outputs


def build_all_signature_defs(receiver_tensors: dict, export_outputs: dict,
                             receiver_tensors_alternatives: dict | None = None,
                             serving_only: bool = True) -> dict[str, Any]:
    """Signature key -> ``SignatureDef`` for every export output over the receiver
    tensors (and ``'<alternative>:<key>'`` over each alternative set).

    Raises:
        ValueError: if ``export_outputs`` is not a dict.
    """
    if not isinstance(export_outputs, dict):
        raise ValueError(f"export_outputs must be a dict and not {type(export_outputs)}")
    receivers = [("", receiver_tensors)] + sorted((receiver_tensors_alternatives or {}).items())
    sigs, excluded = {}, {}
    for receiver_name, tensors in receivers:
        for key, output in export_outputs.items():
            name = f"{receiver_name}:{key}" if receiver_name else f"{key or 'None'}"
            try:
                sigs[name] = output.as_signature_def(tensors)
            except ValueError as e:
                excluded[name] = str(e)
    for name, why in sorted(excluded.items()):
        _LOG.info("Signature %s excluded from the export: %s", name, why)
    if serving_only:
        sigs = {k: v for k, v in sigs.items() if signature_def_utils.is_valid_signature(v)}
    return sigs


def timestamped_export_dir(export_dir_base: str) -> str:
    """``<export_dir_base>/<unix seconds>``, waiting for a second that is not taken yet.

    Raises:
        RuntimeError: if ten tries found only taken names.
    """
    for _ in range(10):
        path = os.path.join(export_dir_base, str(int(time.time())))
        if not os.path.exists(path):
            return path
        time.sleep(1)
    raise RuntimeError("Failed to obtain a unique export directory name after 10 attempts.")


def export_saved_model(estimator: Any, graph: Any, export_dir_base: Any,
                       serving_input_receiver_fn: Callable[[], Any],
                       assets_extra: dict | None, as_text: bool,
                       checkpoint_path: str | None) -> bytes:
    """Exports ``estimator``'s PREDICT graph, built in ``graph`` (fresh, seeded), with the
    variables of ``checkpoint_path`` (default: the newest); returns the directory.

    Raises:
        ValueError: no receiver fn, or no checkpoint to export.
    """
    if serving_input_receiver_fn is None:
        raise ValueError("An input_receiver_fn must be defined.")
    path = checkpoint_path or estimator.latest_checkpoint()
    if not path:
        raise ValueError(f"Couldn't find trained model at {estimator.model_dir}.")
    export_dir = timestamped_export_dir(os.fsdecode(export_dir_base))
    with graph.as_default():
        training_util.get_or_create_global_step(graph)
        receiver = serving_input_receiver_fn()
        spec = estimator.call_model_fn(receiver.features, None, ModeKeys.PREDICT)
        sigs = build_all_signature_defs(receiver.receiver_tensors, export_outputs_of(spec),
                                        receiver.receiver_tensors_alternatives)
        saver = spec.scaffold.saver or Saver(var_list=state_ops.global_variables(),
                                             allow_empty=True)
        local_init = spec.scaffold.local_init_op
        if local_init is None:
            local_init = control_flow_ops.group(state_ops.local_variables_initializer(),
                                                state_ops.tables_initializer())
        with Session(config=estimator.config.session_config) as sess:
            saver.restore(sess, path)
            b = builder_lib.SavedModelBuilder(export_dir)
            b.add_meta_graph_and_variables(
                sess, [tag_constants.SERVING], signature_def_map=sigs,
                assets_collection=get_default_graph().get_collection(
                    GraphKeys.ASSET_FILEPATHS) or None,
                main_op=local_init, saver=saver)
            b.save(as_text)
    if assets_extra:
        extra_dir = os.path.join(export_dir, "assets.extra")
        for dest, source in assets_extra.items():
            target = os.path.join(extra_dir, dest)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)
    return export_dir.encode("utf-8")


__all__ = ["export_saved_model", "export_outputs_of", "build_all_signature_defs",
           "timestamped_export_dir"]
