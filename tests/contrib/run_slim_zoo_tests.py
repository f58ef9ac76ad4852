"""Runs the TF-Slim model zoo's own test files (tensorflow/models ``research/slim/nets``,
the ``import tensorflow.compat.v1 as tf`` / ``import tf_slim as slim`` versions) on
trainkit, unchanged: ``tensorflow``, ``tensorflow.compat``, ``tensorflow.compat.v1`` and
``tf_slim`` are made to resolve to ``trainkit``, ``trainkit.compat`` and
``trainkit.contrib.slim`` before pytest imports them.

Not part of the suite (the zoo is not vendored, and its 224x224 forward passes take
minutes). Point it at a checkout's ``research/slim`` directory::

    python tests/contrib/run_slim_zoo_tests.py /path/to/research/slim \\
        nets/vgg_test.py nets/mobilenet/mobilenet_v2_test.py ...

With no test files it runs every ``nets/**/*_test.py``. Two things the zoo needs that are
not trainkit's business are supplied here: a ``six`` stand-in when ``six`` is not
installed, and ``numpy.int`` (removed in NumPy 2, still used by ``mobilenet_v3.py``).
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path


def _install_aliases() -> None:
    import trainkit
    import trainkit.contrib.slim

    sys.modules["tensorflow"] = trainkit
    sys.modules["tensorflow.compat"] = trainkit.compat
    sys.modules["tensorflow.compat.v1"] = trainkit
    sys.modules["tf_slim"] = trainkit.contrib.slim


def _install_zoo_needs() -> None:
    import numpy as np

    if not hasattr(np, "int"):
        np.int = int  # type: ignore[attr-defined]
    try:
        import six  # noqa: F401
    except ImportError:
        moves = types.ModuleType("six.moves")
        moves.range = moves.xrange = range  # type: ignore[attr-defined]
        moves.zip, moves.map = zip, map  # type: ignore[attr-defined]
        six = types.ModuleType("six")
        six.moves = moves  # type: ignore[attr-defined]
        six.PY2, six.PY3 = False, True  # type: ignore[attr-defined]
        six.string_types, six.integer_types = (str,), (int,)  # type: ignore[attr-defined]
        six.iteritems = lambda d: iter(d.items())  # type: ignore[attr-defined]
        sys.modules["six"], sys.modules["six.moves"] = six, moves


def main(argv: list[str]) -> int:
    """``argv``: the ``research/slim`` directory, then test files (relative to it) and
    pytest options."""
    if not argv or not Path(argv[0], "nets").is_dir():
        print(__doc__)
        return 2
    root = Path(argv[0]).resolve()
    rest = argv[1:] or [str(p.relative_to(root)) for p in sorted(root.glob("nets/**/*_test.py"))]
    sys.path.insert(0, str(root))
    _install_aliases()
    _install_zoo_needs()
    import pytest

    os.chdir(root)
    return pytest.main(["-p", "no:cacheprovider", "--rootdir", str(root), *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
