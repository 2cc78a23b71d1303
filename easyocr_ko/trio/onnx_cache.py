"""The ONNX files ``read --engine onnx`` runs, made once and cached, and the onnxruntime sessions that run them.

Two files per reader: EasyOCR's CRAFT detector (:func:`craft_session`, the graph of
:mod:`easyocr_ko.trio.onnx_graphs`) and the recognizer: with Reader's int8 quantization (the default) its
convolutional front (:func:`features_session`, :func:`easyocr_ko.trio.onnx_graphs.features_onnx_bytes`), without it
the whole network as ``export --onnx`` writes it (:func:`recognizer_session`,
:func:`easyocr_ko.trio.onnx.onnx_model_bytes`).  Each is made from its ``.pth`` the first time it is needed,
checked against PyTorch before it is kept (:func:`easyocr_ko.trio.onnx_graphs.check_craft_onnx`,
:func:`~easyocr_ko.trio.onnx_graphs.check_features_onnx`, and :func:`easyocr_ko.trio.onnx.check_onnx` as
``export --onnx`` checks it), and renamed into place from a staging folder, so an interrupted build leaves no file
that looks finished.

Where: one cache folder, :func:`cache_dir` (``$EASYOCR_KO_CACHE``, else ``$XDG_CACHE_HOME/easyocr-ko``, else
``~/.cache/easyocr-ko``), sub-folder ``onnx/``.  Not beside the model: the bundled ``korean_hw`` lies inside the
installed package, which is often read-only, and EasyOCR's model folder belongs to EasyOCR.  The folder can be
deleted at any time; the files are made again.

Keys: a file is named after the ``.pth`` it was made from and that file's SHA-256 (``craft_mlt_25k-<sha256>.onnx``,
``<NAME>-<sha256>.onnx``, ``<NAME>-<sha256>.features.onnx``), and carries in its metadata the same digest
(:data:`SOURCE_KEY`) and the cache's format (:data:`FORMAT_KEY`).  A changed ``.pth`` has another digest, so its
old file is never opened; a file whose metadata does not match the name it is found under (copied by hand, made
by another version), that onnxruntime cannot load (truncated), or whose recognizer metadata (``imgH``, character
list) differs from the model's, is made again and replaced.

Sessions (:func:`onnx_session`): ``CPUExecutionProvider``, ``intra_op_num_threads`` = the physical cores this
process may use (:func:`physical_cores`; one thread per core, no oversubscription), ``inter_op_num_threads`` 1
(the graphs are chains), ``graph_optimization_level`` ``ORT_ENABLE_ALL``, and no spinning of idle threads
(``session.intra_op.allow_spinning`` 0: PyTorch's int8 BiLSTM runs between the recognizer's passes, and spinning
threads would take its cores).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from torch import nn

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import ensure_dir, file_sha256, temp_dir

__all__ = ["CACHE_ENV", "SOURCE_KEY", "FORMAT_KEY", "CACHE_FORMAT", "require_onnxruntime", "cache_dir",
           "INSTALL_HINT", "physical_cores", "onnx_session", "cached_session", "craft_session", "recognizer_session",
           "features_session"]

CACHE_ENV = "EASYOCR_KO_CACHE"
"""Environment variable naming the cache folder (its ``onnx/`` sub-folder holds the files)."""
SOURCE_KEY = "source_sha256"
"""Metadata key: SHA-256 of the ``.pth`` the file was made from (64 lowercase hex digits)."""
FORMAT_KEY = "easyocr_ko_cache_format"
"""Metadata key: :data:`CACHE_FORMAT` of the code that made the file."""
CACHE_FORMAT = "1"
"""Raised when the files' graphs change, so that older files are made again."""
INSTALL_HINT = "pip install onnxruntime (from a checkout: pip install -e '.[onnx]')"


def require_onnxruntime() -> Any:
    """The ``onnxruntime`` module.

    Raises:
        EasyOcrKoError: it is not installed (one line naming what to install).
    """
    try:
        import onnxruntime
    except ImportError:
        raise EasyOcrKoError(f"the onnx engine needs onnxruntime, which is not installed: {INSTALL_HINT}") from None
    return onnxruntime


def cache_dir() -> Path:
    """The folder of the cached ONNX files: ``$EASYOCR_KO_CACHE/onnx``, else ``$XDG_CACHE_HOME/easyocr-ko/onnx``,
    else ``~/.cache/easyocr-ko/onnx`` (not created here)."""
    base = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "easyocr-ko")
    return Path(base) / "onnx"


def physical_cores() -> int:
    """Physical CPU cores this process may run on: the CPUs of its affinity mask, counted once per core
    (``/proc/cpuinfo``'s ``physical id`` / ``core id`` pairs where Linux gives them), at least 1."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        blocks = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split("\n\n")
    except OSError:
        return max(available, 1)
    cores = set()
    for block in blocks:
        fields = dict(line.split(":", 1) for line in block.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        if "core id" in fields:
            cores.add((fields.get("physical id"), fields["core id"]))
    return max(1, min(available, len(cores) or available))


def onnx_session(path: Path | str, threads: int | None = None) -> Any:
    """An onnxruntime session on the CPU with the options of the module docstring.

    Args:
        path: the ``.onnx`` file.
        threads: intra-op threads (default :func:`physical_cores`).

    Raises:
        EasyOcrKoError: onnxruntime is not installed.
        Exception: onnxruntime's own error for a file it cannot load.
    """
    ort = require_onnxruntime()
    options = ort.SessionOptions()
    options.intra_op_num_threads = int(threads or physical_cores())
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _usable(path: Path, sha256: str, threads: int | None, expected: Mapping[str, str]) -> Any | None:
    """A session of the cached ``path`` if it exists, loads and its metadata matches; else ``None``."""
    if not path.is_file():
        return None
    try:
        session = onnx_session(path, threads)
    except EasyOcrKoError:
        raise
    except Exception:  # truncated or foreign: made again
        return None
    meta = session.get_modelmeta().custom_metadata_map
    wanted = {SOURCE_KEY: sha256, FORMAT_KEY: CACHE_FORMAT, **expected}
    return session if all(meta.get(k) == v for k, v in wanted.items()) else None


def cached_session(path: Path, sha256: str, build: Callable[[Path, dict[str, str]], None],
                   threads: int | None = None, expected: Mapping[str, str] | None = None) -> Any:
    """A session of the cached file ``path``, made first when missing or stale.

    Args:
        path: where the file is cached.
        sha256: SHA-256 of its source ``.pth``; the file's :data:`SOURCE_KEY` must be it.
        build: ``build(tmp, metadata)`` writes and checks the file at ``tmp`` with ``metadata`` in it, or raises.
        threads: intra-op threads (default :func:`physical_cores`).
        expected: more metadata the file must carry (e.g. ``imgH``).

    Returns:
        The ``onnxruntime.InferenceSession``.

    Raises:
        EasyOcrKoError: onnxruntime missing, or what ``build`` raises (nothing is written then).
        OSError: the cache folder cannot be written (naming it).
    """
    expected = dict(expected or {})
    session = _usable(path, sha256, threads, expected)
    if session is not None:
        return session
    require_onnxruntime()
    ensure_dir(path.parent)
    with temp_dir(path.parent, f".{path.name}.tmp-") as staging:
        tmp = staging / path.name
        build(tmp, {SOURCE_KEY: sha256, FORMAT_KEY: CACHE_FORMAT, **expected})
        os.replace(tmp, path)
    return onnx_session(path, threads)


def craft_session(craft: Path | None = None, threads: int | None = None, cache: Path | None = None) -> Any:
    """The onnxruntime session of EasyOCR's CRAFT, its ONNX file made and cached on first use.

    Args:
        craft: ``craft_mlt_25k.pth`` (default: :func:`easyocr_ko.trio.reader.find_craft`).
        threads: intra-op threads (default :func:`physical_cores`).
        cache: the cache folder (default :func:`cache_dir`).

    Raises:
        FileNotFoundError: no CRAFT file.
        EasyOcrKoError: onnxruntime or onnx missing; a CRAFT file :func:`easyocr_ko.trio.reader.check_craft`
            refuses; the ONNX file does not match PyTorch (nothing is kept).
        OSError: the cache folder cannot be written.
    """
    from easyocr_ko.trio.reader import check_craft, find_craft

    require_onnxruntime()
    craft = Path(craft) if craft is not None else find_craft()
    sha256 = file_sha256(craft)

    def build(tmp: Path, metadata: dict[str, str]) -> None:
        from easyocr_ko.recognizer.pretrained import load_checkpoint_file
        from easyocr_ko.trio.onnx_graphs import check_craft_onnx, craft_onnx_bytes, load_craft

        net = load_craft(load_checkpoint_file(check_craft(craft)))
        tmp.write_bytes(craft_onnx_bytes(net, metadata))
        check = check_craft_onnx(net, onnx_session(tmp, threads))
        if not check.passed:
            raise EasyOcrKoError(f"the ONNX file of {craft} does not match PyTorch, nothing kept: {check.summary()}")

    return cached_session((cache or cache_dir()) / f"{craft.stem}-{sha256}.onnx", sha256, build, threads)


def recognizer_session(model: nn.Module, character: str, imgH: int, source: Path, threads: int | None = None,
                       cache: Path | None = None) -> Any:
    """The onnxruntime session of a CTC recognizer, its ONNX file (``export --onnx``'s graph) made and cached on
    first use, keyed by the SHA-256 of ``source``.

    Args:
        model: the float network the file is made from (gen2 or DTRB CTC; a trio's or a checkpoint's).
        character: its character list (class ``i + 1`` = ``character[i]``).
        imgH: input height in px.
        source: the ``.pth`` the model was loaded from (its digest is the key).
        threads: intra-op threads (default :func:`physical_cores`).
        cache: the cache folder (default :func:`cache_dir`).

    Raises:
        EasyOcrKoError: onnxruntime or onnx missing; an Attn model; the file does not match PyTorch.
        OSError: ``source`` cannot be read or the cache folder cannot be written.
    """
    from easyocr_ko.trio.onnx import check_onnx, onnx_model_bytes, render_check_crops

    require_onnxruntime()
    sha256 = file_sha256(source)

    def build(tmp: Path, metadata: dict[str, str]) -> None:
        tmp.write_bytes(onnx_model_bytes(model, imgH, {**metadata, "blank": "0"}))
        check = check_onnx(model, tmp, render_check_crops(character, imgH), character, imgH)
        if not check.passed:
            raise EasyOcrKoError(f"the ONNX file of {source} does not match PyTorch, nothing kept: {check.summary()}")

    expected = {"character_list": character, "imgH": str(int(imgH))}
    return cached_session((cache or cache_dir()) / f"{Path(source).stem}-{sha256}.onnx", sha256, build, threads,
                          expected)


def features_session(front: nn.Module, back: nn.Module, character: str, imgH: int, source: Path,
                     threads: int | None = None, cache: Path | None = None) -> Any:
    """The onnxruntime session of a recognizer's front (:func:`easyocr_ko.trio.onnx_graphs.split_recognizer`),
    its ONNX file made and cached on first use, keyed by the SHA-256 of ``source``.

    Args:
        front / back: ``split_recognizer`` of the float network.
        character: its character list, imgH: its input height (px), for the check and the metadata.
        source: the ``.pth`` the model was loaded from (its digest is the key).
        threads: intra-op threads (default :func:`physical_cores`).
        cache: the cache folder (default :func:`cache_dir`).

    Raises:
        EasyOcrKoError: onnxruntime or onnx missing; the file does not match PyTorch.
        OSError: ``source`` cannot be read or the cache folder cannot be written.
    """
    from easyocr_ko.trio.onnx_graphs import check_features_onnx, features_onnx_bytes

    require_onnxruntime()
    sha256 = file_sha256(source)

    def build(tmp: Path, metadata: dict[str, str]) -> None:
        tmp.write_bytes(features_onnx_bytes(front, imgH, metadata))
        check = check_features_onnx(front, back, onnx_session(tmp, threads), character, imgH)
        if not check.passed:
            raise EasyOcrKoError(f"the ONNX file of {source} does not match PyTorch, nothing kept: {check.summary()}")

    expected = {"character_list": character, "imgH": str(int(imgH))}
    return cached_session((cache or cache_dir()) / f"{Path(source).stem}-{sha256}.features.onnx", sha256, build,
                          threads, expected)
