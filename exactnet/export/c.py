"""A C99 header: the rounded weights as literals and one inference function, no dynamic memory.

``long exactnet_forward(const exactnet_t in[EXACTNET_INPUTS], exactnet_t out[EXACTNET_OUTPUTS])``
computes the network in the order and with the rules of ``emulate`` and returns the number of
saturations (fixed point) or of non-finite pre-activations (float). Fixed point: values are
``integer / 2^EXACTNET_FRAC_BITS`` in int8/16/32/64 storage, a 64-bit accumulator (128 bits,
via the common ``__int128`` extension, for 64-bit storage). Floats: float or double with exact
hexadecimal literals; for bit-exact results compile without contraction of a*b+c into fused
multiply-adds (gcc, clang: -ffp-contract=off).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exactnet.export.dtypes import ExportError, FixedType, FloatType, check_format_dtype
from exactnet.export.int64 import Int64Network
from exactnet.export.rounding import RoundedNetwork

C_TYPES = {"float32": ("float", "f"), "float64": ("double", "")}  # C99 type and literal suffix


def header(rounded: RoundedNetwork) -> str:
    """The header text for ``rounded``; raises ``ExportError`` for float16/bfloat16 (no C99 type)."""
    dt = rounded.dtype
    check_format_dtype("c", dt)
    sizes = [rounded.arrays[0][0].shape[1]] + [W.shape[0] for W, _ in rounded.arrays]
    lines = [
        f"/* exactnet network, {dt.name}: {' -> '.join(map(str, sizes))}, relu between layers. */",
        "#ifndef EXACTNET_NETWORK_H", "#define EXACTNET_NETWORK_H", "",
        "#include <stdint.h>", "#include <math.h>", "",
        f"#define EXACTNET_INPUTS {sizes[0]}", f"#define EXACTNET_OUTPUTS {sizes[-1]}",
        f"#define EXACTNET_MAX_WIDTH {max(sizes)}",
    ]
    lines += _fixed_prelude(dt) if isinstance(dt, FixedType) else _float_prelude(dt)
    lines += _arrays(rounded.arrays, "exactnet_t", _literal(dt))
    lines += ["", "static long exactnet_forward(const exactnet_t in[EXACTNET_INPUTS],"
                  " exactnet_t out[EXACTNET_OUTPUTS])",
              "{", *(f"    exactnet_t buf{j}[EXACTNET_MAX_WIDTH];" for j in range(min(len(rounded.arrays) - 1, 2))),
              "    const exactnet_t *x = in;", "    exactnet_t *y;", "    exactnet_acc_t acc;",
              "    long count = 0;", "    int o, i;"]
    last = len(rounded.arrays)
    for k, ((W, _), act) in enumerate(zip(rounded.arrays, rounded.activations), start=1):
        target = "out" if k == last else ("buf0" if k % 2 else "buf1")
        lines += [
            f"    y = {target};",
            f"    for (o = 0; o < {W.shape[0]}; ++o) {{",
            f"        acc = EXACTNET_BIAS(exactnet_b{k}[o]);",
            f"        for (i = 0; i < {W.shape[1]}; ++i) acc = exactnet_mac(acc, exactnet_w{k}[o][i], x[i], &count);",
            f"        y[o] = exactnet_finish(acc, &count, {1 if act == 'relu' else 0});",
            "    }", "    x = y;",
        ]
    lines += ["    return count;", "}", "", "#endif", ""]
    return "\n".join(lines)


def _arrays(arrays: Any, ctype: str, lit: Callable[[Any], str]) -> list[str]:
    """The weights and biases of every layer as C arrays of ``ctype`` (``lit`` writes one value)."""
    lines = []
    for k, (W, b) in enumerate(arrays, start=1):
        rows = ",\n    ".join("{" + ", ".join(lit(v) for v in row) + "}" for row in W.tolist())
        lines += [f"static const {ctype} exactnet_w{k}[{W.shape[0]}][{W.shape[1]}] = {{\n    {rows}}};",
                  f"static const {ctype} exactnet_b{k}[{b.shape[0]}] = {{{', '.join(lit(v) for v in b.tolist())}}};"]
    return lines


def _literal(dt: FixedType | FloatType) -> Callable[[Any], str]:
    if isinstance(dt, FixedType):
        return lambda v: _int_literal(int(v), dt.storage_bits)
    suffix = C_TYPES[dt.name][1]

    def lit(v: float) -> str:
        if v != v or v in (float("inf"), float("-inf")):
            return "NAN" if v != v else ("INFINITY" if v > 0 else "-INFINITY")
        return float(v).hex() + suffix
    return lit


def _int_literal(v: int, bits: int) -> str:
    if bits < 64:
        return str(v)
    return "INT64_MIN" if v == -(1 << 63) else f"INT64_C({v})"


def _float_prelude(dt: FloatType) -> list[str]:
    ctype = C_TYPES[dt.name][0]
    return [
        f"typedef {ctype} exactnet_t;", f"typedef {ctype} exactnet_acc_t;", "",
        "#define EXACTNET_BIAS(b) (b)",
        "static exactnet_acc_t exactnet_mac(exactnet_acc_t acc, exactnet_t w, exactnet_t x, long *count)",
        "{", "    exactnet_t p = w * x;", "    (void)count;", "    return acc + p;", "}",
        "static exactnet_t exactnet_finish(exactnet_acc_t acc, long *count, int relu)",
        "{", "    if (!isfinite(acc)) ++*count;",
        "    return (relu && acc <= 0) ? (exactnet_t)0 : acc;  /* relu keeps NaN, like numpy.maximum */",
        "}", "",
    ]


def _fixed_prelude(fx: FixedType) -> list[str]:
    n, sb = fx.frac_bits, fx.storage_bits
    if sb > 64:
        raise ExportError(f"{fx.name} needs more than 64 bits of storage")
    if sb <= 32:
        acc = ["typedef int64_t exactnet_acc_t;", "typedef uint64_t exactnet_uacc_t;",
               "#define EXACTNET_ACC_MAX INT64_MAX", "#define EXACTNET_ACC_MIN INT64_MIN"]
    else:
        acc = ["#ifndef __SIZEOF_INT128__", "#error \"64-bit fixed-point storage needs a compiler with __int128\"",
               "#endif", "typedef __int128 exactnet_acc_t;", "typedef unsigned __int128 exactnet_uacc_t;",
               "#define EXACTNET_ACC_MAX ((exactnet_acc_t)(((exactnet_uacc_t)1 << 127) - 1))",
               "#define EXACTNET_ACC_MIN (-EXACTNET_ACC_MAX - 1)"]
    lo, hi = (f"((exactnet_acc_t){_int_literal(v, 64)})" for v in (fx.lo, fx.hi))
    round_bit = (f"    q += (exactnet_acc_t)(((exactnet_uacc_t)acc >> {n - 1}) & 1u);  /* half up */"
                 if n else "")
    return [
        f"/* Fixed point {fx.name}: a value v is stored as the integer v * 2^{n}. Products are exact in the",
        "   accumulator, each addition saturates to its range, the sum is rounded to the storage's",
        "   fraction bits half up and saturated to the storage range; every clamp is counted. */",
        f"#define EXACTNET_FRAC_BITS {n}",
        f"typedef int{sb}_t exactnet_t;", *acc,
        f"#define EXACTNET_STORE_MIN {lo}", f"#define EXACTNET_STORE_MAX {hi}", "",
        f"#define EXACTNET_BIAS(b) ((exactnet_acc_t)(b) * ((exactnet_acc_t)1 << {n}))",
        "static exactnet_acc_t exactnet_mac(exactnet_acc_t acc, exactnet_t w, exactnet_t x, long *count)",
        "{",
        "    exactnet_acc_t p = (exactnet_acc_t)w * (exactnet_acc_t)x;",
        "    if (p > 0 && acc > EXACTNET_ACC_MAX - p) { ++*count; return EXACTNET_ACC_MAX; }",
        "    if (p < 0 && acc < EXACTNET_ACC_MIN - p) { ++*count; return EXACTNET_ACC_MIN; }",
        "    return acc + p;",
        "}",
        "static exactnet_t exactnet_finish(exactnet_acc_t acc, long *count, int relu)",
        "{",
        f"    exactnet_acc_t q = acc >= 0 ? acc >> {n} : ~((~acc) >> {n});  /* floor(acc / 2^{n}) */",
        round_bit,
        "    if (q > EXACTNET_STORE_MAX) { ++*count; q = EXACTNET_STORE_MAX; }",
        "    if (q < EXACTNET_STORE_MIN) { ++*count; q = EXACTNET_STORE_MIN; }",
        "    if (relu && q < 0) q = 0;",
        "    return (exactnet_t)q;",
        "}", "",
    ]


def int64_header(net: Int64Network) -> str:
    """A C99 header: ``void exactnet_forward(const int64_t in[], int64_t out[])`` taking
    ``x * 2^EXACTNET_INPUT_EXP`` and giving ``y * 2^EXACTNET_OUTPUT_EXP``."""
    sizes = [net.arrays[0][0].shape[1]] + [W.shape[0] for W, _ in net.arrays]
    lines = [
        f"/* exactnet network, exact int64: {' -> '.join(map(str, sizes))}, relu between layers.",
        "   Inputs are x * 2^EXACTNET_INPUT_EXP, outputs y * 2^EXACTNET_OUTPUT_EXP (exact integers); the",
        "   int64 certificate proves that no product or sum overflows on the data it was made for. */",
        "#ifndef EXACTNET_NETWORK_H", "#define EXACTNET_NETWORK_H", "", "#include <stdint.h>", "",
        f"#define EXACTNET_INPUTS {sizes[0]}", f"#define EXACTNET_OUTPUTS {sizes[-1]}",
        f"#define EXACTNET_MAX_WIDTH {max(sizes)}",
        f"#define EXACTNET_INPUT_EXP {net.grids[0]}", f"#define EXACTNET_OUTPUT_EXP {net.grids[-1]}", "",
    ]
    lines += _arrays(net.arrays, "int64_t", _int64_literal)
    lines += ["", "static void exactnet_forward(const int64_t in[EXACTNET_INPUTS], int64_t out[EXACTNET_OUTPUTS])",
              "{", "    int64_t buf0[EXACTNET_MAX_WIDTH], buf1[EXACTNET_MAX_WIDTH];",
              "    const int64_t *x = in;", "    int64_t *y;", "    int64_t acc;", "    int o, i;"]
    for k, ((W, _), act) in enumerate(zip(net.arrays, net.activations), start=1):
        target = "out" if k == len(net.arrays) else ("buf0" if k % 2 else "buf1")
        lines += [
            f"    y = {target};",
            f"    for (o = 0; o < {W.shape[0]}; ++o) {{",
            f"        acc = exactnet_b{k}[o];",
            f"        for (i = 0; i < {W.shape[1]}; ++i) acc += exactnet_w{k}[o][i] * x[i];",
            f"        y[o] = {'acc > 0 ? acc : 0' if act == 'relu' else 'acc'};",
            "    }", "    x = y;",
        ]
    lines += ["}", "", "#endif", ""]
    return "\n".join(lines)


def _int64_literal(v: int) -> str:
    return "INT64_MIN" if v == -(1 << 63) else f"INT64_C({v})"
