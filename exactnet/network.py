"""An exact feed-forward network: affine layers with relu between them, linear at the end.

Nothing here knows how a network was built. A ``Network`` is immutable; its numbers are exact
rationals (``rational.Q``). The JSON form is the "exactnet.network" version 1 contract:

    {"format": "exactnet.network", "version": 1,
     "layers": [{"weights": [["3", "-7/2"], ...], "bias": ["0", ...], "activation": "relu"}, ...],
     "meta": {...}}

weights are out x in, every number an exact rational string, every layer but the last "relu",
the last "linear". ``from_json`` rejects anything else with a ``NetworkFileError``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exactnet.errors import NetworkFileError
from exactnet.files import write_atomic
from exactnet.rational import NotExact, Q, bits, to_rational, to_text

FORMAT = "exactnet.network"
VERSION = 1
ACTIVATIONS = ("relu", "linear")


@dataclass(frozen=True)
class Layer:
    """``activation(weights @ x + bias)`` with ``weights`` out x in."""

    weights: tuple[tuple[Any, ...], ...]
    bias: tuple[Any, ...]
    activation: str

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.weights), len(self.weights[0]) if self.weights else 0

    def __call__(self, x: Sequence[Any]) -> list[Any]:
        z = [sum((w * v for w, v in zip(row, x)), b) for row, b in zip(self.weights, self.bias)]
        if self.activation == "relu":
            return [v if v > 0 else Q(0) for v in z]
        return z

    def numbers(self) -> list[Any]:
        return [w for row in self.weights for w in row] + list(self.bias)


@dataclass(frozen=True)
class Network:
    layers: tuple[Layer, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        _check_layers(self.layers)

    @property
    def input_dim(self) -> int:
        return self.layers[0].shape[1]

    @property
    def output_dim(self) -> int:
        return self.layers[-1].shape[0]

    @property
    def widths(self) -> list[int]:
        """Hidden layer widths."""
        return [layer.shape[0] for layer in self.layers[:-1]]

    def __call__(self, x: Sequence[Any]) -> list[Any]:
        """Exact output for one input (numbers converted with ``to_rational``)."""
        v = [to_rational(c) for c in x]
        for layer in self.layers:
            v = layer(v)
        return v

    def parameter_count(self) -> int:
        return sum(len(layer.numbers()) for layer in self.layers)

    def bit_stats(self) -> dict[str, int]:
        """Largest and total storage bits over all parameters (``rational.bits``)."""
        sizes = [bits(q) for layer in self.layers for q in layer.numbers()]
        return {"largest_bits": max(sizes), "total_bits": sum(sizes)}

    def __repr__(self) -> str:
        shape = " -> ".join(map(str, [self.input_dim, *self.widths, self.output_dim]))
        built = f", construction={self.meta['construction']!r}" if "construction" in self.meta else ""
        return f"Network({shape}, {self.parameter_count():,} parameters{built})"

    def with_meta(self, **meta: Any) -> Network:
        return Network(self.layers, {**self.meta, **meta})

    # -- JSON ---------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "layers": [
                {
                    "weights": [[to_text(w) for w in row] for row in layer.weights],
                    "bias": [to_text(b) for b in layer.bias],
                    "activation": layer.activation,
                }
                for layer in self.layers
            ],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, obj: Any, source: str = "network") -> Network:
        """Parse and validate the JSON object; raises ``NetworkFileError`` naming the place."""
        if not isinstance(obj, dict):
            raise NetworkFileError(f"{source}: expected a JSON object")
        for key in ("format", "version", "layers"):
            if key not in obj:
                raise NetworkFileError(f"{source}: missing key {key!r}")
        if obj["format"] != FORMAT:
            raise NetworkFileError(f"{source}: format is {obj['format']!r}, expected {FORMAT!r}")
        if type(obj["version"]) is not int or obj["version"] != VERSION:  # not true, 1.0 or "1"
            raise NetworkFileError(f"{source}: version {obj['version']!r} is not supported (expected {VERSION})")
        if not isinstance(obj["layers"], list) or not obj["layers"]:
            raise NetworkFileError(f"{source}: 'layers' must be a non-empty list")
        meta = obj.get("meta", {})
        if not isinstance(meta, dict):
            raise NetworkFileError(f"{source}: 'meta' must be an object")
        layers = tuple(_parse_layer(L, f"{source}: layer {k}") for k, L in enumerate(obj["layers"], start=1))
        try:
            return cls(layers, meta)
        except NetworkFileError as e:
            raise NetworkFileError(f"{source}: {e}") from None

    def save(self, path: str | Path, inputs: Sequence[str | Path] = ()) -> None:
        """Write the JSON file atomically: a temporary file renamed into place on success, never
        over one of ``inputs`` or anything but a regular file (``write_atomic``)."""
        write_atomic(path, json.dumps(self.to_json(), indent=1) + "\n", inputs)

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Read a network file; raises ``NetworkFileError`` for a missing or malformed file."""
        p = Path(path)
        if p.is_dir():
            raise NetworkFileError(f"{p}: is a folder, not a network file")
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise NetworkFileError(f"{p}: cannot read ({e.__class__.__name__}: {str(e)[:120]})") from None
        if not text.strip():
            raise NetworkFileError(f"{p}: empty file")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise NetworkFileError(f"{p}: not valid JSON ({e})") from None
        except RecursionError:
            raise NetworkFileError(f"{p}: JSON nested too deeply to read") from None
        except ValueError as e:  # an integer beyond Python's digit limit
            raise NetworkFileError(f"{p}: not valid JSON ({str(e)[:80]})") from None
        return cls.from_json(obj, str(p))


def common_row(weights: Sequence[Sequence[Any]]) -> tuple[Sequence[Any], int] | None:
    """The first nonzero row ``w`` and its first nonzero column ``k`` when every row of
    ``weights`` is a multiple of ``w`` (row u is ``(row_u[k] / w[k]) * w``: cross products
    ``row_u[j] w[k] == row_u[k] w[j]``, exact for integers and rationals alike); None when some
    row is not, or every row is zero."""
    w = next((row for row in weights if any(row)), None)
    if w is None:
        return None
    k = next(i for i, v in enumerate(w) if v)
    if any(r * w[k] != row[k] * v for row in weights for r, v in zip(row, w)):
        return None
    return w, k


def _parse_layer(obj: Any, where: str) -> Layer:
    if not isinstance(obj, dict):
        raise NetworkFileError(f"{where}: expected an object")
    for key in ("weights", "bias", "activation"):
        if key not in obj:
            raise NetworkFileError(f"{where}: missing key {key!r}")
    if obj["activation"] not in ACTIVATIONS:
        raise NetworkFileError(f"{where}: unknown activation {obj['activation']!r} (expected relu or linear)")
    W, b = obj["weights"], obj["bias"]
    if not isinstance(W, list) or not W or not all(isinstance(r, list) for r in W):
        raise NetworkFileError(f"{where}: 'weights' must be a non-empty list of rows")
    if not isinstance(b, list):
        raise NetworkFileError(f"{where}: 'bias' must be a list")
    weights = tuple(
        tuple(_number(v, f"{where}, weights[{i}][{j}]") for j, v in enumerate(row)) for i, row in enumerate(W)
    )
    bias = tuple(_number(v, f"{where}, bias[{i}]") for i, v in enumerate(b))
    return Layer(weights, bias, obj["activation"])


def _number(v: Any, where: str) -> Any:
    if not isinstance(v, str):
        raise NetworkFileError(f"{where}: expected an exact rational string such as \"-7/2\", found {v!r}")
    try:
        return to_rational(v)
    except NotExact as e:
        raise NetworkFileError(f"{where}: {e}") from None


def _check_layers(layers: tuple[Layer, ...]) -> None:
    if not layers:
        raise NetworkFileError("a network needs at least one layer")
    for k, layer in enumerate(layers, start=1):
        out, inp = layer.shape
        if out == 0 or inp == 0:
            raise NetworkFileError(f"layer {k}: empty weight matrix")
        for i, row in enumerate(layer.weights):
            if len(row) != inp:
                raise NetworkFileError(f"layer {k}: weights row {i} has {len(row)} entries, expected {inp}")
        if len(layer.bias) != out:
            raise NetworkFileError(f"layer {k}: bias has {len(layer.bias)} entries, expected {out}")
        if k > 1 and inp != layers[k - 2].shape[0]:
            raise NetworkFileError(f"layer {k}: takes {inp} inputs but layer {k - 1} gives {layers[k - 2].shape[0]}")
        expected = "linear" if k == len(layers) else "relu"
        if layer.activation != expected:
            raise NetworkFileError(f"layer {k}: activation {layer.activation!r}, expected {expected!r}")
