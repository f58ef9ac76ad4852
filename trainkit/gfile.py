"""``trainkit.gfile`` (``tf.gfile``; lower-case names are ``tf.io.gfile``). Re-exports."""

from __future__ import annotations

from trainkit.platform.gfile import (
    Copy,
    DeleteRecursively,
    Exists,
    FastGFile,
    FileStatistics,
    GFile,
    Glob,
    IsDirectory,
    ListDirectory,
    MakeDirs,
    MkDir,
    Open,
    Remove,
    Rename,
    Stat,
    Walk,
    copy,
    exists,
    glob,
    isdir,
    listdir,
    makedirs,
    mkdir,
    remove,
    rename,
    rmtree,
    stat,
    walk,
)
