"""The progress callback every long computation takes: ``progress(done, total)``, called with the
count of work done so far (points, neurons) and the total."""

from collections.abc import Callable

Progress = Callable[[int, int], None]
