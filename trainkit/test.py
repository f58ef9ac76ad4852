"""``trainkit.test`` (``tf.test``): ``TestCase``, the gradient checker and the test-runner
helpers. Re-exports only (see ``trainkit/testing``)."""

from __future__ import annotations

from trainkit.testing.case import TestCase
from trainkit.testing.environment import (
    get_temp_dir,
    gpu_device_name,
    is_built_with_cuda,
    is_built_with_gpu_support,
    is_built_with_rocm,
    is_built_with_xla,
    is_gpu_available,
    main,
)
from trainkit.testing.gradient_checker import compute_gradient, compute_gradient_error

__all__ = ["TestCase", "compute_gradient", "compute_gradient_error", "get_temp_dir",
           "gpu_device_name", "is_built_with_cuda", "is_built_with_gpu_support",
           "is_built_with_rocm", "is_built_with_xla", "is_gpu_available", "main"]
