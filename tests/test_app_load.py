"""Load data page: refused without an admin; an admin uploads, previews, loads, resolves names."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import admin_gate
from dashboard.admin_gate import ADMIN_KEY
from pipelines.appstate import admin
from pipelines.ingest import upload
from pipelines.store import warehouse

PAGE = Path(__file__).resolve().parents[1] / "dashboard" / "app_pages" / "load.py"
PASSWORD = "a long admin password"
CSV = (
    b"date,stage,contributor,contributor_kind,recipient,recipient_kind,recipient_country,"
    b"amount,currency,source\n"
    b"2006-03-01,paid,Ville de Testville,local_government,Bamako,local_government,MLI,1000,EUR,t\n"
    b"2007-13-01,paid,Ville de Testville,local_government,Bamako,local_government,MLI,5,EUR,t\n"
    b"2008-01-01,paid,Ville de Testville,local_government,Bamako,local_government,MLI,250,USD,t\n"
)


@pytest.fixture
def env(built_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    live = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse.resolve(built_warehouse), live)
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    admin.set_password(PASSWORD, tmp_path / "state.sqlite")
    return live


def _app(signed_in: bool = False) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    if signed_in:
        at.session_state[ADMIN_KEY] = time.time() + 600
    return at.run()


def _rows(live: Path, sql: str, **params: object) -> list[tuple]:
    con = warehouse.connect_reader(live)  # the app's configuration: it may be open in-process
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_without_an_admin_the_page_shows_only_the_sign_in_form(env: Path) -> None:
    at = _app()
    assert not at.exception
    assert "for admins" in at.warning[0].value
    assert len(at.file_uploader) == 0
    assert len(at.tabs) == 0
    assert [w.label for w in at.text_input] == ["Admin password"]


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_page(env: Path) -> None:
    at = _app()
    at.text_input[0].input("not the password")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong password."
    assert len(at.file_uploader) == 0
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert len(at.file_uploader) == 1
    assert ADMIN_KEY in at.session_state


class Client:
    """What the gate sees of the browser running the script now: its source address
    (``st.context`` cannot be seeded in AppTest) and a clock the test moves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.address = "local"
        self.now = 1_000_000.0
        monkeypatch.setattr(admin_gate, "_address", lambda: self.address, raising=False)
        monkeypatch.setattr(admin, "_clock", lambda: self.now, raising=False)

    def sign_in(self, at: AppTest, address: str, password: str) -> str:
        self.address = address
        at.text_input[0].input(password)
        at.button[0].click().run()
        assert not at.exception
        return at.error[0].value if at.error else ""


def test_an_attacker_guessing_does_not_keep_the_admin_out(env: Path, monkeypatch) -> None:
    """While one session guesses from one address, the admin signs in from another session
    and address; the attacker gets growing delays, not an answer."""
    client = Client(monkeypatch)
    attacker, admin_app = _app(), _app()
    messages = [client.sign_in(attacker, "203.0.113.66", f"guess {i}") for i in range(6)]
    assert client.sign_in(admin_app, "198.51.100.7", PASSWORD) == ""
    assert len(admin_app.file_uploader) == 1
    assert messages[:3] == ["Wrong password."] * 3
    assert messages[3:] == ["Too many failed sign-ins. Try again in 2 seconds."] * 3
    client.now += 2
    assert client.sign_in(attacker, "203.0.113.66", "guess 7") == "Wrong password."
    assert client.sign_in(attacker, "203.0.113.66", PASSWORD) == (
        "Too many failed sign-ins. Try again in 4 seconds."
    )
    assert len(attacker.file_uploader) == 0


def test_a_new_session_from_the_guessing_address_waits_as_well(env: Path, monkeypatch) -> None:
    client = Client(monkeypatch)
    attacker = _app()
    for i in range(3):
        client.sign_in(attacker, "203.0.113.66", f"guess {i}")
    fresh = _app()
    assert "Try again in 2 seconds" in client.sign_in(fresh, "203.0.113.66", PASSWORD)
    client.now += 2
    assert client.sign_in(fresh, "203.0.113.66", PASSWORD) == ""
    assert len(fresh.file_uploader) == 1


def test_the_source_address_trusts_forwarding_headers_only_from_this_machine() -> None:
    address = admin_gate.client_address
    assert address("203.0.113.9", {}) == "203.0.113.9"
    assert address("203.0.113.9", {"X-Forwarded-For": "10.0.0.1"}) == "203.0.113.9"  # spoofed
    assert address(None, {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}) == "198.51.100.7"
    assert address("127.0.0.1", {"x-real-ip": "198.51.100.8"}) == "198.51.100.8"
    assert address(None, {}) == "local"


def test_with_oidc_configured_the_password_form_is_not_offered(env: Path) -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at.session_state[ADMIN_KEY] = time.time() + 600  # a password session does not count here
    at.run()
    assert len(at.text_input) == 0
    assert len(at.file_uploader) == 0
    assert at.button[0].label == "Sign in with your organisation account"


def test_an_admin_previews_then_loads_an_upload_under_a_generated_name(env: Path) -> None:
    at = _app(signed_in=True)
    at.file_uploader[0].set_value(("../../evil name.csv", CSV, "text/csv")).run()
    assert not at.exception
    assert "2 of 3 rows would load; 1 rejected." in at.info[0].value
    totals = at.dataframe[0].value
    amounts = totals["amount_original"].astype(float)
    expected = [("EUR", 1000.0), ("USD", 250.0)]
    assert sorted(zip(totals["currency"], amounts, strict=True)) == expected
    assert list(at.dataframe[1].value["reason_code"]) == ["bad_date"]
    assert _rows(env, "SELECT count(*) FROM load_batch WHERE NOT is_bundled") == [(0,)]
    confirm = next(b for b in at.button if b.label.startswith("Load 2 rows"))
    confirm.click().run()
    assert not at.exception
    assert "Loaded" in at.success[0].value
    batch = _rows(env, "SELECT file_name, rows_read, rows_loaded, loaded_by FROM load_batch "
                       "WHERE NOT is_bundled")  # fmt: skip
    assert len(batch) == 1
    assert batch[0][1:] == (3, 2, "admin (local password)")
    assert "evil" not in batch[0][0]
    assert "/" not in batch[0][0]
    assert list((env.parent / "tmp").iterdir()) == []


def test_an_oversized_or_unexpected_upload_is_refused_before_anything_is_written(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(upload.UploadError, match="larger than"), upload.saved(b"x" * 101, "a.csv"):
        pass
    with pytest.raises(upload.UploadError, match="only CSV, XLSX or IATI XML"):
        upload.suffix_for("payload.sh")
    assert upload.suffix_for("../../Data.XLSX") == ".xlsx"
    assert list((env.parent / "tmp").iterdir()) == []


def _load_directly(live: Path, tmp_path: Path) -> str:
    from pipelines.ingest import load

    path = tmp_path / "direct.csv"
    path.write_bytes(CSV)
    report = load.load_files(live, [path], dataset="main")[0]
    assert report.status == "loaded", report.message
    return report.batch_id


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_an_admin_assigns_an_unmatched_name_to_a_known_actor(env: Path, tmp_path: Path) -> None:
    _load_directly(env, tmp_path)
    at = _app(signed_in=True)
    review_name, target = at.selectbox[0], at.selectbox[1]
    assert review_name.options == ["Ville de Testville"]
    known = dict(_rows(env, "SELECT name, actor_id FROM actor WHERE NOT needs_review"))
    target.set_value(known["Bamako"] if "Bamako" in known else target.options[0])
    _button(at, "Assign").click().run()
    assert not at.exception
    assert "is now an alias of" in at.success[0].value
    assert _rows(env, "SELECT count(*) FROM actor WHERE needs_review AND name = "
                      "'Ville de Testville'") == [(0,)]  # fmt: skip
    assert _rows(env, "SELECT count(*) FROM actor_alias WHERE alias_norm = "
                      "'ville de testville' AND origin = 'review'") == [(1,)]  # fmt: skip


def test_an_admin_deletes_a_batch_only_after_confirming(env: Path, tmp_path: Path) -> None:
    batch = _load_directly(env, tmp_path)
    at = _app(signed_in=True)
    assert at.selectbox[-1].value == batch
    assert _button(at, "Delete batch").disabled
    at.checkbox[-1].check().run()
    _button(at, "Delete batch").click().run()
    assert not at.exception
    assert f"Deleted batch {batch}: 2 flows removed." in at.success[0].value
    assert _rows(env, "SELECT count(*) FROM flow WHERE batch_id = $b", b=batch) == [(0,)]
