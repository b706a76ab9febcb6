"""The benchmark folder in the VNN-COMP layout, with the exact answers beside it.

    DIR/onnx/network.onnx          the network itself: every weight exact in the ONNX dtype
    DIR/vnnlib/<name>.vnnlib       VNN-LIB 1.0 properties
    DIR/vnnlib2/<name>.vnnlib      the same properties in VNN-LIB 2.0
    DIR/instances.csv              onnx,vnnlib,timeout per line (1.0 files; no header, as VNN-COMP)
    DIR/instances_vnnlib2.csv      the same with the 2.0 files
    DIR/expected.csv               the exact answer of each instance (header row)
    DIR/network.json               the exact network (exactnet.network)
    DIR/benchmark.json             properties and answers as exact rationals, read by ``score``

The folder is written whole or not at all: into a temporary folder beside DIR, renamed to DIR
at the end. DIR must not exist yet, or be an empty folder.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exactnet.errors import ArgumentError, NetworkFileError, OutputPathError
from exactnet.export import onnx as onnx_format
from exactnet.export.dtypes import FLOATS, round_float
from exactnet.export.rounding import RoundedNetwork, round_network
from exactnet.instances.generate import Instance
from exactnet.instances.property import Clause, Property, answer
from exactnet.instances.vnnlib_text import text_v1, text_v2
from exactnet.network import Layer, Network
from exactnet.rational import NotExact, to_rational, to_text
from exactnet.verifier.span import TARGETS, Arithmetic
from exactnet.verifier.sweep import output_range

FORMAT = "exactnet.benchmark"
VERSION = 1
ONNX = "onnx/network.onnx"
DTYPES = ("float64", "float32")
MIN_TIMEOUT = 0.001  # seconds: instances.csv says how long a verifier may take


@dataclass(frozen=True)
class Expected:
    """One instance as ``score`` reads it back."""

    name: str
    vnnlib: str
    property: Property
    verdict: str


def check_onnx_exact(net: Network, rounded: RoundedNetwork, instances: Sequence[Instance]) -> None:
    """Raise ``ArgumentError`` unless ``rounded`` (``net`` rounded to the ONNX dtype) is ``net``
    itself and every box bound is exact in that dtype: the ONNX file must be the exact network,
    and its inputs must reach the box's corners."""
    dtype = rounded.dtype.name
    fix = f"so an ONNX file would be another network; build with `exact_in` {dtype} to get one that is"
    if rounded.exact is None:
        raise ArgumentError(f"a weight or bias overflows {dtype}, {fix}")
    for k, (layer, back) in enumerate(zip(net.layers, rounded.exact.layers), start=1):
        if back != layer:
            raise ArgumentError(f"layer {k} {_first_difference(layer, back)} is not exact in {dtype}, {fix}")
    for inst in instances:
        for q in (*inst.property.lower, *inst.property.upper):
            if to_rational(round_float(q, rounded.dtype)) != q:
                raise ArgumentError(f"instance {inst.name}: box bound {to_text(q)} is not exact in {dtype}")


def check_network(net: Network, dtype: str) -> RoundedNetwork:
    """The network rounded to the ONNX ``dtype``, checked before any instance is computed:
    ``ArgumentError`` for an unknown dtype or a weight the dtype would change."""
    if dtype not in DTYPES:
        raise ArgumentError(f"`dtype` {dtype}: use float64 or float32")
    rounded = round_network(net, FLOATS[dtype])
    check_onnx_exact(net, rounded, ())
    return rounded


def _first_difference(layer: Layer, back: Layer) -> str:
    for i, (row, again) in enumerate(zip(layer.weights, back.weights)):
        for j, (w, v) in enumerate(zip(row, again)):
            if w != v:
                return f"weight [{i}][{j}]"
    return next(f"bias [{i}]" for i, (b, v) in enumerate(zip(layer.bias, back.bias)) if b != v)


def write_benchmark(path: str | Path, net: Network, instances: Sequence[Instance], *, timeout: float = 60,
                    dtype: str = "float64", arithmetic: Arithmetic | None = None) -> None:
    """Write the benchmark folder (see the module docstring). ``arithmetic`` (the verifier's
    certificate on the data) records in benchmark.json the formats whose evaluation of the
    network is exact on the data, beside the dtype that holds its weights exactly. Raises
    ``ArgumentError`` for a network or box not exact in ``dtype`` or no instances,
    ``OutputPathError`` for a DIR that exists and is not an empty folder or cannot be written."""
    target = Path(path)
    if not instances:
        raise ArgumentError("no instances to write (every point was robust at all radii, or sat at the smallest)")
    if not math.isfinite(timeout) or timeout < MIN_TIMEOUT:
        raise ArgumentError(f"`timeout` must be a finite number of seconds, at least {MIN_TIMEOUT:g}, not {timeout}")
    if target.is_symlink() or (target.exists() and (not target.is_dir() or any(target.iterdir()))):
        raise OutputPathError(f"{target}: exists and is not an empty folder; give a new folder")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputPathError(f"{target}: cannot write, folder {parent} does not exist")
    rounded = check_network(net, dtype)
    check_onnx_exact(net, rounded, instances)
    model = onnx_format.model_bytes(rounded)
    files = {ONNX: model, "network.json": json.dumps(net.to_json(), indent=1) + "\n"}
    m = net.output_dim
    for inst in instances:
        files[f"vnnlib/{inst.name}.vnnlib"] = text_v1(inst.property, m)
        files[f"vnnlib2/{inst.name}.vnnlib"] = text_v2(inst.property, m)
    t = f"{timeout:g}"
    files["instances.csv"] = "".join(f"{ONNX},vnnlib/{i.name}.vnnlib,{t}\n" for i in instances)
    files["instances_vnnlib2.csv"] = "".join(f"{ONNX},vnnlib2/{i.name}.vnnlib,{t}\n" for i in instances)
    files["expected.csv"] = _expected_csv(instances)
    evaluation = None if arithmetic is None else [t for t in TARGETS if t != "rational" and arithmetic.holds(t)]
    files["benchmark.json"] = json.dumps(_benchmark_json(instances, dtype, evaluation), indent=1) + "\n"
    try:
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}."))
    except OSError as e:
        raise OutputPathError(f"{target}: cannot write ({e.strerror})") from None
    try:
        for rel, content in files.items():
            f = tmp / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(content if isinstance(content, bytes) else content.encode())
        tmp.chmod(0o777 & ~_umask())
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputPathError(f"{target}: cannot write ({e.strerror})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _expected_csv(instances: Sequence[Instance]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["vnnlib", "expected", "kind", "row", "radius", "margin_knob", "clause", "extreme", "margin", "witness"])
    for i in instances:
        a = i.answer
        w.writerow([f"vnnlib/{i.name}.vnnlib", a.verdict, i.kind, i.row, to_text(i.radius),
                    "" if i.gap is None else to_text(i.gap), _clause_text(a.clause), to_text(a.extreme),
                    to_text(a.margin), " ".join(map(to_text, a.witness))])
    return buf.getvalue()


def _clause_text(c: Clause) -> str:
    right = f"Y_{c.other}" + (f" + {to_text(c.bound)}" if c.bound else "") if c.other is not None else to_text(c.bound)
    return f"Y_{c.output} {c.op} {right}"


def _benchmark_json(instances: Sequence[Instance], dtype: str, evaluation: list[str] | None) -> dict[str, Any]:
    return {
        "format": FORMAT, "version": VERSION, "onnx": ONNX, "dtype": dtype, "network": "network.json",
        "weights_exact_in": dtype, **({} if evaluation is None else {"evaluation_exact_on_data_in": evaluation}),
        "instances": [{
            "name": i.name, "vnnlib": f"vnnlib/{i.name}.vnnlib", "vnnlib2": f"vnnlib2/{i.name}.vnnlib",
            "expected": i.answer.verdict, "kind": i.kind, "row": i.row,
            "lower": [to_text(v) for v in i.property.lower], "upper": [to_text(v) for v in i.property.upper],
            "clauses": [{"output": c.output, "op": c.op, "bound": to_text(c.bound), "other": c.other}
                        for c in i.property.clauses],
            "extreme": to_text(i.answer.extreme), "margin": to_text(i.answer.margin),
            "witness": [to_text(v) for v in i.answer.witness],
        } for i in instances],
    }


def read_benchmark(path: str | Path) -> tuple[Network, list[Expected]]:
    """The exact network and the instances of a benchmark folder written by ``write_benchmark``,
    every expected answer recomputed from the network and the property (exact output ranges):
    a key that disagrees is refused, never trusted. Raises ``ArgumentError`` naming the file and
    what is wrong."""
    folder = Path(path)
    meta = folder / "benchmark.json"
    if not meta.is_file():
        raise ArgumentError(f"{folder}: not a benchmark folder written by exactnet vnnlib (no benchmark.json)")
    try:
        obj = json.loads(meta.read_text())
        if obj.get("format") != FORMAT or obj.get("version") != VERSION:
            raise ArgumentError(f"{meta}: not an {FORMAT} version {VERSION} file")
        net = Network.load(_inside(folder, obj["network"], meta))
        found = []
        for k, i in enumerate(obj["instances"]):
            clauses = tuple(_clause(c, net.output_dim, f"{meta}: instance {k + 1}") for c in i["clauses"])
            prop = Property(tuple(map(to_rational, i["lower"])), tuple(map(to_rational, i["upper"])), clauses)
            if len(prop.lower) != net.input_dim or len(prop.upper) != net.input_dim or not clauses \
                    or i["expected"] not in ("sat", "unsat"):
                raise ArgumentError(f"{meta}: instance {k + 1} does not fit the network, has no clause or no "
                                    "sat/unsat answer")
            recomputed = answer(prop, output_range(net, prop.lower, prop.upper)).verdict
            if recomputed != i["expected"]:
                raise ArgumentError(f"{meta}: instance {k + 1} ({i['name']}) says {i['expected']}, but the network "
                                    f"and its property give {recomputed}: the answer key does not hold")
            name = str(i["name"])
            if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
                raise ArgumentError(f"{meta}: instance {k + 1} name {name[:40]!r} is not a plain file name")
            found.append(Expected(name, str(i["vnnlib"]), prop, recomputed))
    except (ValueError, KeyError, TypeError, AttributeError, NotExact, NetworkFileError, RecursionError) as e:
        if isinstance(e, ArgumentError):
            raise
        raise ArgumentError(f"{meta}: malformed ({type(e).__name__}: {str(e)[:120]})") from None
    return net, found


def _clause(c: Any, outputs: int, where: str) -> Clause:
    """One clause of benchmark.json, every field checked: outputs in range, op ">=" or "<="."""
    op, output, other = c["op"], c["output"], c["other"]
    for name, index in (("output", output), ("other", other)):
        if index is None and name == "other":
            continue
        if type(index) is not int or not 0 <= index < outputs:
            raise ArgumentError(f"{where}: clause {name} {index!r} is not an output of a network with {outputs}")
    if op not in (">=", "<="):
        raise ArgumentError(f"{where}: clause op {op!r}, expected '>=' or '<='")
    return Clause(output, op, to_rational(c["bound"]), other)


def _inside(folder: Path, name: Any, meta: Path) -> Path:
    """``folder / name`` when it is a regular file inside ``folder`` (no link out, no ..)."""
    path = folder / str(name)
    if path.is_symlink() or folder.resolve() not in path.resolve().parents or not path.is_file():
        raise ArgumentError(f"{meta}: network {str(name)[:60]!r} is not a regular file inside {folder}")
    return path
