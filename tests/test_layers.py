"""Data flows one way (design.md §1): ``pipelines`` never imports ``dashboard`` or Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("dashboard", "streamlit")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_pipelines_module_imports_the_dashboard_or_streamlit():
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "pipelines").rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert offenders == set()


def test_importing_every_pipelines_command_loads_no_dashboard_module():
    code = (
        "import sys, pipelines.cli.main\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dashboard', 'streamlit')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_installed_command_offers_the_pipelines_commands_and_the_deck():
    from dashboard.cli import app

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "load", "validate", "batches", "delete-batch", "rollback", "rates",
                    "synth", "status", "serve", "export", "deck", "chart"):  # fmt: skip
        assert f" {command} " in result.output, command
