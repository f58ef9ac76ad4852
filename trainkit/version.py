"""``tk.version`` (``tf.version``): which TensorFlow API trainkit mirrors.

``VERSION`` is the TF 1.x API level trainkit follows, ``"1.15.5"``: TF 1.15, the last
TF1 release, whose API is also ``tf.compat.v1`` in TF 2.x. TF1 programs compare it
(``tf.VERSION >= "1.4"``, ``LooseVersion(tf.VERSION)``) to pick code paths; they get
TF 1.15's. trainkit's own release stays ``tk.__version__``.

``GRAPH_DEF_VERSION`` is the ``versions.producer`` trainkit writes into every
``GraphDef`` it exports; the minimum consumer and producer are 0, as in TF.

Differs from TF: ``GIT_VERSION`` names trainkit's release (``"v1.15.5-trainkit-<ver>"``)
rather than a TF commit, ``COMPILER_VERSION`` is the compiler that built the running
Python (trainkit has no compiled code) and ``GRAPH_DEF_VERSION`` is trainkit's producer
version, not TF 1.15's.

Example:
    >>> import trainkit as tf
    >>> tf.VERSION, tf.version.VERSION
    ('1.15.5', '1.15.5')
"""

from __future__ import annotations

import platform as _platform

from trainkit import __version__ as _trainkit_version
from trainkit.framework.graph_def import PRODUCER_VERSION as _PRODUCER_VERSION

VERSION = "1.15.5"
GIT_VERSION = f"v{VERSION}-trainkit-{_trainkit_version}"
COMPILER_VERSION = _platform.python_compiler()
GRAPH_DEF_VERSION = _PRODUCER_VERSION
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

__all__ = ["VERSION", "GIT_VERSION", "COMPILER_VERSION", "GRAPH_DEF_VERSION",
           "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER"]
