"""``tk.keras.utils.get_file``: a data file cached under ``~/.keras/<cache_subdir>``,
downloaded (atomically, :func:`trainkit.data.downloads.fetch`) when it is missing or
fails its expected hash, as tf_keras 2.x does: ``cache_dir`` defaults to ``~/.keras``
(``/tmp/.keras`` when that is not writable); an existing file with the wrong hash is
downloaded again; a download with the wrong hash raises and is not kept. Archive
extraction (``untar``/``extract``) is not supported (no Keras dataset loader here needs
it)."""

from __future__ import annotations

import os
import urllib.parse

from trainkit.data.downloads import fetch
from trainkit.data.downloads import file_hash as _digest
from trainkit.data.downloads import hash_algorithm as _algorithm_of


def cache_root(cache_dir: str | None = None) -> str:
    """The directory Keras caches under: ``cache_dir`` (default ``~/.keras``), or
    ``/tmp/.keras`` when it cannot be written."""
    base = os.path.expanduser(cache_dir or os.path.join("~", ".keras"))
    if not os.access(base, os.W_OK):
        try:
            os.makedirs(base, exist_ok=True)
        except OSError:
            pass
    return base if os.access(base, os.W_OK) else os.path.join("/tmp", ".keras")


def get_file(fname: str | None = None, origin: str | None = None, md5_hash: str | None = None,
             file_hash: str | None = None, cache_subdir: str = "datasets",
             hash_algorithm: str = "auto", cache_dir: str | None = None) -> str:
    """The local path of ``fname`` under ``cache_dir/cache_subdir``, downloaded from
    ``origin`` first when missing or when its hash is not ``file_hash`` (``md5_hash``:
    an MD5 one); ``fname`` defaults to the URL's last path part.

    Raises:
        ValueError: without ``origin``, without a file name, for an unknown
            ``hash_algorithm``, or when the download's hash is not the expected one.
        OSError: when the download fails (nothing partial is kept).
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to '
                         'download).')
    expected, algorithm = file_hash, hash_algorithm
    if md5_hash is not None and expected is None:
        expected, algorithm = md5_hash, "md5"
    algo = _algorithm_of(expected, algorithm) if expected is not None else None
    fname = os.fspath(fname) if fname else os.path.basename(
        urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: "
                         f"'{origin}'. Please specify the `fname` as the input param.")
    directory = os.path.join(cache_root(cache_dir), cache_subdir)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, fname)
    if os.path.exists(path):
        if expected is None or _digest(path, algo) == expected:
            return path
        print(f"A local file was found, but it seems to be incomplete or outdated because "
              f"the {algo} file hash does not match the original value of {expected} so "
              f"we will re-download the data.")
    print(f"Downloading data from {origin}")
    return fetch(origin, path, expected, algo or "auto")


__all__ = ["get_file", "cache_root"]
