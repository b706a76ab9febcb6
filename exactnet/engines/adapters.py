"""The inference engines exactnet drives, one entry each: how to find it, its settings, how to run
an ONNX file on a batch. Each runs in a child process (``child``); nothing here is imported by
the library's other modules, and every engine is optional."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Engine:
    """An engine under one setting: ``name`` (what a user selects), the package that provides
    it, ``settings`` in words, and ``infer(onnx_path, X) -> outputs``."""

    name: str
    package: str
    settings: str
    infer: Callable[[str, np.ndarray], np.ndarray]
    lowers_precision: str = ""  # a setting that may compute below the model's dtype, said as such

    def version(self) -> str | None:
        """The installed version, or None when the package is not installed."""
        try:
            return version(self.package)
        except PackageNotFoundError:
            return None


def _onnxruntime(level: str) -> Callable[[str, np.ndarray], np.ndarray]:
    def infer(path: str, X: np.ndarray) -> np.ndarray:
        ort = import_module("onnxruntime")
        options = ort.SessionOptions()
        options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        return session.run(None, {session.get_inputs()[0].name: X})[0]
    return infer


def _reference(path: str, X: np.ndarray) -> np.ndarray:
    reference = import_module("onnx.reference")
    return reference.ReferenceEvaluator(path).run(None, {"x": X})[0]


def _openvino(hint: str | None) -> Callable[[str, np.ndarray], np.ndarray]:
    def infer(path: str, X: np.ndarray) -> np.ndarray:
        ov = import_module("openvino")
        core = ov.Core()
        config = {} if hint is None else {"INFERENCE_PRECISION_HINT": hint}
        compiled = core.compile_model(core.read_model(path), "CPU", config)
        return np.asarray(compiled([X])[compiled.output(0)])
    return infer


def _tract(path: str, X: np.ndarray) -> np.ndarray:
    tract = import_module("tract")
    runnable = tract.onnx().load(path).into_model().into_runnable()
    return runnable.run([X])[0].to_numpy()


ENGINES: tuple[Engine, ...] = (
    Engine("onnxruntime", "onnxruntime", "CPU, graph optimizations off", _onnxruntime("ORT_DISABLE_ALL")),
    Engine("onnxruntime-optimized", "onnxruntime", "CPU, every graph optimization", _onnxruntime("ORT_ENABLE_ALL")),
    Engine("onnx-reference", "onnx", "onnx.reference.ReferenceEvaluator", _reference),
    Engine("openvino", "openvino", "CPU, default INFERENCE_PRECISION_HINT", _openvino(None),
           lowers_precision="the CPU plugin computes in f32 or below whatever the model's dtype (its default "
                            "INFERENCE_PRECISION_HINT is bf16 on processors with bf16 units)"),
    Engine("openvino-f32", "openvino", "CPU, INFERENCE_PRECISION_HINT=f32", _openvino("f32"),
           lowers_precision="the CPU plugin computes a float64 model in f32"),
    Engine("tract", "tract", "tract-onnx, optimized model", _tract),
)


def engine(name: str) -> Engine:
    """The engine of that name; raises ``KeyError`` for an unknown one."""
    found = {e.name: e for e in ENGINES}
    return found[name]


def describe(value: Any) -> str:
    """The first line of an exception, for a result row."""
    text = str(value).strip().splitlines()
    return f"{type(value).__name__}: {text[0][:160]}" if text else type(value).__name__
