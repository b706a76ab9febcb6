"""Verification benchmarks whose answers are known exactly: properties over input boxes, their
exact answers (``output_range``), VNN-LIB text, the benchmark folder, and scoring a verifier's
results against it."""
