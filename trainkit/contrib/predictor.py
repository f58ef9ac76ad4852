"""``tf.contrib.predictor.from_saved_model``: a SavedModel loaded into its own graph and
session, called with a dict of inputs keyed as its signature names them.

Example:
    >>> predict = tk.contrib.predictor.from_saved_model(export_dir)
    >>> predict({"x": batch})["scores"]
"""

from __future__ import annotations

from typing import Any

from trainkit.client.session import Session
from trainkit.framework.graph import Graph
from trainkit.saved_model import loader
from trainkit.saved_model.signature_constants import DEFAULT_SERVING_SIGNATURE_DEF_KEY
from trainkit.saved_model.tag_constants import SERVING


class SavedModelPredictor:
    """Runs one signature of a SavedModel.

    Attributes:
        graph: the graph the model was loaded into.
        session: the session holding its variables.
        feed_tensors: input key -> tensor.
        fetch_tensors: output key -> tensor.
    """

    def __init__(self, export_dir: str, signature_def_key: str | None = None,
                 signature_def: Any = None, input_names: dict | None = None,
                 output_names: dict | None = None, tags: Any = None,
                 graph: Graph | None = None, config: Any = None) -> None:
        self.graph = graph or Graph()
        with self.graph.as_default():
            self.session = Session(graph=self.graph, config=config)
            meta = loader.load(self.session, list(tags) if tags else [SERVING], export_dir)
        if input_names is None or output_names is None:
            if signature_def is None:
                key = signature_def_key or DEFAULT_SERVING_SIGNATURE_DEF_KEY
                if key not in meta.signature_def:
                    raise ValueError(f"Could not find signature def {key!r} in the "
                                     f"SavedModel at {export_dir}; it has "
                                     f"{sorted(meta.signature_def)}.")
                signature_def = meta.signature_def[key]
            input_names = {k: v.name for k, v in signature_def.inputs.items()}
            output_names = {k: v.name for k, v in signature_def.outputs.items()}
        self.feed_tensors = {k: self.graph.get_tensor_by_name(v)
                             for k, v in input_names.items()}
        self.fetch_tensors = {k: self.graph.get_tensor_by_name(v)
                              for k, v in output_names.items()}

    def __call__(self, input_dict: dict) -> dict:
        """The outputs for ``input_dict`` (input key -> value).

        Raises:
            ValueError: for keys the signature does not have.
        """
        unknown = sorted(set(input_dict) - set(self.feed_tensors))
        if unknown:
            raise ValueError(f"Got unexpected keys in input_dict: {unknown}; expected "
                             f"{sorted(self.feed_tensors)}")
        feed = {self.feed_tensors[k]: v for k, v in input_dict.items()}
        return self.session.run(self.fetch_tensors, feed_dict=feed)


def from_saved_model(export_dir: str, signature_def_key: str | None = None,
                     signature_def: Any = None, input_names: dict | None = None,
                     output_names: dict | None = None, tags: Any = None,
                     graph: Graph | None = None, config: Any = None) -> SavedModelPredictor:
    """A callable running the SavedModel at ``export_dir`` (its ``serving_default``
    signature and the ``serve`` tags unless told otherwise)."""
    return SavedModelPredictor(export_dir, signature_def_key, signature_def, input_names,
                               output_names, tags, graph, config)


__all__ = ["from_saved_model", "SavedModelPredictor"]
