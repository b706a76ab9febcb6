"""Run one engine on one batch, in its own process: ``python -m exactnet.engines.child NAME
MODEL.onnx X.npy OUT.npy``. Writes the outputs, or the first line of the error to OUT.npy.err
and exits 3. Engines crash, hang and print: the parent kills this process at its time limit and
reads only the files."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from exactnet.engines.adapters import describe, engine


def main(argv: list[str]) -> int:
    name, model, inputs, output = argv
    try:
        got = engine(name).infer(model, np.load(inputs))
        np.save(output, np.asarray(got))
        return 0
    except BaseException as e:  # everything an engine raises becomes a row, never our traceback
        Path(output + ".err").write_text(describe(e))
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
