"""The package's layout: imports only run downward through the pipeline's layers, and no function is long.

Layers, lowest first (a module may import its own layer's modules of the same subpackage and any lower layer):

0. core: ``errors``, ``fsutil``, ``hangul``, ``resources``, ``plotting``, ``config``, ``charset``, the package
   ``__init__``
1. ``text`` (dictionaries, text lines) and ``recognizer`` (network, weights, preprocessing, decoding)
2. ``datasets`` (DTRB on disk, split writer, importers, batches)
3. ``synth`` (fonts, rendering, augmentation, gen)
4. ``trio`` (EasyOCR's custom-model contract, Reader)
5. ``evaluation`` (metrics, eval)
6. ``training`` (finetune, distributed) and ``demo`` (the web demo: reading uploads and drawings, the page)
7. ``cli``
8. ``__main__`` (``python -m easyocr_ko``)
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "easyocr_ko"
LAYERS = {"text": 1, "recognizer": 1, "datasets": 2, "synth": 3, "trio": 4, "evaluation": 5, "training": 6,
          "demo": 6, "cli": 7, "__main__": 8}
MAX_FUNCTION_LINES = 80


def _unit(module: str) -> str:
    """'easyocr_ko.synth.fonts' -> 'synth'; top-level modules are their own unit."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(unit: str) -> int:
    return LAYERS.get(unit, 0)


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if "bundled" in rel.parts:  # the shipped EasyOCR network file imports only torch/easyocr
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append((".".join(parts), path))
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks (never run)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            inside.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return inside


def _imports(path: Path) -> set[str]:
    """The easyocr_ko modules ``path`` imports.  The package ``__init__`` is the public facade: it names the whole
    API for type checkers under ``if TYPE_CHECKING:`` and imports it lazily (PEP 562), so only its run-time imports
    count (``test_importing_the_package_loads_no_heavy_module`` in tests/test_api.py checks them)."""
    names = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree) if path == PACKAGE / "__init__.py" else set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("easyocr_ko"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("easyocr_ko"))
    return names


def test_imports_only_run_downward() -> None:
    wrong = []
    for module, path in _modules():
        unit = _unit(module)
        for imported in _imports(path):
            other = _unit(imported)
            if other == unit or _layer(other) < _layer(unit) or (_layer(unit) == 0 and _layer(other) == 0):
                continue
            wrong.append(f"{module} (layer {_layer(unit)}) imports {imported} (layer {_layer(other)})")
    assert not wrong, "\n".join(wrong)


def test_core_modules_do_not_import_each_other_in_a_cycle() -> None:
    core = {m: _imports(p) for m, p in _modules() if _layer(_unit(m)) == 0}
    for module, imported in core.items():
        for other in imported & set(core):
            assert module not in core[other], f"{module} and {other} import each other"


@pytest.mark.parametrize("module,path", _modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_function_is_longer_than_a_screen(module: str, path: Path) -> None:
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 >= MAX_FUNCTION_LINES]
    assert not long, f"{module}: {', '.join(long)}"
