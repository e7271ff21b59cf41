"""The SQL console runs one read query in a worker of its own and refuses every escape."""

from __future__ import annotations

import pytest
from workbench_fixtures import build_fixture_warehouse

from dashboard.workbench import sql_console
from pipelines.store import warehouse


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("console") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def con(live):
    connection = warehouse.connect_reader(live)
    yield connection
    connection.close()


def test_a_select_returns_its_rows(con, live):
    result = sql_console.run(live, "SELECT dataset, count(*) AS n FROM flow GROUP BY 1 ORDER BY 1;")
    assert result.frame["dataset"].tolist() == ["demo", "real"]
    assert result.frame["n"].sum() == con.execute("SELECT count(*) FROM flow").fetchone()[0]
    assert result.truncated is False


def test_rows_are_capped_and_the_cap_is_reported(live):
    result = sql_console.run(live, "SELECT * FROM range(100000)", limit=250)
    assert len(result.frame) == 250
    assert result.truncated is True


def test_describe_show_and_summarize_are_allowed_reads(live):
    assert "flow_id" in set(sql_console.run(live, "DESCRIBE flow").frame["column_name"])
    assert "flow" in set(sql_console.run(live, "SHOW TABLES").frame["name"])


ESCAPES = [
    ("INSERT INTO dataset VALUES ('x', false, false, 'x')", "read-only"),
    ("UPDATE flow SET amount_usd = 0", "read-only"),
    ("DELETE FROM flow", "read-only"),
    ("DROP TABLE flow", "dropping"),
    ("CREATE TABLE x AS SELECT 1", "creating"),
    ("CREATE TEMP TABLE x AS SELECT 1", "creating"),
    ("CREATE MACRO m() AS 1", "creating"),
    ("ALTER TABLE flow ADD COLUMN x INT", "altering"),
    ("ATTACH '/tmp/other.duckdb' AS other", "attaching"),
    ("DETACH other", "detaching"),
    ("INSTALL httpfs", "extensions"),
    ("LOAD httpfs", "extensions"),
    ("COPY flow TO '/tmp/flows.csv'", "files"),
    ("COPY flow FROM '/tmp/flows.csv'", "files"),
    ("EXPORT DATABASE '/tmp/x'", "exporting"),
    ("SET threads = 1", "settings"),
    ("SET enable_external_access = true", "settings"),
    ("RESET enable_external_access", "settings"),
    ("PRAGMA enable_profiling", "settings"),
    ("USE memory", "settings"),
    ("CALL pragma_version()", "CALL"),
    ("BEGIN TRANSACTION", "transactions"),
    ("CHECKPOINT", "CALL"),
    ("VACUUM", "maintenance"),
    ("EXPLAIN ANALYZE CREATE TEMP TABLE x AS SELECT 1", "EXPLAIN"),
    ("SELECT 1; DROP TABLE flow", "one statement"),
    ("SELECT * FROM read_csv('/etc/passwd')", "files"),
    ("SELECT * FROM read_text('/etc/passwd')", "files"),
    ("SELECT * FROM read_parquet('/tmp/*.parquet')", "files"),
    ("SELECT * FROM glob('/etc/*')", "files"),
    ("SELECT * FROM read_json_auto('https://example.org/x.json')", "files"),
    ("SELECT * FROM '/etc/passwd'", "does not exist"),
    ("SELECT getenv('HOME')", "getenv"),
    ("SELEC 1", "does not parse"),
    ("", "SELECT query first"),
]


@pytest.mark.parametrize(("text", "reason"), ESCAPES)
def test_every_escape_is_refused_with_a_clear_message(live, text, reason):
    before = warehouse.resolve(live).read_bytes()
    with pytest.raises(sql_console.ConsoleRefusal, match=reason):
        sql_console.run(live, text)
    assert warehouse.resolve(live).read_bytes() == before
    assert not list(warehouse.resolve(live).parent.glob("*.tmp"))  # no spill folder left


def test_a_long_query_is_stopped_at_the_time_limit(live):
    budget = sql_console.Budget(seconds=0.5)
    with pytest.raises(sql_console.ConsoleRefusal, match="time limit of 0.5 s") as stop:
        sql_console.run(
            live, "SELECT count(*) FROM range(100000000000) a, range(1000) b", budget=budget
        )
    assert stop.value.reason == "time"
    assert stop.value.seconds >= 0.5
    # the next query runs as usual
    assert sql_console.run(live, "SELECT 42 AS x").frame["x"].item() == 42


def test_the_table_list_names_the_warehouse_tables_with_their_columns(con):
    listed = sql_console.tables(con)
    flow = listed.loc[listed["name"] == "flow", "columns"].item()
    assert flow.startswith("flow_id, dataset, batch_id")
