"""The load generator starts busy processes, stops them, and refuses nonsense counts."""

from __future__ import annotations

import pytest

from benchmarks import load


def test_busy_cores_start_and_stop() -> None:
    with load.busy_cores(1) as procs:
        assert len(procs) == 1 and procs[0].is_alive()
    assert not procs[0].is_alive()


@pytest.mark.parametrize("cores, seconds", [(0, 1.0), (-1, 1.0), (1, -0.5)])
def test_bad_arguments(cores: int, seconds: float) -> None:
    with pytest.raises(ValueError, match="must be >= "):
        load.start(cores, seconds)
