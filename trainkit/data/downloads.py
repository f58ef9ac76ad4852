"""Fetching a data file once into a local directory, atomically, as the TF1 tutorials'
``maybe_download`` and Keras's ``get_file`` do.

A file is streamed from its URL (any scheme ``urllib`` opens: ``https``, ``http``,
``file``) into a temporary file in the target directory, flushed to disk, checked
against its expected SHA-256 or MD5 hash when one is given, and only then renamed into
place: an interrupted or failed download never leaves a partial file under the final
name, and a file already there is never overwritten with something that failed its
check.

Example:
    >>> path = maybe_download("train-images-idx3-ubyte.gz", "MNIST_data",
    ...                       "https://storage.googleapis.com/cvdf-datasets/mnist/"
    ...                       "train-images-idx3-ubyte.gz")   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request

#: bytes read from the URL per chunk
CHUNK = 1 << 20


def file_hash(path: str, algorithm: str = "sha256") -> str:
    """The hex digest of the file at ``path`` (``"sha256"`` or ``"md5"``)."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def hash_algorithm(expected: str, algorithm: str = "auto") -> str:
    """The algorithm of an expected hex digest: ``"auto"`` takes SHA-256 for a 64-digit
    hash and MD5 otherwise, as Keras's ``get_file`` does.

    Raises:
        ValueError: for an algorithm other than ``"auto"``, ``"sha256"`` or ``"md5"``.
    """
    if algorithm == "auto":
        return "sha256" if len(expected) == 64 else "md5"
    if algorithm not in ("sha256", "md5"):
        raise ValueError(f"hash_algorithm must be 'auto', 'sha256' or 'md5', got "
                         f"{algorithm!r}")
    return algorithm


def fetch(url: str, path: str, expected_hash: str | None = None,
          algorithm: str = "auto") -> str:
    """Downloads ``url`` to ``path`` atomically (temporary file, fsync, rename) and
    returns ``path``; with ``expected_hash``, the download must have that digest.

    Raises:
        ValueError: if the downloaded file's hash differs from ``expected_hash`` (nothing
            is written under ``path`` then).
        OSError: if the URL cannot be read (``urllib.error.URLError`` is one) or the
            directory cannot be written; nothing is left under ``path``.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url) as src:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        if expected_hash is not None:
            algo = hash_algorithm(expected_hash, algorithm)
            got = file_hash(tmp, algo)
            if got != expected_hash:
                raise ValueError(f"the file downloaded from {url} has {algo} {got}, "
                                 f"expected {expected_hash}; it was not kept")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def maybe_download(filename: str, work_directory: str, source_url: str) -> str:
    """TF1's ``base.maybe_download``: ``work_directory/filename``, downloaded from
    ``source_url`` first (creating the directory) when it is not there yet; prints
    ``Successfully downloaded <filename> <size> bytes.`` after a download, as TF does."""
    os.makedirs(work_directory, exist_ok=True)
    path = os.path.join(work_directory, filename)
    if not os.path.exists(path):
        fetch(source_url, path)
        print("Successfully downloaded", filename, os.path.getsize(path), "bytes.")
    return path


__all__ = ["fetch", "file_hash", "hash_algorithm", "maybe_download", "CHUNK"]
