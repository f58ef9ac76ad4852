"""tf.gfile on local paths: TF's results and TF's typed errors."""

from __future__ import annotations

import pytest

import trainkit as tf
from trainkit import errors


def test_dirs_files_listing_and_walk(tmp_path):
    root = str(tmp_path / "a")
    tf.gfile.MakeDirs(root + "/b/c")
    tf.gfile.MakeDirs(root + "/b/c")  # existing is fine
    assert tf.gfile.IsDirectory(root + "/b") and tf.gfile.Exists(root)
    with tf.gfile.GFile(root + "/x.txt", "w") as f:
        f.write("line1\nline2\n")
    with tf.gfile.Open(root + "/b/y.bin", "wb") as f:
        f.write(b"\x00\x01")
    assert tf.gfile.ListDirectory(root) == ["b", "x.txt"]
    assert tf.gfile.Glob(root + "/*.txt") == [root + "/x.txt"]
    walked = list(tf.gfile.Walk(root))
    assert walked[0] == (root, ["b"], ["x.txt"])
    assert walked[1] == (root + "/b", ["c"], ["y.bin"])
    assert [w[0] for w in tf.gfile.Walk(root, in_order=False)][-1] == root
    assert list(tf.gfile.Walk(root + "/missing")) == []
    st = tf.gfile.Stat(root + "/b/y.bin")
    assert st.length == 2 and not st.is_directory and st.mtime_nsec > 0
    with tf.gfile.GFile(root + "/x.txt") as f:
        assert f.readline() == "line1\n" and f.read() == "line2\n"
    with tf.gfile.FastGFile(root + "/b/y.bin", "rb") as f:
        assert f.read() == b"\x00\x01" and f.size() == 2
    assert list(tf.gfile.GFile(root + "/x.txt")) == ["line1\n", "line2\n"]
    tf.gfile.MkDir(root + "/d")
    with pytest.raises(errors.AlreadyExistsError):
        tf.gfile.MkDir(root + "/d")
    with pytest.raises(errors.NotFoundError):
        tf.gfile.MkDir(root + "/no/such")
    tf.gfile.DeleteRecursively(root + "/b")
    assert not tf.gfile.Exists(root + "/b")


def test_copy_rename_remove_and_their_errors(tmp_path):
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")
    with tf.io.gfile.GFile(a, "w") as f:
        f.write("A")
    tf.gfile.Copy(a, b)
    with pytest.raises(errors.AlreadyExistsError):
        tf.gfile.Copy(a, b)
    with tf.gfile.GFile(a, "a") as f:
        f.write("B")
    tf.gfile.Copy(a, b, overwrite=True)
    assert tf.gfile.GFile(b).read() == "AB"
    with pytest.raises(errors.AlreadyExistsError):
        tf.gfile.Rename(a, b)
    tf.io.gfile.rename(a, b, overwrite=True)
    assert not tf.io.gfile.exists(a) and tf.io.gfile.listdir(str(tmp_path)) == ["b.txt"]
    tf.gfile.Remove(b)
    for fn, args in [(tf.gfile.Remove, (b,)), (tf.gfile.DeleteRecursively, (b,)),
                     (tf.gfile.Stat, (b,)), (tf.gfile.ListDirectory, (b,)),
                     (tf.gfile.Copy, (b, a)), (tf.gfile.Rename, (b, a))]:
        with pytest.raises(errors.NotFoundError):
            fn(*args)
    with pytest.raises(errors.NotFoundError):
        tf.gfile.GFile(b).read()  # opened lazily, like TF


def test_modes_and_schemes(tmp_path):
    p = str(tmp_path / "f")
    with pytest.raises(errors.InvalidArgumentError, match="mode"):
        tf.gfile.GFile(p, "x")
    with tf.gfile.GFile(p, "w") as f:
        with pytest.raises(errors.PermissionDeniedError):
            f.read()
        f.write("x")
    with pytest.raises(errors.PermissionDeniedError):
        tf.gfile.GFile(p, "r").write("no")
    with pytest.raises(errors.UnimplementedError, match="gs"):
        tf.gfile.Exists("gs://bucket/x")
    assert tf.gfile.Exists("file://" + p)
