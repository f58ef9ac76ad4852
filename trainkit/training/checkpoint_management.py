"""The ``checkpoint`` state file and finding the newest valid checkpoint in a directory.

The state file is TF's text layout, so TF-era tooling and eyes recognise it::

    model_checkpoint_path: "model.ckpt-300"
    all_model_checkpoint_paths: "model.ckpt-200"
    all_model_checkpoint_paths: "model.ckpt-300"
    all_model_checkpoint_timestamps: 1700000000.25
    all_model_checkpoint_timestamps: 1700000060.5
    last_preserved_timestamp: 1699999990.0

It is replaced atomically (temporary file, ``fsync``, rename, directory ``fsync``).

``latest_checkpoint`` returns the newest checkpoint that *verifies* (index checksum, data
size and every tensor's CRC-32), falling back — with a warning on the ``trainkit`` logger
naming the damaged file — to older listed checkpoints and to ``*.index`` files in the
directory that the state file does not list (a crash between writing a checkpoint and
updating the state file leaves such a checkpoint). Verification results are cached per
(file, size, mtime) once the files are a few seconds old, so asking repeatedly costs two
``stat`` calls per candidate.

Example:
    >>> update_checkpoint_state("/ckpt", "/ckpt/model.ckpt-300")
    >>> latest_checkpoint("/ckpt")
    '/ckpt/model.ckpt-300'
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import time
import uuid
from collections.abc import Sequence

from trainkit import errors
from trainkit.training import checkpoint_format as fmt

_LOG = logging.getLogger("trainkit")
STATE_FILENAME = "checkpoint"
_VERIFIED: dict[str, tuple[tuple[int, int, int, int], bool]] = {}
_VERIFIED_MAX = 256
_SETTLE_NS = 2_000_000_000


class CheckpointState:
    """Mirrors TF's ``CheckpointState`` proto: the newest and all kept checkpoint paths."""

    def __init__(self, model_checkpoint_path: str = "",
                 all_model_checkpoint_paths: Sequence[str] = (),
                 all_model_checkpoint_timestamps: Sequence[float] = (),
                 last_preserved_timestamp: float = 0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = float(last_preserved_timestamp)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckpointState) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return to_text(self)


# ----------------------------------------------------------------------------- text format

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "\\": b"\\", '"': b'"', "'": b"'",
              "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}


def _quote(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _unquote(text: str, where: str) -> str:
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    body, out, i = text[1:-1].encode("utf-8"), bytearray(), 0
    while i < len(body):
        c = body[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = body[i + 1:i + 2].decode("latin-1")
        if nxt in _UNESCAPES:
            out += _UNESCAPES[nxt]
            i += 2
        elif nxt in "01234567" and nxt:
            j = i + 1
            while j < min(i + 4, len(body)) and body[j:j + 1] in b"01234567":
                j += 1
            out.append(int(body[i + 1:j], 8) & 0xFF)
            i = j
        elif nxt in ("x", "X"):
            j = i + 2
            while j < min(i + 4, len(body)) and body[j:j + 1] in b"0123456789abcdefABCDEF":
                j += 1
            out.append(int(body[i + 2:j], 16))
            i = j
        else:
            raise ValueError(f"{where}: bad escape in {text!r}")
    return out.decode("utf-8")


def to_text(state: CheckpointState) -> str:
    """Serializes ``state`` in TF's text layout."""
    lines = [f"model_checkpoint_path: {_quote(state.model_checkpoint_path)}"]
    lines += [f"all_model_checkpoint_paths: {_quote(p)}"
              for p in state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}"
              for t in state.all_model_checkpoint_timestamps]
    if state.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {state.last_preserved_timestamp!r}")
    return "\n".join(lines) + "\n"


def parse_text(text: str, source: str = "<string>") -> CheckpointState:
    """Parses TF's text layout. Unknown fields are ignored (forward compatibility).

    Raises:
        ValueError: naming ``source`` and the line, if a line does not parse.
    """
    state = CheckpointState()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}:{lineno}"
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{where}: expected 'field: value', got {line!r}")
        key, value = key.strip(), value.strip()
        try:
            if key == "model_checkpoint_path":
                state.model_checkpoint_path = _unquote(value, where)
            elif key == "all_model_checkpoint_paths":
                state.all_model_checkpoint_paths.append(_unquote(value, where))
            elif key == "all_model_checkpoint_timestamps":
                state.all_model_checkpoint_timestamps.append(float(value))
            elif key == "last_preserved_timestamp":
                state.last_preserved_timestamp = float(value)
        except (UnicodeDecodeError, ValueError) as e:
            raise ValueError(f"{where}: cannot parse {line!r} ({e})") from None
    return state


# ----------------------------------------------------------------------------- state file

def _state_path(directory: str, latest_filename: str | None) -> str:
    return os.path.join(os.fspath(directory), latest_filename or STATE_FILENAME)


def _relative(path: str, directory: str) -> str:
    """``path`` relative to ``directory`` when it lies inside it, else unchanged."""
    absdir, abspath = os.path.abspath(directory), os.path.abspath(path)
    if abspath.startswith(absdir.rstrip(os.sep) + os.sep):
        return os.path.relpath(abspath, absdir)
    return path


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: Sequence[str] | None = None,
                            latest_filename: str | None = None,
                            all_model_checkpoint_timestamps: Sequence[float] | None = None,
                            last_preserved_timestamp: float | None = None) -> None:
    """Atomically rewrites the state file in ``save_dir``.

    ``model_checkpoint_path`` is appended to ``all_model_checkpoint_paths`` if it is not
    already last (as TF does). Paths inside ``save_dir`` are written relative to it.

    Differs from TF: TF writes relative paths only with ``save_relative_paths=True``;
    trainkit always does for paths inside the directory, so a moved directory still works.

    Raises:
        RuntimeError: if the checkpoint path collides with the state file's own path.
    """
    save_dir = os.fspath(save_dir)
    state_path = _state_path(save_dir, latest_filename)
    if os.path.abspath(model_checkpoint_path) == os.path.abspath(state_path):
        raise RuntimeError(f"Save path {model_checkpoint_path!r} conflicts with path used for "
                           "checkpoint state. Please use a different save path.")
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    state = CheckpointState(
        _relative(model_checkpoint_path, save_dir), [_relative(p, save_dir) for p in paths],
        list(all_model_checkpoint_timestamps or []), last_preserved_timestamp or 0.0)
    os.makedirs(save_dir or ".", exist_ok=True)
    tmp = f"{state_path}{fmt.TEMP_MARKER}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(to_text(state))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, state_path)
    finally:
        with contextlib.suppress(OSError):
            os.remove(tmp)
    fmt._fsync_dir(save_dir)


def generate_checkpoint_state_proto(save_dir: str, model_checkpoint_path: str,
                                    all_model_checkpoint_paths: Sequence[str] | None = None,
                                    all_model_checkpoint_timestamps: Sequence[float] | None
                                    = None, last_preserved_timestamp: float | None = None
                                    ) -> CheckpointState:
    """The :class:`CheckpointState` that ``update_checkpoint_state`` would describe, as
    TF builds it: ``model_checkpoint_path`` appended to the paths unless already last,
    and relative paths made relative to ``save_dir`` when ``save_dir`` is relative.

    Raises:
        ValueError: timestamps given for another number of paths.
    """
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    stamps = list(all_model_checkpoint_timestamps or [])
    if stamps and len(stamps) != len(paths):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths "
                         f"(got paths {paths} and timestamps {stamps})")
    save_dir = os.fspath(save_dir)
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return CheckpointState(model_checkpoint_path, paths, stamps,
                           last_preserved_timestamp or 0.0)


def get_checkpoint_state(checkpoint_dir: str,
                         latest_filename: str | None = None) -> CheckpointState | None:
    """Reads the state file of ``checkpoint_dir``, with relative paths made absolute-ish.

    Relative paths are joined onto ``checkpoint_dir`` (as TF does).

    Returns:
        The state, or None when there is no state file, or (with a warning, as TF) when it
        does not parse.

    Raises:
        ValueError: if the file parses but names no ``model_checkpoint_path`` (as TF).
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = _state_path(checkpoint_dir, latest_filename)
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        state = parse_text(text, path)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        _LOG.warning("%s: %s", type(e).__name__, e)
        _LOG.warning("%s: Checkpoint ignored", path)
        return None
    if not state.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {checkpoint_dir} "
                         f"({path!r} names no model_checkpoint_path).")

    def absolute(p: str) -> str:
        return p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)

    state.model_checkpoint_path = absolute(state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [absolute(p) for p in state.all_model_checkpoint_paths]
    return state


# ----------------------------------------------------------------------------- lookups

def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """Whether checkpoint ``checkpoint_prefix``'s index file exists (no verification)."""
    return os.path.isfile(fmt.index_path(checkpoint_prefix))


def get_checkpoint_mtimes(checkpoint_prefixes: Sequence[str]) -> list[float]:
    """The modification times of the given checkpoints' index files; missing ones skipped."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        with contextlib.suppress(OSError):
            mtimes.append(os.stat(fmt.index_path(prefix)).st_mtime)
    return mtimes


def remove_checkpoint(checkpoint_prefix: str, checkpoint_format_version: int = 2,
                      meta_graph_suffix: str = "meta") -> None:
    """Deletes a checkpoint's index (first: it un-commits the checkpoint), data and meta."""
    del checkpoint_format_version  # one format; accepted for TF signature compatibility
    prefix = os.fspath(checkpoint_prefix)
    paths = [fmt.index_path(prefix), *sorted(glob.glob(glob.escape(prefix) + ".data-*")),
             f"{prefix}.{meta_graph_suffix}"]
    for path in paths:
        if fmt.TEMP_MARKER in os.path.basename(path):
            continue
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        except OSError as e:
            _LOG.warning("Ignoring: failed to delete %s: %s", path, e)
    _VERIFIED.pop(os.path.abspath(prefix), None)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but not ours, or we cannot tell: keep its files
    return True


def remove_stale_temporaries(directory: str) -> list[str]:
    """Deletes ``*.tmp-<pid>-*`` files left in ``directory`` by writers that have died.

    A killed writer leaves its temporary files behind (never a damaged checkpoint); files
    of live processes — including this one — are kept. Call this on the writing side.

    Returns:
        The paths removed.
    """
    removed = []
    for path in glob.glob(os.path.join(glob.escape(os.fspath(directory)),
                                       "*" + fmt.TEMP_MARKER + "*")):
        tail = os.path.basename(path).rsplit(fmt.TEMP_MARKER, 1)[1]
        pid = tail.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                os.remove(path)
                removed.append(path)
    return removed


def _fingerprint(prefix: str) -> tuple[int, int, int, int] | None:
    """(index size, index mtime, data size, data mtime), or None if a file is missing."""
    try:
        i, d = os.stat(fmt.index_path(prefix)), os.stat(fmt.data_path(prefix))
    except OSError:
        return None
    return (i.st_size, i.st_mtime_ns, d.st_size, d.st_mtime_ns)


def is_valid_checkpoint(prefix: str) -> bool:
    """Verifies ``prefix`` fully (cached by file size + mtime); logs why it is not valid."""
    key, fingerprint = os.path.abspath(prefix), _fingerprint(prefix)
    cached = _VERIFIED.get(key)
    if fingerprint is not None and cached is not None and cached[0] == fingerprint:
        return cached[1]
    try:
        fmt.verify_checkpoint(prefix)
        ok = True
    except (errors.DataLossError, ValueError) as e:
        _LOG.warning("Skipping checkpoint %s: %s", prefix, e)
        ok = False
    # Like git's "racy clean" rule: a file modified within the filesystem's timestamp
    # granularity could change again without changing its mtime, so only settled files are
    # cached.
    settled = fingerprint is not None and \
        time.time_ns() - max(fingerprint[1], fingerprint[3]) > _SETTLE_NS
    if settled:
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[key] = (fingerprint, ok)
    return ok


def _candidates(checkpoint_dir: str, state: CheckpointState | None) -> list[str]:
    """Listed checkpoints and stray ``*.index`` prefixes, newest first."""
    listed = [] if state is None else [*state.all_model_checkpoint_paths,
                                       state.model_checkpoint_path]
    stray = [p[:-len(fmt.INDEX_SUFFIX)] for p in
             glob.glob(os.path.join(glob.escape(checkpoint_dir), "*" + fmt.INDEX_SUFFIX))]
    seen: dict[str, str] = {}
    for p in [*listed, *stray]:
        seen.setdefault(os.path.abspath(p), p)
    order = {os.path.abspath(p): i for i, p in enumerate(listed)}

    def newest_first(p: str) -> tuple[int, int, str]:
        try:
            mtime = os.stat(fmt.index_path(p)).st_mtime_ns
        except OSError:
            mtime = -1
        return (mtime, order.get(os.path.abspath(p), -1), p)

    return sorted(seen.values(), key=newest_first, reverse=True)


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """The prefix of the newest valid checkpoint in ``checkpoint_dir``, or None.

    The state file's ``model_checkpoint_path`` is returned when it verifies. Otherwise a
    warning names the damaged or missing checkpoint and the newest valid one among the
    listed checkpoints and unlisted ``*.index`` files (by index modification time) is
    returned.

    Differs from TF: TF returns the listed path without verifying it (or None if its index
    is missing). A directory without a state file still gives None, as in TF.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    try:
        state = get_checkpoint_state(checkpoint_dir, latest_filename)
    except ValueError as e:
        _LOG.warning("%s; scanning the directory for checkpoints instead.", str(e).rstrip("."))
        state = None
    if state is None and not os.path.isfile(_state_path(checkpoint_dir, latest_filename)):
        return None
    if state is not None and is_valid_checkpoint(state.model_checkpoint_path):
        return state.model_checkpoint_path
    bad = (f"Newest checkpoint {state.model_checkpoint_path} is missing or corrupt"
           if state is not None else "The state file names no usable checkpoint")
    for prefix in _candidates(checkpoint_dir, state):
        if state is not None and prefix == state.model_checkpoint_path:
            continue
        if is_valid_checkpoint(prefix):
            _LOG.warning("%s; falling back to %s.", bad, prefix)
            return prefix
    why = (f"the newest listed, {state.model_checkpoint_path}, is missing or corrupt"
           if state is not None else "the state file names none")
    _LOG.warning("No valid checkpoint in %s (%s).", checkpoint_dir, why)
    return None


__all__ = [
    "generate_checkpoint_state_proto", "CheckpointState", "checkpoint_exists",
    "get_checkpoint_mtimes", "get_checkpoint_state",
    "is_valid_checkpoint", "latest_checkpoint", "parse_text", "remove_checkpoint",
    "remove_stale_temporaries", "to_text",
    "update_checkpoint_state",
]
