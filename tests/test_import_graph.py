"""The house's import graph, read with ``ast`` (every import at any depth, function-local too).

- no cycle among the project's modules;
- ``pipelines`` never imports ``dashboard`` or Streamlit, and never names a path under
  ``dashboard/`` (data flows one way: files → pipelines → warehouse → queries → charts → pages);
- only ``pipelines.store.sql`` reads files under ``sql/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipelines", "dashboard")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Project modules that ``path`` imports (``from a import b`` counts ``a.b`` when a module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in targets if name in known}
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative enough)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_loop_hidden_in_a_function():
    tree = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(tree) == [["a", "b", "c"]]
    source = "def f():\n    from pipelines.store import warehouse\n"
    path = ROOT / "tests" / "_graph_probe.py"
    path.write_text(source, encoding="utf-8")
    try:
        assert _imports(path, "probe", {"pipelines.store.warehouse"}) == {
            "pipelines.store.warehouse"
        }
    finally:
        path.unlink()


def test_no_import_cycle_among_the_project_modules():
    assert _cycles(_graph()) == []


def test_pipelines_never_import_the_dashboard_or_streamlit():
    offenders = []
    for name, path in _modules().items():
        if not name.startswith("pipelines"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{name}: {n}" for n in names if n.split(".")[0] in ("dashboard", "streamlit")
            ]
    assert offenders == []


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_pipelines_never_read_files_under_the_dashboard():
    offenders = [
        name
        for name, path in _modules().items()
        if name.startswith("pipelines")
        and any(
            s == "dashboard" or s.startswith(("dashboard/", "locales"))
            for s in _string_constants(path)
        )
    ]
    assert offenders == []


def test_only_the_sql_module_reads_the_sql_folder():
    readers = sorted(
        name
        for name, path in _modules().items()
        if "SQL_DIR" in path.read_text(encoding="utf-8") and name != "pipelines.settings"
    )
    assert readers == ["pipelines.store.sql"]
