"""``tk.VERSION`` & co., the ``tk.version`` module and ``tk.get_logger`` (TF 2.21's
``tf.compat.v1`` has the same names: ``GRAPH_DEF_VERSION_MIN_CONSUMER``/``_PRODUCER`` are
0 there too, and ``get_logger()`` is the ``logging.Logger`` ``tf.logging`` writes to)."""

from __future__ import annotations

import logging
import platform

import pytest

import trainkit as tk


def test_version_is_the_tf1_api_level_and_trainkit_keeps_its_own():
    assert tk.VERSION == tk.version.VERSION == "1.15.5"
    assert tk.__version__ == "0.1.0"  # trainkit's own release, unchanged
    assert tk.GIT_VERSION == tk.version.GIT_VERSION == "v1.15.5-trainkit-0.1.0"
    assert tk.COMPILER_VERSION == platform.python_compiler()


def test_graph_def_versions_match_what_trainkit_writes():
    assert tk.GRAPH_DEF_VERSION == tk.version.GRAPH_DEF_VERSION
    assert (tk.GRAPH_DEF_VERSION_MIN_CONSUMER, tk.GRAPH_DEF_VERSION_MIN_PRODUCER) == (0, 0)
    g = tk.Graph()
    with g.as_default():
        tk.constant(1.0)
    assert g.as_graph_def().versions.producer == tk.GRAPH_DEF_VERSION


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def collected():
    logger = tk.get_logger()
    level, handler = logger.level, _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_get_logger_is_the_logger_tf_logging_uses(collected):
    logger = tk.get_logger()
    assert isinstance(logger, logging.Logger) and logger is tk.logging.get_logger()
    logger.setLevel("WARNING")
    tk.logging.warning("shown %d", 1)
    logger.setLevel("ERROR")
    tk.logging.warning("hidden")
    tk.logging.error("shown %d", 2)
    assert collected == ["shown 1", "shown 2"]
    assert tk.logging.get_verbosity() == logging.ERROR

