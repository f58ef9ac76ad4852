"""Shared fixtures: every test starts with a fresh default graph and no default session."""

from __future__ import annotations

import pytest

import trainkit as tk


@pytest.fixture(autouse=True)
def fresh_graph():
    """Gives each test its own empty default graph."""
    tk.reset_default_graph()
    yield
    try:
        tk.reset_default_graph()
    except AssertionError:
        # A test leaked an InteractiveSession or a default-graph context: fail loudly.
        raise
