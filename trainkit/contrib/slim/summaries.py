"""``slim.summaries``: scalar, histogram, image and zero-fraction summaries named after
the tensor's op (``prefix/<op name>[/Fraction_of_Zero_Values]``), as tf_slim 1.1.0.

Example:
    >>> slim.summaries.add_histogram_summaries(slim.get_model_variables(), prefix="vars")
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops import logging_ops, nn_stats_ops
from trainkit.summary import summary_ops


def _summary_name(tensor: Any, name: str | None = None, prefix: str | None = None,
                  postfix: str | None = None) -> str:
    name = name or tensor.op.name
    if prefix:
        name = prefix + "/" + name
    if postfix:
        name = name + "/" + postfix
    return name


def _printed(op: Any, tensor: Any, name: str, print_summary: bool) -> Any:
    """With ``print_summary`` the summary op prints ``tensor`` when it runs, and that
    printing op (instead of the plain one) is in ``GraphKeys.SUMMARIES``."""
    if print_summary:
        op = logging_ops.Print(op, [tensor], name)
        get_default_graph().add_to_collection(GraphKeys.SUMMARIES, op)
    return op


def add_histogram_summary(tensor: Any, name: str | None = None,
                          prefix: str | None = None) -> Any:
    """A histogram summary of ``tensor``."""
    return summary_ops.histogram(_summary_name(tensor, name, prefix), tensor)


def add_image_summary(tensor: Any, name: str | None = None, prefix: str | None = None,
                      print_summary: bool = False) -> Any:
    """An image summary of a ``[batch, height, width, channels]`` tensor."""
    name = _summary_name(tensor, name, prefix)
    op = summary_ops.image(name=name, tensor=tensor,
                           collections=[] if print_summary else None)
    return _printed(op, tensor, name, print_summary)


def add_scalar_summary(tensor: Any, name: str | None = None, prefix: str | None = None,
                       print_summary: bool = False) -> Any:
    """A scalar summary of ``tensor``."""
    name = _summary_name(tensor, name, prefix)
    op = summary_ops.scalar(name=name, tensor=tensor,
                            collections=[] if print_summary else None)
    return _printed(op, tensor, name, print_summary)


def add_zero_fraction_summary(tensor: Any, name: str | None = None,
                              prefix: str | None = None, print_summary: bool = False) -> Any:
    """A scalar summary of the fraction of zeros in ``tensor``
    (``<name>/Fraction_of_Zero_Values``)."""
    name = _summary_name(tensor, name, prefix, "Fraction_of_Zero_Values")
    return add_scalar_summary(nn_stats_ops.zero_fraction(tensor), name,
                              print_summary=print_summary)


def add_histogram_summaries(tensors: Any, prefix: str | None = None) -> list:
    """:func:`add_histogram_summary` of each tensor."""
    return [add_histogram_summary(t, prefix=prefix) for t in tensors]


def add_image_summaries(tensors: Any, prefix: str | None = None) -> list:
    """:func:`add_image_summary` of each tensor."""
    return [add_image_summary(t, prefix=prefix) for t in tensors]


def add_scalar_summaries(tensors: Any, prefix: str | None = None,
                         print_summary: bool = False) -> list:
    """:func:`add_scalar_summary` of each tensor."""
    return [add_scalar_summary(t, prefix=prefix, print_summary=print_summary) for t in tensors]


def add_zero_fraction_summaries(tensors: Any, prefix: str | None = None) -> list:
    """:func:`add_zero_fraction_summary` of each tensor."""
    return [add_zero_fraction_summary(t, prefix=prefix) for t in tensors]


__all__ = ["add_histogram_summary", "add_image_summary", "add_scalar_summary",
           "add_zero_fraction_summary", "add_histogram_summaries", "add_image_summaries",
           "add_scalar_summaries", "add_zero_fraction_summaries"]
