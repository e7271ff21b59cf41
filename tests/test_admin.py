"""Admin password: salted scrypt hash in the state store, constant-time check, rate limit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.appstate import admin
from pipelines.cli import admin as cli_admin  # noqa: F401  (cli_admin registers `admin`)
from pipelines.cli.app import app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite"


def _credential(state: Path) -> tuple:
    con = sqlite3.connect(state)
    try:
        return con.execute("SELECT algorithm, n, salt, hash FROM admin_credential").fetchone()
    finally:
        con.close()


def test_the_stored_credential_is_a_salted_scrypt_hash_not_the_password(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    algorithm, n, salt, digest = _credential(state)
    assert algorithm == "scrypt"
    assert n == 2**14
    assert len(salt) == 16
    assert len(digest) == 32
    assert PASSWORD.encode() not in state.read_bytes()


def test_setting_the_same_password_twice_uses_a_new_salt(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    first = _credential(state)
    admin.set_password(PASSWORD, state)
    second = _credential(state)
    assert first[2] != second[2]
    assert first[3] != second[3]
    assert admin.verify(PASSWORD, state).ok


def test_the_right_password_signs_in_and_a_wrong_one_does_not(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    assert admin.verify(PASSWORD, state) == admin.SignIn(True)
    assert admin.verify(PASSWORD + " ", state) == admin.SignIn(False, "wrong_password")
    assert admin.verify("", state).reason == "wrong_password"


def test_without_a_password_nobody_signs_in(state: Path) -> None:
    assert not admin.has_password(state)
    assert admin.verify("anything at all", state) == admin.SignIn(False, "not_configured")


def test_a_short_password_is_refused_and_nothing_is_stored(state: Path) -> None:
    with pytest.raises(admin.AdminError, match="at least 10"):
        admin.set_password("short", state)
    assert not admin.has_password(state)


def test_five_failures_lock_sign_in_even_for_the_right_password(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    t0 = 1_000_000.0
    for i in range(admin.MAX_FAILURES):
        assert admin.verify("guess", state, now=t0 + i).reason == "wrong_password"
    locked = admin.verify(PASSWORD, state, now=t0 + 10)
    assert locked.reason == "locked"
    assert 590 <= locked.retry_after <= 591
    assert admin.verify(PASSWORD, state, now=t0 + 599).reason == "locked"
    assert admin.verify(PASSWORD, state, now=t0 + 601).ok


def test_four_failures_do_not_lock_and_a_success_clears_them(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    for i in range(admin.MAX_FAILURES - 1):
        admin.verify("guess", state, now=100.0 + i)
    assert admin.verify(PASSWORD, state, now=110.0).ok
    for i in range(admin.MAX_FAILURES - 1):
        admin.verify("guess", state, now=120.0 + i)
    assert admin.verify(PASSWORD, state, now=130.0).ok


def test_cli_sets_the_password_from_stdin(state: Path) -> None:
    result = CliRunner().invoke(
        app, ["admin", "set-password", "--state", str(state)], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert admin.verify(PASSWORD, state).ok
    status = CliRunner().invoke(app, ["admin", "status", "--state", str(state)])
    assert status.output.strip() == "admin password: set"


def test_cli_refuses_a_password_given_as_an_argument(state: Path) -> None:
    result = CliRunner().invoke(app, ["admin", "set-password", PASSWORD, "--state", str(state)])
    assert result.exit_code == 2
    assert not admin.has_password(state)


def test_cli_refuses_a_too_short_password_with_one_line(state: Path) -> None:
    result = CliRunner().invoke(
        app, ["admin", "set-password", "--state", str(state)], input="abc\n"
    )
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output
    assert "Traceback" not in result.output
    assert not admin.has_password(state)
