"""Fixtures for the hooks-folder tests."""

from __future__ import annotations

import pytest

import trainkit as tk


@pytest.fixture(autouse=True)
def _fresh_writer_cache():
    yield
    tk.summary.FileWriterCache.clear()
