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


@pytest.fixture
def fresh_flags(monkeypatch):
    from trainkit.platform import flags

    fv = flags.FlagValues()
    monkeypatch.setattr(flags, "FLAGS", fv)
    flags.DEFINE_integer("steps", 3, "Training steps.", flag_values=fv)
    return fv


def test_bad_flag_value_exits_1_with_message(fresh_flags, capsys):
    import trainkit as tf

    with pytest.raises(SystemExit) as e:
        tf.app.run(main=lambda argv: 0, argv=["prog", "--steps=many"])
    assert e.value.code == 1
    err = capsys.readouterr().err
    assert "FATAL Flags parsing error" in err and "steps" in err


def test_help_lists_flags(fresh_flags, capsys):
    import trainkit as tf

    with pytest.raises(SystemExit) as e:
        tf.app.run(main=lambda argv: 0, argv=["prog", "--help"])
    assert e.value.code == 0 and "--steps: Training steps." in capsys.readouterr().out


def test_run_in_process_with_explicit_argv():
    import trainkit as tf

    seen = []
    with pytest.raises(SystemExit) as e:
        tf.app.run(main=lambda argv: seen.append(argv), argv=["prog", "a"])
    assert e.value.code is None and seen == [["prog", "a"]]
