"""``TensorHandle``: a value kept in the session between runs (``get_session_handle``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors


class TensorHandle:
    """A handle to a tensor value stored in a session.

    Feeding a handle where a string handle is expected passes the handle; feeding it to
    any other tensor feeds the stored value.

    Example:
        >>> h = sess.run(tk.get_session_handle(c))
        >>> h.eval()
    """

    def __init__(self, handle: bytes, dtype: Any, session: Any):
        self._handle = handle
        self._dtype = dtype
        self._session = session

    @property
    def handle(self) -> bytes:
        """The handle string."""
        return self._handle

    @property
    def _trainkit_handle(self) -> bytes:
        return self._handle

    def get_raw_handle(self) -> bytes:
        return self._handle

    def eval(self) -> Any:
        """The stored value.

        Raises:
            NotFoundError: if the handle was deleted.
        """
        v = self._session._state.handles.get(self._handle)
        if v is None:
            raise errors.NotFoundError(None, None,
                                       f"Session tensor handle {self._handle!r} not found.")
        return v.copy() if isinstance(v, np.ndarray) else v

    def delete(self) -> None:
        """Frees the stored value."""
        self._session._state.handles.pop(self._handle, None)

    def __str__(self) -> str:
        return self._handle.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"<TensorHandle {self._handle!r} dtype={getattr(self._dtype, 'name', None)}>"
