"""The shape of the code: no import cycle, no module over 400 lines, every module says its role."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.settings import PACKAGE_DIR

MAX_LINES = 400
# cycles inside files that another change owns (issue 10's scale work); phase B of issue 12 removes them
KNOWN_CYCLES = {frozenset({"pipeline.timeline", "pipeline.timeline.inputs"})}


def modules() -> dict[str, Path]:
    """Module name → file, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        if any(part.startswith("_") and part != "__init__" for part in rel.parts[1:]):
            continue  # pipeline/_rules, pipeline/_demo_site: data
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules `name` imports anywhere in its file (at import time or inside a function).

    `from a.b import c` depends on `a.b` (it runs a/b/__init__.py), and on `a.b.c` when that is a
    module; `import a.b.c` depends on `a.b.c`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_no_import_cycle():
    found = [c for c in cycles(graph()) if c not in KNOWN_CYCLES]
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(sorted(c)) for c in found)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_size_and_role(name):
    path = modules()[name]
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_LINES, f"{path}: {text.count(chr(10))} lines (at most {MAX_LINES})"
    doc = ast.get_docstring(ast.parse(text))
    assert text.startswith('"""') and doc and doc.splitlines()[0].strip(), f"{path}: the first line must say its role"
