"""The package's layout: imports only run downward through the pipeline's layers, no modules import each other
(directly or in a circle, within a layer too), and no function is long.

Layers, lowest first (a module may import its own layer's modules of the same subpackage and any lower layer):

0. core: ``errors``, ``fsutil``, ``hangul``, ``resources``, ``seeding``, ``plotting``, ``config``, ``charset``, the
   package ``__init__``
1. ``text`` (dictionaries, text lines) and ``recognizer`` (network, weights, preprocessing, decoding)
2. ``datasets`` (DTRB on disk, split writer, importers, batches)
3. ``synth`` (fonts, rendering, augmentation, gen)
4. ``trio`` (EasyOCR's custom-model contract, Reader, ONNX)
5. ``evaluation`` (metrics, models, sets, results, read, options, report, evaluate: each imports only those
   before it)
6. ``training`` (finetune, state, data, charset choice, network, losses, validation, loggers, distributed) and
   ``demo`` (the web demo: reading uploads and drawings, the page)
7. ``cli``
8. ``__main__`` (``python -m easyocr_ko``)
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
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


def _run_time_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run when a module is imported: its top level, into ``if``/``try``/``with`` blocks and class
    bodies, but not into functions (imported when called) nor ``if TYPE_CHECKING:`` blocks (never run)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            if not (isinstance(stmt.test, ast.Name) and stmt.test.id == "TYPE_CHECKING"):
                yield from _run_time_statements(stmt.body)
            yield from _run_time_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from _run_time_statements(block)
        elif isinstance(stmt, (ast.With, ast.ClassDef)):
            yield from _run_time_statements(stmt.body)


def import_graph() -> dict[str, set[str]]:
    """``{module: the package modules it imports at module level}`` over the whole package (``bundled`` aside).
    ``from easyocr_ko.pkg import name`` counts as importing ``easyocr_ko.pkg.name`` when that is a module."""
    modules = dict(_modules())
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges = set()
        for stmt in _run_time_statements(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.module.startswith("easyocr_ko"):
                named = {f"{stmt.module}.{a.name}" for a in stmt.names} & modules.keys()
                edges |= named or {stmt.module}
            elif isinstance(stmt, ast.Import):
                edges |= {a.name for a in stmt.names if a.name.startswith("easyocr_ko")}
        graph[module] = (edges & modules.keys()) - {module}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: its strongly connected components of more than one module (Tarjan),
    each sorted; a module importing itself is not counted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_import_cycles_finds_a_circle_and_only_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_package() -> None:
    """No two modules of the package import each other, directly or through others, when imported (module-level
    imports; ``if TYPE_CHECKING:`` blocks and imports inside functions aside)."""
    graph = import_graph()
    assert "easyocr_ko.evaluation.evaluate" in graph and graph["easyocr_ko.evaluation.evaluate"]
    cycles = import_cycles(graph)
    assert not cycles, "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("module,path", _modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_function_is_longer_than_a_screen(module: str, path: Path) -> None:
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 >= MAX_FUNCTION_LINES]
    assert not long, f"{module}: {', '.join(long)}"
