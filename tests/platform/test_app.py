"""tf.app.run parses flags, calls main with the remaining argv and exits with its result
(TF 1.15: absl app.run with unknown flags tolerated and handed to main)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import sys
    import trainkit as tf
    tf.app.flags.DEFINE_integer("steps", 3, "steps")
    tf.app.flags.DEFINE_string("name", "x", "name")
    FLAGS = tf.app.flags.FLAGS

    def main(argv):
        print("steps", FLAGS.steps, "name", FLAGS.name, "argv", argv[1:])
        return FLAGS.steps

    if __name__ == "__main__":
        tf.app.run()
""")


def _run(tmp_path, *args):
    path = tmp_path / "prog.py"
    path.write_text(SCRIPT)
    return subprocess.run([sys.executable, str(path), *args], capture_output=True,
                          text=True, timeout=60)


def test_run_passes_remaining_argv_and_exits_with_main_result(tmp_path):
    r = _run(tmp_path, "--steps=4", "file.txt", "--name", "abc", "--unknown=1")
    assert r.returncode == 4, r.stderr
    assert "steps 4 name abc argv ['file.txt', '--unknown=1']" in r.stdout


def test_bad_flag_value_exits_1_with_message(tmp_path):
    r = _run(tmp_path, "--steps=many")
    assert r.returncode == 1
    assert "FATAL Flags parsing error" in r.stderr and "steps" in r.stderr


def test_help_lists_flags(tmp_path):
    r = _run(tmp_path, "--help")
    assert r.returncode == 0 and "--steps" in r.stdout


def test_run_in_process_with_explicit_argv():
    import trainkit as tf

    seen = []
    with pytest.raises(SystemExit) as e:
        tf.app.run(main=lambda argv: seen.append(argv), argv=["prog", "a"])
    assert e.value.code is None and seen == [["prog", "a"]]
