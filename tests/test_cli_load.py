"""The load commands: exit codes, printed rejects, batches, delete-batch, rates load."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli.main import app
from pipelines.store import warehouse

BAD = Path(__file__).resolve().parent / "bad_template"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "template.csv"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "220")
    monkeypatch.setenv("FUNDFLOWS_QUIET", "1")
    return CliRunner()


def digest(live: Path) -> str:
    return hashlib.sha256(warehouse.resolve(live).read_bytes()).hexdigest()


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_load_exits_0_and_prints_the_rejected_rows(runner, built_copy):
    result = invoke(runner, "load", BAD / "unknown_currency.csv", "--warehouse", built_copy)
    assert result.exit_code == 0
    assert "loaded unknown_currency.csv: loaded 1 of 2 row(s)" in result.output
    assert "unknown_currency: not a known ISO 4217 currency code" in result.output
    assert "XYZ" in result.output


def test_load_strict_exits_1_and_loads_nothing(runner, built_copy):
    before = digest(built_copy)
    result = invoke(runner, "load", BAD / "bad_date.csv", "--strict", "--warehouse", built_copy)
    assert result.exit_code == 1
    assert "strict_rejected" in result.output
    assert digest(built_copy) == before


def test_load_of_an_unusable_file_exits_2_without_a_traceback(runner, built_copy):
    before = digest(built_copy)
    result = invoke(runner, "load", BAD / "missing_column.csv", "--warehouse", built_copy)
    assert result.exit_code == 2
    assert "missing required column(s): currency" in result.output
    assert "Traceback" not in result.output
    assert digest(built_copy) == before


def test_validate_exits_1_when_rows_would_be_rejected_and_writes_nothing(runner, built_copy):
    before = digest(built_copy)
    bad = invoke(runner, "validate", BAD / "unknown_stage.csv", "--warehouse", built_copy)
    good = invoke(runner, "validate", SAMPLE, "--warehouse", built_copy)
    assert (bad.exit_code, good.exit_code) == (1, 0)
    assert "unknown_stage" in bad.output
    assert "7 of 7 row(s) would load" in good.output
    assert digest(built_copy) == before


def test_batches_lists_a_load_and_delete_batch_removes_it(runner, built_copy):
    loaded = invoke(runner, "load", SAMPLE, "--dataset", "ours", "--warehouse", built_copy)
    batch_id = loaded.output.split("(batch ")[1].split(")")[0]
    listed = invoke(runner, "batches", "--dataset", "ours", "--warehouse", built_copy)
    assert batch_id in listed.output
    assert "template.csv" in listed.output
    deleted = invoke(runner, "delete-batch", batch_id, "--warehouse", built_copy)
    assert deleted.exit_code == 0
    assert f"deleted batch {batch_id} (8 flows)" in deleted.output
    again = invoke(runner, "delete-batch", batch_id, "--warehouse", built_copy)
    assert again.exit_code == 2
    assert "no batch" in again.output


def test_the_same_file_twice_reports_unchanged(runner, built_copy):
    invoke(runner, "load", SAMPLE, "--warehouse", built_copy)
    second = invoke(runner, "load", SAMPLE, "--warehouse", built_copy)
    assert second.exit_code == 0
    assert "unchanged template.csv: same file already loaded" in second.output


def test_rates_load_adds_user_rates_and_refuses_a_bad_file(runner, built_copy, tmp_path):
    good = tmp_path / "rates.csv"
    good.write_text("currency,date,usd_per_unit,source\nMNT,2020-01-01,0.00036,my bank\n")
    result = invoke(runner, "rates", "load", good, "--warehouse", built_copy)
    assert result.exit_code == 0
    assert "loaded 1 user rate(s)" in result.output
    con = warehouse.connect_plain(built_copy)
    rows = con.execute("SELECT currency, usd_per_unit, kind FROM fx_rate_table").fetchall()
    con.close()
    assert rows == [("MNT", 0.00036, "user")]
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,when\nMNT,2020\n")
    refused = invoke(runner, "rates", "load", bad, "--warehouse", built_copy)
    assert refused.exit_code == 2
    assert "missing column(s) date, usd_per_unit, source" in refused.output


def test_every_load_command_has_real_help_and_a_warehouse_option(runner):
    for command in (["load"], ["validate"], ["batches"], ["delete-batch"], ["rates", "load"]):
        result = invoke(runner, *command, "--help")
        assert result.exit_code == 0
        assert "--warehouse" in result.output
        assert len(result.output.split()) > 30


def _terminal(monkeypatch: pytest.MonkeyPatch):
    """The load commands' stderr console replaced by a terminal that writes to a buffer."""
    import io

    from rich.console import Console

    from pipelines.cli import load as cli_load

    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, width=120)
    monkeypatch.setattr(cli_load, "console", terminal)
    return cli_load, buffer


def test_a_terminal_gets_a_progress_bar_that_follows_the_read_percentage(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FUNDFLOWS_QUIET", raising=False)
    cli_load, buffer = _terminal(monkeypatch)
    with cli_load._progress() as say:
        assert say is not None
        say("reading big.xml: 42%")
        (task,) = say.bar.tasks
        assert (task.description, task.completed, task.total) == ("reading big.xml", 42, 100)
        say.bar.refresh()
        drawn = buffer.getvalue()
        assert "reading big.xml" in drawn
        assert "42%" in drawn
        say("checks, commit and swap")
        (task,) = say.bar.tasks
        assert (task.description, task.total) == ("checks, commit and swap", None)


@pytest.mark.parametrize("variable", ["CI", "FUNDFLOWS_QUIET"])
def test_ci_logs_and_quiet_runs_get_no_progress_output(monkeypatch, variable):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FUNDFLOWS_QUIET", raising=False)
    monkeypatch.setenv(variable, "1")
    cli_load, buffer = _terminal(monkeypatch)
    with cli_load._progress() as say:
        assert say is None
    assert buffer.getvalue() == ""
