"""malloc tuning: applied once by the first Session (glibc), opt-out by environment.

Each case runs in a fresh interpreter: the settings are process-wide and applied once.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from trainkit.client import malloc_tuning

CODE = ("import trainkit as tk\n"
        "from trainkit.client import malloc_tuning as m\n"
        "assert m.applied() is None\n"
        "tk.Session().close()\n"
        "print(m.applied())\n")


def _run(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("TRAINKIT_MALLOC", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(malloc_tuning._glibc() is None, reason="not glibc")
def test_first_session_applies_the_settings():
    assert _run({}) == "True"


def test_opt_out_and_user_settings_are_respected():
    assert _run({"TRAINKIT_MALLOC": "default"}) == "False"
    assert _run({"MALLOC_MMAP_THRESHOLD_": "131072"}) == "False"
    assert _run({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1000"}) == "False"
