"""Gated buckets with local zig-zags: integer ReLU networks whose every pre-activation is small,
so the bit-span certificate (float_exact.md, grid G = 0) proves float32 / float16 evaluation
exact on the data in any summation order (design: float32_exact.md).

Promise. ``build_bucketed(X, Y, depth=4|3, bucket_size=q)`` returns a ``Network`` whose every
weight and bias is an integer ``Q``, whose every activation on every row of X is an integer, and
whose exact output on row i is ``Y[i]`` (checked before returning: a failure is an
``InvariantError``, a bug). ``spans`` gives, per layer, the bit length of
``max over points, neurons of sum_i |W[o,i]| |a_i| + |b_o|``; all spans <= p certifies a p-bit
float format (plus representable numbers, checked by ``build_for_format``).

Construction (A4, depth 4). Notation: integer rows x, outputs y (N x m).

* Coarse projection t = w.x, w a small random integer row (scales 1, 2, 4, ...), ties allowed;
  points sorted by t are cut greedily into s buckets of at most q points, never splitting a t
  value (``CapacityError`` when some t value has more than q points at every scale tried).
  k_b = first t of bucket b.
* Pass-through pt = P x - lo >= 0 on the data: the inputs (P = I) or, when that is
  narrower, t and the local projections. t and every local projection are affine in pt.
* L1: r_b = relu(t - k_b), b = 1..s-1; pass-through relu(pt).
* L2: S_b = relu(1 - r_b + (t - k_b)) = [t >= k_b] exactly (t integer: for t >= k_b the
  argument is 1, for t <= k_b - 1 it is t - k_b + 1 <= 0); pass-through.
* L3: with S_0 = 1, S_s = 0: gate g_m = relu(S_m - S_{m+1}) = [point in bucket m];
  z_m = relu(l_m - off_m - C_m (1 - S_m + S_{m+1})) where l_m = w2_m.x, w2_m injective on bucket
  m (random search at scales 1, 2, 3, 4, 6, 8, ..., vectorised over buckets, keeping the row of
  smallest range or, for float16-sized spans, of smallest zig-zag spans; ``CapacityError``
  naming the bucket if none is found), off_m = min of l_m over the bucket, C_m = max(0, max over ALL data of
  l_m - off_m). 1 - S_m + S_{m+1} is 0 in bucket m and exactly 1 elsewhere, so z_m is the local
  coordinate in [0, Z_m] in bucket m and 0 elsewhere. Buckets of one point have no z unit.
* L4, per output: a constant unit K (weight K_m on g_m) and two chains of zig-zag units, R and
  L; unit j of a chain serves the j-th interval of that chain in every bucket:
  h = relu(A z_m + B g_m) is the free line A z + B in bucket m and 0 in every other bucket.
  In bucket m (points sorted by z, n >= 2) a pivot gap (z_{c-1}, z_c) near the middle is chosen
  (smallest slope need); K_m = min(y_{c-1}, y_c) - d0. The R chain starts at u = z_{c-1} with
  value K_m + d0 and runs over z_c, ..., z_{n-1}; the L chain (u = -z) starts at -z_c and runs
  over z_{c-1}, ..., z_0. Each chain is the dyadic zig-zag with integer slopes
  sigma_k = (-1)^(k+1) a_k, a_k >= 0 the smallest integers whose interval needs
  (ceil(|dy| / du)) they serve, sigma_0 = 0 (the first step dy >= 0 by the choice of K), unit k
  the line s_k u - s_k zeta_k, s_k = a_{k-1} + a_k, zeta_k in [u_{k-1}, u_k],
  s_k zeta_k = s_k u_{k-1} + v_k (sigma_k du_k - dy_k) an integer, output weight
  v_k = (-1)^(k+1) shared by all buckets. Every unit of a chain is 0 at its start, hence on the
  other half of the bucket. Units: 1 + max n_R + max n_L per output (about q + 1).
* Output: y = d0 + K + sum v_k h_k, d0 = min y.

B3t (depth 3): L1 knots relu(2t - (2 k_b - 1)) and pass-through; L2 gates with a distance
D_m = relu(K_m - 2t) + relu(2t - K_{m+1}) (0 in bucket m, >= 1 outside; K_b = 2 k_b - 1):
g_m = relu(1 - D_m), z_m = relu(l_m - off_m - C_m D_m); L3 the zig-zag units; output. One
layer and about s neurons fewer; the gating span is about C x range(t).

Cost: O(N log N) sorting and O(N d) projections per projection row tried, O(s q d R) for the
local row search (R rows per bucket and scale), O(N q m) for the chains, plus the dense layers
(about 3 s^2 + 2 N numbers for A4) and one exact forward pass over the data (float64 BLAS, exact
because every layer's non-negative bound is checked below 2^53; Python integers otherwise).
``build_for_format`` tries depth 4 then 3, bucket sizes descending by 0.8 from
min(cap, 2 sqrt(N)) (cap 512 / 48 / 4 for float32 / float16 / bfloat16; by 1 for float16 and
bfloat16, whose builds are quick) with a bisection between the last failure and the first
success, and when the first size tried fits, four sizes above it (``ABOVE``); B3t stops when
its gating layer overflows.

Not done: a second level of buckets (past about 10^5 points the s x s gate layers dominate);
left-facing knots around a pivot for B3t (its gating span C x range(t) limits it near 10^4);
splitting z_m at the pivot into two gated halves (about one bit off the zig-zag layer).

Errors: ``ArgumentError`` for bad shapes, non-integers, duplicate rows, depth not in {3, 4},
bucket_size < 1, |x| >= 2^31; ``CapacityError`` when no coarse projection or local row fits,
or (``build_for_format``) when no network within the format is found.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from exactnet.data.integer_rows import FLOAT_EXACT, INT_SAFE
from exactnet.errors import ArgumentError, CapacityError, InvariantError
from exactnet.network import Layer, Network
from exactnet.rational import Q
from exactnet.verifier.span import FLOATS, Format, representable

try:  # optional: sparse products make the exact forward pass fast; dense numpy otherwise
    from scipy import sparse as _sparse
except ImportError:  # pragma: no cover
    _sparse = None

FORMATS = {"float32": "binary32", "float16": "binary16", "bfloat16": "bfloat16"}  # span.FLOATS' names
ABOVE = (1.05, 1.1, 1.15, 1.2)  # bucket sizes tried above the first that fits, as its multiples
T_DRAWS = 8  # coarse rows tried per scale
T_MAX_SCALE = 1 << 20
LOCAL_DRAWS = 48  # local rows tried per bucket and scale
LOCAL_MAX_SCALE = 1 << 12
_CHUNK = 8192  # points per block of the forward pass
_EXACT = float(FLOAT_EXACT)


@dataclass
class _Built:
    """Integer matrices (W out x in, b) of each layer, the spans on the data, and meta data."""

    mats: list[tuple[np.ndarray, np.ndarray]]
    spans: list[int]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def neurons(self) -> int:
        return sum(W.shape[0] for W, _ in self.mats[:-1])

    @property
    def dense(self) -> int:
        return sum(W.size + b.size for W, b in self.mats)


# ---------------------------------------------------------------------------------------------
# public functions


def build_bucketed(X: np.ndarray, Y: np.ndarray, *, depth: int = 4, bucket_size: int, seed: int = 0) -> Network:
    """The A4 (depth 4) or B3t (depth 3) network memorizing integer rows X (N x d, distinct)
    with integer outputs Y (N x m); see the module docstring."""
    X, Y = _check(X, Y)
    return _to_network(_build(X, Y, depth, bucket_size, seed))


def spans(net: Network, X: np.ndarray) -> list[int]:
    """Per layer, the bit length of max over rows of X and neurons of sum |W||a| + |b|
    (integer networks only; ``ArgumentError`` otherwise)."""
    mats = []
    for layer in net.layers:
        W = [[_as_int(v) for v in row] for row in layer.weights]
        b = [_as_int(v) for v in layer.bias]
        mats.append((_int_array(W), _int_array(b)))
    X = np.asarray(X)
    if X.dtype == object or not np.issubdtype(X.dtype, np.integer):
        X = _int_array([[_as_int(Q(v)) if not isinstance(v, (int, np.integer)) else int(v) for v in row] for row in X])
    _, sp = _forward(mats, X)
    return sp


def build_for_format(X: np.ndarray, Y: np.ndarray, fmt: str, seed: int = 0, fixed_depth: int | None = None,
                     bucket_size: int | None = None) -> Network:
    """The network with the fewest neurons (then dense parameters) among depths 4 and 3 (or
    ``fixed_depth``) and a descending search over bucket sizes (or ``bucket_size``) whose spans are
    all <= p of ``fmt`` and whose every weight, bias, input and output is representable in it.
    ``CapacityError`` (naming the smallest span reached) when none is found."""
    if fmt not in FORMATS:
        raise ArgumentError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    f = FLOATS[FORMATS[fmt]]
    p = f.precision
    X, Y = _check(X, Y)
    for what, A in (("input", X), ("output", Y)):
        bad = [int(v) for v in np.unique(A) if not representable(Q(int(v)), f.name)]
        if bad:
            raise CapacityError(f"{fmt}: {what} value {bad[0]} is not representable")
    N = X.shape[0]
    cap = {"float32": 512, "float16": 48, "bfloat16": 4}[fmt]
    best: _Built | None = None
    smallest: int | None = None
    for depth in (4, 3) if fixed_depth is None else (fixed_depth,):
        ideal = math.ceil(2 * math.sqrt(N)) if depth == 4 else math.ceil(math.sqrt(3 * N))
        q = max(1, min(N, cap, ideal)) if bucket_size is None else bucket_size
        fail_q, ok = None, None
        tried: dict[int, tuple[_Built | None, int | None, bool]] = {}

        def attempt(q: int, depth: int = depth, tried: dict = tried) -> _Built | None:
            if q not in tried:
                tried[q] = _attempt(X, Y, depth, q, seed, f)
            return tried[q][0]

        while q >= 1:
            if attempt(q) is not None:
                ok = q
                break
            if tried[q][2] and depth == 3 or bucket_size is not None:
                break  # B3t's gating layer overflows: smaller buckets only widen it
            fail_q = q
            q = q - 1 if p <= 11 else min(q - 1, int(q * 0.8))  # small formats: every size (builds are quick)
        if ok is not None and fail_q is not None:  # bisect between the last failure and the success
            lo, hi = ok, fail_q
            while hi - lo > max(1, lo // 16):
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if attempt(mid) is not None else (lo, mid)
        if ok is not None and fail_q is None and bucket_size is None:
            for grow in ABOVE:  # the first size that fits is not always the fewest neurons: a few larger ones
                attempt(min(N, cap, round(ok * grow)))
        for cand, top, _ in tried.values():
            if top is not None:
                smallest = top if smallest is None else min(smallest, top)
            if cand is not None and (best is None or (cand.neurons, cand.dense) < (best.neurons, best.dense)):
                best = cand
    if best is None:
        wider = "float32" if smallest is not None and smallest <= FLOATS["binary32"].precision and fmt != "float32" \
            else "float64"
        raise CapacityError(f"{fmt}: no bucketed network has every span <= {p} (smallest span reached: {smallest}); "
                            f"`exact_in` {wider} would work")
    best.meta["format"] = fmt
    return _to_network(best)


def _attempt(X: np.ndarray, Y: np.ndarray, depth: int, q: int, seed: int,
             f: Format) -> tuple[_Built | None, int | None, bool]:
    """One build for the float format ``f``: (the network if it fits, else None; its largest
    span; whether the layers before the zig-zag layer overflow)."""
    p = f.precision
    try:
        t_weight = (0.01 if depth == 4 else 0.1) if p > 11 else 1.0  # small formats: narrow t first
        b = _build(X, Y, depth, q, seed, t_weight, "range" if p > 11 else "chains")
    except CapacityError:
        return None, None, False
    top = max(b.spans)
    numbers = np.unique(np.concatenate([np.concatenate([W.ravel(), c]) for W, c in b.mats]))
    good = top <= f.precision and all(representable(Q(int(v)), f.name) for v in numbers)
    return (b if good else None), top, max(b.spans[:-2]) > p


# ---------------------------------------------------------------------------------------------
# checks and conversions


def _check(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    X, Y = np.asarray(X), np.asarray(Y)
    if Y.ndim == 1:
        Y = Y[:, None]
    if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0] or X.shape[0] < 1 or X.shape[1] < 1 or Y.shape[1] < 1:
        raise ArgumentError(f"need X of shape N x d and Y of shape N x m, N, d, m >= 1; got {X.shape}, {Y.shape}")
    for name, A in (("X", X), ("Y", Y)):
        if not np.issubdtype(A.dtype, np.integer):
            raise ArgumentError(f"{name} must be an integer array, got dtype {A.dtype}")
    X, Y = X.astype(np.int64), Y.astype(np.int64)
    if np.abs(X).max() >= 1 << 31 or np.abs(Y).max() >= 1 << 40:
        raise ArgumentError("inputs must be below 2^31 and outputs below 2^40 in magnitude")
    if np.unique(X, axis=0).shape[0] != X.shape[0]:
        raise ArgumentError("rows of X must be pairwise distinct")
    return X, Y


def _as_int(v: Any) -> int:
    if getattr(v, "denominator", 1) != 1:
        raise ArgumentError(f"not an integer network: {v}")
    return int(v)


def _int_array(v: Any) -> np.ndarray:
    a = np.array(v, dtype=object)
    if a.size and max(abs(int(x)) for x in a.ravel()) < INT_SAFE:
        return a.astype(np.int64)
    return a


def _to_network(b: _Built) -> Network:
    cache: dict[int, Any] = {}

    def q(v: int) -> Any:
        r = cache.get(v)
        if r is None:
            r = cache[v] = Q(v)
        return r

    layers = []
    for k, (W, c) in enumerate(b.mats):
        act = "linear" if k == len(b.mats) - 1 else "relu"
        weights = tuple(tuple(q(v) for v in row) for row in W.tolist())
        layers.append(Layer(weights, tuple(q(v) for v in c.tolist()), act))
    return Network(tuple(layers), dict(b.meta))


def _forward(mats: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Exact outputs and spans of an integer network on the rows of X. A layer runs in float64
    when its non-negative bound |W||a| + |b|, itself computed in float64, is below 2^53 (then
    every partial sum of it and of the signed sums is an integer below 2^53, exact in any order,
    sparse products included); otherwise in Python integers."""
    N = X.shape[0]
    bounds = [0] * len(mats)
    outs = []
    prepared = []
    for W, c in mats:
        if W.dtype == object or c.dtype == object:
            prepared.append(None)
            continue
        Wf, cf = W.astype(np.float64), c.astype(np.float64)
        pair = (Wf, np.abs(Wf))
        if _sparse is not None and W.size > 4096 and np.count_nonzero(W) < W.size // 4:
            pair = (_sparse.csr_matrix(pair[0]), _sparse.csr_matrix(pair[1]))
        prepared.append((pair, cf, np.abs(cf)))
    for lo in range(0, N, _CHUNK):
        a: np.ndarray = X[lo:lo + _CHUNK]
        for k, (W, c) in enumerate(mats):
            last = k == len(mats) - 1
            ok = prepared[k] is not None and a.dtype != object
            if ok:
                (Ws, Wa), cf, ca = prepared[k]
                af = a.astype(np.float64)
                bound = _product(np.abs(af), Wa) + ca
                top = float(bound.max()) if bound.size else 0.0
                ok = top < _EXACT
            if ok:
                bounds[k] = max(bounds[k], int(top))
                z = _product(af, Ws) + cf
                a = (z if last else np.maximum(z, 0.0)).astype(np.int64)
            else:
                Wo, ao, co = W.astype(object), a.astype(object), c.astype(object)
                bound = np.abs(ao).dot(np.abs(Wo).T) + np.abs(co)
                bounds[k] = max(bounds[k], int(bound.max()))
                z = ao.dot(Wo.T) + co
                a = z if last else np.where(z > 0, z, 0)
                a = _int_array(a.tolist()) if a.size else a
        outs.append(a)
    return np.concatenate(outs, axis=0), [int(v).bit_length() for v in bounds]


def _product(a: np.ndarray, W: Any) -> np.ndarray:
    """a @ W.T for a dense a (points x in) and W dense or CSR (out x in); a sparse when
    mostly zero (the gated layers' inputs)."""
    if not isinstance(W, np.ndarray):
        return np.asarray((W @ a.T).T)
    if _sparse is not None and a.size > 4096 and np.count_nonzero(a) < a.size // 8:
        return np.asarray(_sparse.csr_matrix(a) @ W.T)
    return a @ W.T


# ---------------------------------------------------------------------------------------------
# construction steps


def _pack(ts: np.ndarray, q: int) -> np.ndarray | None:
    """Starts of greedy buckets of at most q points over the sorted t, never splitting a t
    value; None when some t value has more than q points."""
    N = ts.size
    gstarts = np.flatnonzero(np.r_[True, ts[1:] != ts[:-1]])
    if np.diff(np.r_[gstarts, N]).max() > q:
        return None
    starts = [0]
    while starts[-1] + q < N:
        nxt = gstarts[np.searchsorted(gstarts, starts[-1] + q, side="right") - 1]
        starts.append(int(nxt))
    return np.array(starts, dtype=np.int64)


def _coarse(X: np.ndarray, q: int, rng: np.random.Generator,
            weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row w, sort order, bucket starts (in sorted positions) and sorted t. Random rows at
    growing scales; the score s (1 + weight log2 range(t)) trades buckets (about 4 neurons
    each) against the span of the knot layers (about log2 range(t)). Stops at ceil(N / q)
    buckets, or after three scales without a better score."""
    N, d = X.shape
    floor_s = -(-N // q)
    best = None
    scale, stale = 1, 0
    while scale <= T_MAX_SCALE and stale < 3:
        stale += best is not None
        for _ in range(T_DRAWS):
            w = rng.integers(-scale, scale + 1, size=d)
            if not w.any():
                continue
            t = X @ w
            order = np.argsort(t, kind="stable")
            ts = t[order]
            starts = _pack(ts, q)
            if starts is None:
                continue
            key = starts.size * (1 + weight * math.log2(2 + int(ts[-1] - ts[0])))
            if best is None or key < best[0]:
                best, stale = (key, w, order, starts, ts), 0
        if best is not None and best[3].size == floor_s:
            break
        scale *= 2
    if best is None:
        raise CapacityError(f"no coarse projection (entries up to {T_MAX_SCALE}) keeps every tie within {q} points")
    return best[1], best[2], best[3], best[4]


def _local_rows(Xb: np.ndarray, Yb: np.ndarray, n: np.ndarray, d0s: np.ndarray, rng: np.random.Generator,
                local_cost: str) -> np.ndarray:
    """Per bucket (s x qm x d padded points, n real ones; outputs Yb s x qm x m), an integer row
    injective on its points: among LOCAL_DRAWS random rows at the first scale (1, 2, 3, 4, 6,
    8, ...) that has an injective one, the one with the smallest range ("range") or whose
    zig-zag units have the smallest spans ("chains", ``_chain_cost``)."""
    s, qm, d = Xb.shape
    R = LOCAL_DRAWS
    rows = np.zeros((s, d), dtype=np.int64)
    todo = np.flatnonzero(n >= 2)
    pad = ~(np.arange(qm)[None, :] < n[:, None])  # s x qm
    big = np.int64(1 << 50)
    scales = [1, 2, 3] + [v for e in range(2, 13) for v in (1 << e, 3 << (e - 1))]
    for scale in scales:
        if not todo.size or scale > LOCAL_MAX_SCALE:
            break
        block = max(1, 1_000_000 // (R * qm))
        found = []
        for lo in range(0, todo.size, block):
            idx = todo[lo:lo + block]
            b = idx.size
            W = rng.integers(-scale, scale + 1, size=(b, R, d))
            proj = np.einsum("bnd,brd->brn", Xb[idx], W)  # b x R x qm
            proj = np.where(pad[idx][:, None, :], big + np.arange(qm)[None, None, :], proj)
            srt = np.argsort(proj, axis=2, kind="stable")
            ps = np.take_along_axis(proj, srt, axis=2)
            inj = (np.diff(ps, axis=2) > 0).all(axis=2)  # b x R (pads are distinct and last)
            nn = np.repeat(n[idx], R)
            real = np.arange(qm)[None, :] < nn[:, None]
            zb = ps.reshape(b * R, qm) - ps[:, :, :1].reshape(b * R, 1)
            zb = np.where(real & inj.reshape(-1, 1), zb, np.arange(qm)[None, :])  # dummies for rejected rows
            Y3 = np.take_along_axis(Yb[idx][:, None, :, :], srt[:, :, :, None], axis=2).reshape(b * R, qm, -1)
            if local_cost == "chains":
                cost = _chain_cost(zb, Y3, nn, qm, d0s).reshape(b, R)
            else:
                cost = zb[np.arange(b * R), nn - 1].reshape(b, R)
            cost = np.where(inj, cost, np.iinfo(np.int64).max)
            pick = cost.argmin(axis=1)
            ok = inj[np.arange(b), pick]
            rows[idx[ok]] = W[np.arange(b), pick][ok]
            found.append(idx[ok])
        todo = np.setdiff1d(todo, np.concatenate(found))
    if todo.size:
        raise CapacityError(f"no injective local row (entries up to {LOCAL_MAX_SCALE}) for bucket {int(todo[0])} "
                            f"of {int(n[todo[0]])} points")
    return rows


def _zigzag(U: np.ndarray, V: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chains in lockstep: row b has start U[b,0] (value V[b,0]) and points U[b,1..count[b]]
    (increasing, values V). Returns (s_k, s_k zeta_k) for units k = 1..H (b x H); unit k of a
    row is zero beyond count. v_k = (-1)^(k+1), sigma_0 = 0; needs V[b,1] >= V[b,0]."""
    B, H1 = U.shape
    H = H1 - 1
    k = np.arange(1, H + 1)[None, :]
    valid = k <= count[:, None]
    dy = np.where(valid, V[:, 1:] - V[:, :-1], 0)
    du = np.where(valid, U[:, 1:] - U[:, :-1], 1)
    if (du <= 0).any():
        raise InvariantError("chain points not increasing")
    need = (np.abs(dy) + du - 1) // du
    odd = (k % 2 == 1)
    self_ = (dy > 0) == odd  # sigma_k points towards dy
    a = np.zeros((B, H + 1), dtype=np.int64)
    a[:, 1:] = np.where(self_ & (dy != 0), need, 0)
    a[:, :-1] = np.maximum(a[:, :-1], np.where(~self_ & (dy != 0), need, 0))
    if a[:, 0].any():
        raise InvariantError("first chain step falls")
    v = np.where(odd, 1, -1)
    sig = v * a[:, 1:]
    sk = a[:, :-1] + a[:, 1:]
    off = v * (sig * du - dy)  # s_k (zeta_k - u_{k-1})
    if ((off < 0) | (off > sk * du)).any():
        raise InvariantError("turning point outside its interval")
    szeta = sk * U[:, :-1] + off
    sk = np.where(valid, sk, 0)
    szeta = np.where(valid, szeta, 0)
    return sk, szeta


Side = tuple[int, np.ndarray, np.ndarray, np.ndarray]


def _chains(zb: np.ndarray, y: np.ndarray, n: np.ndarray, qm: int, d0: int) -> tuple[np.ndarray, list[Side]]:
    """One output's units, for rows of ascending local coordinates zb (B x qm, n[b] real) and
    outputs y (B x qm): the constant K per row and, per chain side (sign +1: R, -1: L),
    (sign, s_k, s_k zeta_k, u at the chain's end) with s_k, s_k zeta_k of shape B x H.
    The pivot gap c (L chain c points, R chain n - c, at most qm // 2 and qm - qm // 2) has
    the smallest slope need, then lies nearest the middle."""
    B = zb.shape[0]
    rows = np.arange(B)
    real = np.arange(qm)[None, :] < n[:, None]
    hL = qm // 2
    hR = qm - hL
    if qm >= 2:
        c = np.arange(1, qm)[None, :]
        gy = np.abs(y[:, 1:] - y[:, :-1])
        gz = np.where(real[:, 1:], zb[:, 1:] - zb[:, :-1], 1)
        cost = (gy + gz - 1) // gz
        okc = (c >= np.maximum(1, n - hR)[:, None]) & (c <= np.minimum(n - 1, hL)[:, None])
        key = np.where(okc, cost * (4 * qm) + np.abs(2 * c - n[:, None]), np.iinfo(np.int64).max)
        piv = np.where(n >= 2, key.argmin(axis=1) + 1, 1)
    else:
        piv = np.ones(B, dtype=np.int64)
    yc1 = y[rows, np.minimum(piv - 1, qm - 1)]
    yc = y[rows, np.minimum(piv, qm - 1)]
    K = np.where(n >= 2, np.minimum(yc1, yc), y[:, 0]) - d0
    sides = []
    if qm < 2:
        return K, sides
    nR = np.where(n >= 2, n - piv, 0)
    nL = np.where(n >= 2, piv, 0)
    for sign, H, cnt in ((1, int(nR.max()), nR), (-1, int(nL.max()), nL)):
        if H == 0:
            continue
        j = np.arange(H + 1)[None, :]
        idx = np.clip(piv[:, None] - 1 + j if sign == 1 else piv[:, None] - j, 0, qm - 1)
        U = sign * np.take_along_axis(zb, idx, axis=1)
        V = np.take_along_axis(y, idx, axis=1)
        V[:, 0] = K + d0
        uend = U[rows, cnt]
        beyond = j > cnt[:, None]  # past the chain: increasing coordinates, never read
        U = np.where(beyond, U.max() + j + 1, U)
        V = np.where(beyond, 0, V)
        sk, szeta = _zigzag(U, V, cnt)
        sides.append((sign, sk, szeta, uend))
    return K, sides


def _chain_cost(zb: np.ndarray, Y3: np.ndarray, n: np.ndarray, qm: int, d0s: np.ndarray) -> np.ndarray:
    """Per row, the larger of the output-layer sum (K plus every unit at a chain's end, the
    largest over the bucket since every unit rises along its chain) and the zig-zag layer's
    sum |A| z + |B|, over all outputs."""
    cost = np.zeros(zb.shape[0], dtype=np.int64)
    zmax = zb[np.arange(zb.shape[0]), np.maximum(n - 1, 0)]
    for o in range(Y3.shape[2]):
        K, sides = _chains(zb, Y3[:, :, o], n, qm, int(d0s[o]))
        ends = [np.zeros_like(K)]
        for _, sk, szeta, uend in sides:
            ends.append((sk * uend[:, None] - szeta).sum(axis=1))
            cost = np.maximum(cost, (sk * zmax[:, None] + np.abs(szeta)).max(axis=1))
        cost = np.maximum(cost, K + np.max(ends, axis=0))
    return cost


def _build(X: np.ndarray, Y: np.ndarray, depth: int, q: int, seed: int, t_weight: float | None = None,
           local_cost: str = "range") -> _Built:
    if depth not in (3, 4):
        raise ArgumentError(f"depth must be 4 (A4) or 3 (B3t), got {depth}")
    if not isinstance(q, (int, np.integer)) or q < 1:
        raise ArgumentError(f"bucket_size must be an integer >= 1, got {q!r}")
    q = int(q)
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    N, d = X.shape
    m = Y.shape[1]
    w, order, starts, ts = _coarse(X, q, rng, t_weight if t_weight is not None else 0.01 if depth == 4 else 0.05)
    s = starts.size
    ends = np.r_[starts[1:], N]
    n = ends - starts
    qm = int(n.max())
    knots = ts[starts]  # k_b
    # padded bucket arrays (s x qm) of point indices
    pos = starts[:, None] + np.arange(qm)[None, :]
    real = np.arange(qm)[None, :] < n[:, None]
    pidx = order[np.where(real, pos, starts[:, None])]
    Xb = X[pidx]
    d0s = Y.min(axis=0)
    W2 = _local_rows(Xb, Y[pidx], n, d0s, rng, local_cost)
    loc = np.einsum("bnd,bd->bn", Xb, W2)
    big = np.int64(1 << 50)
    zsort = np.argsort(np.where(real, loc, big), axis=1, kind="stable")
    pidx = np.take_along_axis(pidx, zsort, axis=1)
    loc = np.take_along_axis(loc, zsort, axis=1)
    off = loc[:, 0].copy()
    zb = np.where(real, loc - off[:, None], 0)  # local coordinates, ascending in each bucket
    Yb = Y[pidx]  # s x qm x m
    hasz = n >= 2
    zi = np.flatnonzero(hasz)  # buckets with a z unit
    sz = zi.size
    # l_m = w2_m.x over all data: its max sets C_m, its min the pass-through offset
    lmax = np.full(sz, np.iinfo(np.int64).min)
    lmin = np.full(sz, np.iinfo(np.int64).max)
    W2z = W2[zi]
    for lo in range(0, N, _CHUNK):
        L = X[lo:lo + _CHUNK] @ W2z.T
        if L.size:
            lmax = np.maximum(lmax, L.max(axis=0))
            lmin = np.minimum(lmin, L.min(axis=0))
    C = np.maximum(lmax - off[zi], 0)
    # pass-through: pt = PT x - plo >= 0; t = ct.pt + bt; l_m = cm[m].pt + bm[m]
    t_all = X @ w
    if d <= 1 + sz:
        PT = np.eye(d, dtype=np.int64)
        plo = X.min(axis=0)
        ct, bt = w.copy(), int(w @ plo)
        cm, bm = W2z.copy(), W2z @ plo
    else:
        PT = np.vstack([w[None, :], W2z])
        plo = np.r_[t_all.min(), lmin]
        P = PT.shape[0]
        ct = np.zeros(P, dtype=np.int64)
        ct[0] = 1
        bt = int(plo[0])
        cm = np.zeros((sz, P), dtype=np.int64)
        cm[np.arange(sz), 1 + np.arange(sz)] = 1
        bm = plo[1:].copy()
    P = PT.shape[0]

    # ---- zig-zag units per output (coordinates in bucket m: z, gate 1)
    unit_A: list[np.ndarray] = []  # per unit: coefficient on z_m, per bucket
    unit_B: list[np.ndarray] = []  # per unit: coefficient on g_m, per bucket
    unit_v: list[int] = []
    unit_out: list[int] = []
    for o in range(m):
        K, sides = _chains(zb, Yb[:, :, o], n, qm, int(d0s[o]))
        unit_A.append(np.zeros(s, dtype=np.int64))
        unit_B.append(K)
        unit_v.append(1)
        unit_out.append(o)
        for sign, sk, szeta, _ in sides:
            for k in range(sk.shape[1]):
                unit_A.append(sign * sk[:, k])
                unit_B.append(-szeta[:, k])
                unit_v.append(1 if k % 2 == 0 else -1)
                unit_out.append(o)
    nu = len(unit_A)
    A = np.stack(unit_A)  # nu x s (coefficient on z_m; zero for buckets without z)
    Bg = np.stack(unit_B)  # nu x s (coefficient on g_m)
    if (A[:, ~hasz] != 0).any():
        raise InvariantError("unit reads a missing local coordinate")

    # ---- layers
    mats: list[tuple[np.ndarray, np.ndarray]] = []
    nk = s - 1
    if depth == 4:
        # L1: r_b (b = 1..s-1), pass-through
        W1 = np.vstack([np.tile(w, (nk, 1)), PT])
        b1 = np.r_[-knots[1:], -plo]
        # L2: S_b = relu(1 - r_b + ct.pt + bt - k_b), pass-through
        W2m = np.zeros((nk + P, nk + P), dtype=np.int64)
        W2m[np.arange(nk), np.arange(nk)] = -1
        W2m[:nk, nk:] = ct[None, :]
        W2m[nk:, nk:] = np.eye(P, dtype=np.int64)
        b2 = np.r_[1 + bt - knots[1:], np.zeros(P, dtype=np.int64)]
        # L3: gates g_m (s), gated z (sz); S_b at column b - 1
        W3 = np.zeros((s + sz, nk + P), dtype=np.int64)
        b3 = np.zeros(s + sz, dtype=np.int64)
        for mm in range(s):
            if mm == 0:
                b3[mm] = 1
            else:
                W3[mm, mm - 1] = 1
            if mm + 1 <= s - 1:
                W3[mm, mm] = -1
        r = s + np.arange(sz)
        W3[r, nk:] = cm
        b3[r] = bm - off[zi] - C + np.where(zi == 0, C, 0)
        has_left = zi >= 1
        W3[r[has_left], zi[has_left] - 1] = C[has_left]
        has_right = zi + 1 <= s - 1
        W3[r[has_right], zi[has_right]] = -C[has_right]
        mats += [(W1, b1), (W2m, b2), (W3, b3)]
    else:
        Kb = 2 * knots[1:] - 1  # K_b for b = 1..s-1, column b - 1
        W1 = np.vstack([np.tile(2 * w, (nk, 1)), PT])
        b1 = np.r_[-Kb, -plo]
        # D_m = [m >= 1](r_m - 2(ct.pt + bt) + K_m) + [m <= s-2] r_{m+1}
        Dw = np.zeros((s, nk + P), dtype=np.int64)
        Db = np.zeros(s, dtype=np.int64)
        for mm in range(s):
            if mm >= 1:
                Dw[mm, mm - 1] += 1
                Dw[mm, nk:] -= 2 * ct
                Db[mm] += -2 * bt + Kb[mm - 1]
            if mm <= s - 2:
                Dw[mm, mm] += 1
        W2m = np.zeros((s + sz, nk + P), dtype=np.int64)
        b2 = np.zeros(s + sz, dtype=np.int64)
        W2m[:s] = -Dw
        b2[:s] = 1 - Db
        r = s + np.arange(sz)
        W2m[r] = -C[:, None] * Dw[zi]
        W2m[r, nk:] += cm
        b2[r] = bm - off[zi] - C * Db[zi]
        mats += [(W1, b1), (W2m, b2)]
    # zig-zag layer over [g (s), z (sz)]
    Wz = np.zeros((nu, s + sz), dtype=np.int64)
    Wz[:, :s] = Bg
    Wz[:, s:] = A[:, zi]
    mats.append((Wz, np.zeros(nu, dtype=np.int64)))
    Wo = np.zeros((m, nu), dtype=np.int64)
    Wo[np.array(unit_out), np.arange(nu)] = np.array(unit_v)
    mats.append((Wo, d0s.astype(np.int64)))
    for W_, b_ in mats:
        if np.abs(W_).max(initial=0) >= 1 << 40 or np.abs(b_).max(initial=0) >= 1 << 50:
            raise InvariantError("weights beyond the int64 working range")
    out, sp = _forward(mats, X)
    if not np.array_equal(np.asarray(out, dtype=object), Y.astype(object)):
        raise InvariantError("bucketed network does not reproduce the data")
    widths = [W_.shape[0] for W_, _ in mats[:-1]]
    meta = {
        "construction": "bucketed",
        "variant": "A4" if depth == 4 else "B3t",
        "depth": depth,
        "bucket_size": q,
        "buckets": s,
        "largest_bucket": qm,
        "widths": widths,
        "spans": sp,
        "seed": seed,
        "passthrough": "inputs" if d <= 1 + sz else "t and projections",
        "build_seconds": round(time.perf_counter() - t0, 3),
    }
    return _Built(mats, sp, meta)
