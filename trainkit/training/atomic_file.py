"""Writing a whole file atomically: a temporary name in the same directory, ``fsync``,
rename over the target, ``fsync`` of the directory. A crash leaves the old file or the
new one, never a torn one.

Example:
    >>> write_bytes("/ckpt/graph.pbtxt", b"node { ... }")
"""

from __future__ import annotations

import contextlib
import os
import uuid


def write_bytes(path: str, data: bytes) -> None:
    """Atomically replaces ``path`` with ``data``.

    Raises:
        OSError: if the directory does not exist or cannot be written.
    """
    path = os.fspath(path)
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.remove(tmp)
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot fsync a directory
        pass
    finally:
        os.close(fd)


__all__ = ["write_bytes"]
