"""``tf.resource_loader``: paths of data files that sit beside the calling script.

Outside a Bazel runfiles tree (always, for trainkit programs) TF answers with the
directory of the calling file, and so does trainkit.

Example:
    >>> vocab = os.path.join(tk.resource_loader.get_data_files_path(), "vocab.txt")
"""

from __future__ import annotations

import inspect
import os
import sys


def _caller_dir(depth: int) -> str:
    return os.path.dirname(inspect.getfile(sys._getframe(depth + 1)))


def get_data_files_path() -> str:
    """The directory of the file that calls this function."""
    return _caller_dir(1)


def get_path_to_datafile(path: str) -> str:
    """``path`` joined to the directory of the calling file (not checked to exist)."""
    return os.path.join(_caller_dir(1), path)


def get_root_dir_with_all_resources() -> str:
    """The directory above the calling file's just under a ``*.runfiles`` directory, or
    (no such directory among its parents) the calling file's own directory."""
    script_dir = _caller_dir(1)
    directories = [script_dir]
    while ".runfiles" not in os.path.basename(directories[-1]):
        parent = os.path.dirname(directories[-1])
        if parent == directories[-1]:
            return script_dir
        directories.append(parent)
    return directories[-2] if len(directories) > 1 else script_dir


def readahead_file_path(path: str, readahead: str = "128M") -> str:
    """``path`` itself (TF implements no readahead either)."""
    del readahead
    return path


__all__ = ["get_data_files_path", "get_path_to_datafile", "get_root_dir_with_all_resources",
           "readahead_file_path"]
