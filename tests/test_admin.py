"""Admin password: salted scrypt hash in the state store, constant-time check, and sign-in
throttling per client (growing delays, never a global lockout)."""

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


ATTACKER = ["session:attacker", "address:203.0.113.66"]
ADMIN = ["session:admin", "address:198.51.100.7"]


def test_delays_grow_with_each_failure_in_a_row_up_to_a_cap() -> None:
    delays = [admin.delay_after(n) for n in range(1, 14)]
    assert delays == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert admin.delay_after(10_000) == admin.MAX_DELAY_SECONDS


def test_the_wait_is_the_longest_of_the_clients_keys_and_old_failures_are_forgotten() -> None:
    now = 10_000.0
    assert admin.wait_for([], now) == 0
    assert admin.wait_for([(2, now - 1)], now) == 0  # free failures
    assert admin.wait_for([(3, now - 0.5)], now) == 2  # 2 s after the third, rounded up
    assert admin.wait_for([(3, now - 1), (5, now - 3)], now) == 5
    assert admin.wait_for([(40, now - admin.FORGET_SECONDS)], now) == 0


def test_an_attackers_guesses_never_lock_out_the_admin_from_another_client(state: Path) -> None:
    """The attacker guesses at every moment the throttle allows, for hours; meanwhile the
    admin, from another session and address, signs in at once every time."""
    admin.set_password(PASSWORD, state)
    now = 1_000_000.0
    waits, guesses = [], 0
    while guesses < 30:
        result = admin.verify(f"guess {guesses}", state, now=now, clients=ATTACKER)
        if result.reason == "throttled":  # not even checked: wait as told
            waits.append(result.retry_after)
            assert admin.verify(PASSWORD, state, now=now, clients=ATTACKER).reason == "throttled"
            now += result.retry_after
        else:
            assert result.reason == "wrong_password"
            guesses += 1
            now += 0.01
        assert admin.verify(PASSWORD, state, now=now, clients=ADMIN).ok
    assert waits[:4] == [2, 4, 8, 16]  # growing delays, never one lockout
    assert waits[-1] == admin.MAX_DELAY_SECONDS
    assert now - 1_000_000.0 > 3600  # 30 guesses took the attacker over an hour


def test_a_throttled_client_gets_no_answer_then_may_try_again(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    t0 = 5_000.0
    for at in (t0, t0 + 1, t0 + 2, t0 + 4.5):  # the fourth just after the 2 s wait
        assert admin.verify("guess", state, now=at, clients=ATTACKER).reason == "wrong_password"
    throttled = admin.verify(PASSWORD, state, now=t0 + 5, clients=ATTACKER)
    assert throttled == admin.SignIn(False, "throttled", 4)  # 4 s after the fourth failure
    assert admin.verify(PASSWORD, state, now=t0 + 8.6, clients=ATTACKER).ok  # a delay, no lock
    for i in range(3):  # the success cleared the count: free failures again
        assert admin.verify("guess", state, now=t0 + 10 + i, clients=ATTACKER).reason == (
            "wrong_password"
        )


def test_a_new_session_from_the_same_address_waits_too(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    for i in range(5):
        admin.verify("guess", state, now=100.0 + i / 10, clients=ATTACKER)
    fresh = ["session:fresh", ATTACKER[1]]
    assert admin.verify(PASSWORD, state, now=101.0, clients=fresh).reason == "throttled"
    other = ["session:fresh", "address:192.0.2.1"]
    assert admin.verify(PASSWORD, state, now=101.0, clients=other).ok


def test_without_client_keys_callers_share_one_anonymous_key(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    for i in range(3):
        admin.verify("guess", state, now=100.0 + i)
    assert admin.verify(PASSWORD, state, now=102.5).reason == "throttled"
    assert admin.verify(PASSWORD, state, now=102.5, clients=ADMIN).ok


def test_a_failure_is_charged_before_the_password_is_checked(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parallel attempts of one client: the second sees the first's failure already."""
    admin.set_password(PASSWORD, state)
    seen = []

    def slow_derive(*args: object, **kwargs: object) -> bytes:
        seen.append(admin.verify("parallel", state, now=50.0, clients=ATTACKER))
        return b"\0" * 32

    for i in range(2):
        admin.verify("guess", state, now=49.0 + i / 10, clients=ATTACKER)
    monkeypatch.setattr(admin, "_derive", slow_derive)
    assert admin.verify("third", state, now=50.0, clients=ATTACKER).reason == "wrong_password"
    assert seen == [admin.SignIn(False, "throttled", 2)]


def test_setting_the_password_clears_the_throttle(state: Path) -> None:
    admin.set_password(PASSWORD, state)
    for i in range(6):
        admin.verify("guess", state, now=100.0 + i / 10, clients=ATTACKER)
    admin.set_password(PASSWORD + "!", state)
    assert admin.verify(PASSWORD + "!", state, now=101.0, clients=ATTACKER).ok


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
