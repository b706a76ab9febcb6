"""Writing files safely: never over an input or anything but a regular file, never half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from exactnet.errors import OutputPathError


def check_writable(path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """``path`` as a Path if a file can be written there; raises ``OutputPathError`` when it is
    a folder, a symbolic link, a device, pipe or socket (anything but a regular file or nothing),
    one of ``inputs`` (the same file by any name: same path, symbolic or hard link), or its
    folder does not exist. Call it before long work that ends in a write."""
    p = Path(path)
    if p.is_symlink():
        raise OutputPathError(f"{p}: is a symbolic link; give the path of a regular file (nothing is replaced)")
    if p.is_dir():
        raise OutputPathError(f"{p}: is a folder; give a file name")
    if p.exists() and not p.is_file():
        raise OutputPathError(f"{p}: is not a regular file (a device, pipe or socket); nothing is replaced")
    for source in inputs:
        if p.exists() and Path(source).exists() and os.path.samefile(p, source):
            raise OutputPathError(f"{p}: is the input file {source}; give another output path")
    if not p.parent.is_dir():  # a bare file name's parent is "."
        raise OutputPathError(f"{p}: cannot write, folder {p.parent} does not exist")
    return p


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes, inputs: Sequence[str | Path] = ()) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename,
    so a failure never leaves a partial file behind; the file gets the permissions the umask
    allows (as ``open`` would give). Raises ``OutputPathError`` (see ``check_writable``) before
    writing anything, and naming ``path`` when the write itself fails."""
    p = check_writable(path, inputs)
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputPathError(f"{p}: cannot write ({e.strerror})") from None
    try:
        with os.fdopen(fd, mode) as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, p)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputPathError(f"{p}: cannot write ({e.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
