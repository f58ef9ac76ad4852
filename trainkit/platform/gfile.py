"""``tf.gfile`` / ``tf.io.gfile``: file operations on local paths with TF's errors.

A missing path is ``errors.NotFoundError``, an existing target that may not be replaced
``errors.AlreadyExistsError``, other OS failures ``errors.UnknownError`` /
``PermissionDeniedError``. Only local paths (and ``file://`` URLs) are supported: a
``gs://``, ``hdfs://`` or ``s3://`` path is ``errors.UnimplementedError``.

Example:
    >>> MakeDirs("/tmp/run/logs")
    >>> with GFile("/tmp/run/logs/a.txt", "w") as f:
    ...     f.write("hi")
    >>> Exists("/tmp/run/logs/a.txt")
    True
"""

from __future__ import annotations

import errno
import glob as _glob
import os
import shutil
from collections.abc import Iterator
from typing import Any, NamedTuple

from trainkit import errors


def _local(path: Any) -> str:
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = path.decode("utf-8")
    if path.startswith("file://"):
        return path[len("file://"):]
    if "://" in path:
        scheme = path.split("://", 1)[0]
        raise errors.UnimplementedError(
            None, None, f"File system scheme '{scheme}' not implemented (file: '{path}'); "
                        "trainkit's gfile supports local paths only")
    return path


def _os_error(e: OSError, path: str) -> errors.OpError:
    if e.errno == errno.ENOENT:
        return errors.NotFoundError(None, None, f"{path}; No such file or directory")
    if e.errno == errno.EEXIST:
        return errors.AlreadyExistsError(None, None, f"{path}; File exists")
    if e.errno in (errno.EACCES, errno.EPERM):
        return errors.PermissionDeniedError(None, None, f"{path}; Permission denied")
    if e.errno == errno.ENOTDIR:
        return errors.FailedPreconditionError(None, None, f"{path}; Not a directory")
    return errors.UnknownError(None, None, f"{path}; {e.strerror}")


class GFile:
    """A file object (``tf.gfile.GFile``): ``read``, ``readline``, ``write``, ``seek``,
    ``tell``, ``size``, iteration, context manager. Modes ``r w a`` with optional ``b``
    (binary: bytes) and ``+``. Like TF, the file is opened on first use, so a missing file
    raises ``NotFoundError`` when it is read.
    """

    def __init__(self, name: Any, mode: str = "r"):
        if not isinstance(mode, str) or mode.replace("b", "").replace("+", "") not in (
                "r", "w", "a"):
            raise errors.InvalidArgumentError(
                None, None, f"mode must be one of r, w, a (with optional b, +), got {mode!r}")
        self._name = _local(name)
        self._mode = mode
        self._f: Any = None

    @property
    def name(self) -> str:
        """The path this file object was opened with."""
        return self._name

    @property
    def mode(self) -> str:
        """The open mode."""
        return self._mode

    def _file(self) -> Any:
        if self._f is None:
            try:
                if "b" in self._mode:
                    self._f = open(self._name, self._mode)  # noqa: SIM115 - kept open
                else:
                    self._f = open(self._name, self._mode, encoding="utf-8",  # noqa: SIM115
                                   newline="")
            except OSError as e:
                raise _os_error(e, self._name) from None
        return self._f

    def _check_readable(self) -> None:
        if "r" not in self._mode and "+" not in self._mode:
            raise errors.PermissionDeniedError(None, None, "File isn't open for reading")

    def _check_writable(self) -> None:
        if self._mode.startswith("r") and "+" not in self._mode:
            raise errors.PermissionDeniedError(None, None, "File isn't open for writing")

    def read(self, n: int = -1) -> Any:
        """Reads ``n`` bytes/characters (all when ``n < 0``)."""
        self._check_readable()
        return self._file().read(n)

    def readline(self) -> Any:
        """Reads one line, with its newline."""
        self._check_readable()
        return self._file().readline()

    def readlines(self) -> list:
        """All remaining lines."""
        self._check_readable()
        return self._file().readlines()

    def __iter__(self) -> Iterator[Any]:
        self._check_readable()
        return iter(self._file())

    def __next__(self) -> Any:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def write(self, file_content: Any) -> None:
        """Writes ``file_content`` (str in text mode; bytes or str in binary mode)."""
        self._check_writable()
        f = self._file()
        if "b" in self._mode and isinstance(file_content, str):
            file_content = file_content.encode("utf-8")
        elif "b" not in self._mode and isinstance(file_content, bytes):
            file_content = file_content.decode("utf-8")
        f.write(file_content)

    def seek(self, offset: int | None = None, whence: int = 0, position: int | None = None
             ) -> int:
        """Moves to ``offset`` (or the deprecated ``position``) relative to ``whence``."""
        if position is not None:
            offset = position
        return self._file().seek(0 if offset is None else offset, whence)

    def tell(self) -> int:
        """The current position."""
        return self._file().tell()

    def size(self) -> int:
        """The file's size in bytes."""
        if self._f is not None:
            self._f.flush()
        return Stat(self._name).length

    def flush(self) -> None:
        """Flushes buffered writes."""
        if self._f is not None:
            self._f.flush()

    def close(self) -> None:
        """Closes the file (idempotent)."""
        if self._f is not None:
            self._f.close()
            self._f = None

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


Open = GFile
FastGFile = GFile


class FileStatistics(NamedTuple):
    """``Stat`` result: ``length`` (bytes), ``mtime_nsec``, ``is_directory``."""

    length: int
    mtime_nsec: int
    is_directory: bool


def Exists(filename: Any) -> bool:  # noqa: N802 - TF's name
    """Whether ``filename`` exists."""
    return os.path.exists(_local(filename))


def IsDirectory(dirname: Any) -> bool:  # noqa: N802
    """Whether ``dirname`` is a directory."""
    return os.path.isdir(_local(dirname))


def MakeDirs(dirname: Any) -> None:  # noqa: N802
    """Creates ``dirname`` and its parents; an existing directory is fine."""
    path = _local(dirname)
    try:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        raise errors.FailedPreconditionError(None, None, f"{path} exists and is not a "
                                                         "directory") from None
    except OSError as e:
        raise _os_error(e, path) from None


def MkDir(dirname: Any) -> None:  # noqa: N802
    """Creates one directory: ``AlreadyExistsError`` if it exists, ``NotFoundError`` if
    its parent does not."""
    path = _local(dirname)
    try:
        os.mkdir(path)
    except OSError as e:
        raise _os_error(e, path) from None


def DeleteRecursively(dirname: Any) -> None:  # noqa: N802
    """Deletes a directory tree (or a file); ``NotFoundError`` if missing."""
    path = _local(dirname)
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    except OSError as e:
        raise _os_error(e, path) from None


def Remove(filename: Any) -> None:  # noqa: N802
    """Deletes a file; ``NotFoundError`` if missing."""
    path = _local(filename)
    try:
        os.remove(path)
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path} is a directory") from None
    except OSError as e:
        raise _os_error(e, path) from None


def ListDirectory(dirname: Any) -> list[str]:  # noqa: N802
    """The names (not paths) of the entries of ``dirname``; ``NotFoundError`` if it is not
    a directory."""
    path = _local(dirname)
    if not os.path.isdir(path):
        raise errors.NotFoundError(None, None, f"Could not find directory {path}")
    return sorted(os.listdir(path))


def Glob(filename: Any) -> list[str]:  # noqa: N802
    """Paths matching the pattern(s) ``filename`` (a string or a list of strings)."""
    patterns = [filename] if isinstance(filename, (str, bytes, os.PathLike)) else filename
    out: list[str] = []
    for p in patterns:
        out.extend(sorted(_glob.glob(_local(p))))
    return out


def _check_target(path: str, overwrite: bool) -> None:
    if os.path.exists(path):
        if not overwrite:
            raise errors.AlreadyExistsError(None, None, f"file already exists: {path}")
        if os.path.isdir(path):
            raise errors.FailedPreconditionError(None, None, f"{path} is a directory")


def Rename(oldname: Any, newname: Any, overwrite: bool = False) -> None:  # noqa: N802
    """Renames a file or directory; ``AlreadyExistsError`` if ``newname`` exists and
    ``overwrite`` is false."""
    src, dst = _local(oldname), _local(newname)
    if not os.path.exists(src):
        raise errors.NotFoundError(None, None, f"{src}; No such file or directory")
    _check_target(dst, overwrite)
    try:
        os.replace(src, dst)
    except OSError as e:
        raise _os_error(e, dst) from None


def Copy(oldpath: Any, newpath: Any, overwrite: bool = False) -> None:  # noqa: N802
    """Copies a file; ``AlreadyExistsError`` if ``newpath`` exists and ``overwrite`` is
    false, ``NotFoundError`` if ``oldpath`` is missing."""
    src, dst = _local(oldpath), _local(newpath)
    if not os.path.isfile(src):
        raise errors.NotFoundError(None, None, f"{src}; No such file or directory")
    _check_target(dst, overwrite)
    try:
        shutil.copyfile(src, dst)
    except OSError as e:
        raise _os_error(e, dst) from None


def Stat(filename: Any) -> FileStatistics:  # noqa: N802
    """Size, modification time (ns) and kind of ``filename``; ``NotFoundError`` if missing."""
    path = _local(filename)
    try:
        st = os.stat(path)
    except OSError as e:
        raise _os_error(e, path) from None
    return FileStatistics(int(st.st_size), int(st.st_mtime_ns), os.path.isdir(path))


def Walk(top: Any, in_order: bool = True) -> Iterator[tuple[str, list[str], list[str]]]:  # noqa: N802
    """Yields ``(dirname, subdirs, files)`` for ``top`` and every directory below it
    (top-down when ``in_order``, else bottom-up); a missing ``top`` yields nothing."""
    path = _local(top)
    if not os.path.isdir(path):
        return
    names = sorted(os.listdir(path))
    subdirs = [n for n in names if os.path.isdir(os.path.join(path, n))]
    files = [n for n in names if n not in subdirs]
    if in_order:
        yield path, subdirs, files
    for d in subdirs:
        yield from Walk(os.path.join(path, d), in_order)
    if not in_order:
        yield path, subdirs, files


# tf.io.gfile's lower-case names
exists, isdir, makedirs, mkdir, rmtree, remove = (
    Exists, IsDirectory, MakeDirs, MkDir, DeleteRecursively, Remove)
listdir, glob, rename, copy, stat, walk = ListDirectory, Glob, Rename, Copy, Stat, Walk

__all__ = ["GFile", "Open", "FastGFile", "FileStatistics", "Exists", "IsDirectory",
           "MakeDirs", "MkDir", "DeleteRecursively", "Remove", "ListDirectory", "Glob",
           "Rename", "Copy", "Stat", "Walk", "exists", "isdir", "makedirs", "mkdir",
           "rmtree", "remove", "listdir", "glob", "rename", "copy", "stat", "walk"]
