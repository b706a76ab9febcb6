"""Errors that exactnet raises for bad input. Each message names what is wrong and where."""


class ExactnetError(ValueError):
    """Base class: bad input that the user can fix. The CLI maps it to exit code 2."""


class DataError(ExactnetError):
    """Data that cannot be memorized as given (shape, values, duplicates, conflicts)."""


class NetworkFileError(ExactnetError):
    """A network file or object that does not follow the exactnet.network format."""


class OutputPathError(ExactnetError):
    """An output path that cannot be written: a folder, or inside a folder that does not exist."""


class CapacityError(ExactnetError):
    """Widths too small for the number of points."""


class ArgumentError(ExactnetError):
    """An argument outside its domain (a box of the wrong size, a radius <= 0), or a network
    outside the shape an analysis handles."""


class InvariantError(RuntimeError):
    """A construction invariant that failed: a bug in exactnet, never bad input. Raised by
    ``require``, which (unlike ``assert``) also runs under ``python -O``."""


def require(condition: bool, what: str) -> None:
    """Raise ``InvariantError(what)`` unless ``condition`` holds."""
    if not condition:
        raise InvariantError(what)


class CheckFailed(Exception):
    """A check that did not pass: a network that is not exact, an error above a tolerance. The
    CLI maps it to exit code 1; it is never raised for bad input."""
