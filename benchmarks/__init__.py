"""Side-by-side benchmarks of trainkit against TF1, PyTorch and hand-written NumPy.

Run ``python -m benchmarks`` (or ``python benchmarks/run.py``); see ``README.md``.
Nothing here is imported by trainkit or by its test suite's core tests.
"""
