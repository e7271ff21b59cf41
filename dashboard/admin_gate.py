"""Who may load data: the admin sign-in form and the one session flag it sets.

Two routes. When ``[auth]`` is configured in Streamlit secrets, Streamlit's OIDC login
(``st.login``) decides, and ``st.user.is_logged_in`` is the test (optionally narrowed to the
e-mail addresses in ``[fundflows] admin_emails``). Otherwise the local admin password set by
``fundflows admin set-password`` is checked by ``pipelines.appstate.admin.verify``, throttled per
client: this session and its source address (``client_address``) each get growing delays after
failed sign-ins, so an attacker's guesses slow the attacker, not an admin elsewhere.

State: besides ``dashboard/filters.py`` this is the only module that touches
``st.session_state``, and it keeps two keys: ``ADMIN_KEY``, the time (epoch seconds) until which
this browser session counts as signed in, and ``CLIENT_KEY``, a random id naming this session to
the sign-in throttle. Nothing else — no password, no hash.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping

import streamlit as st

from dashboard.i18n import t
from pipelines.appstate import admin

ADMIN_KEY = "fundflows_admin_until"
CLIENT_KEY = "fundflows_sign_in_client"
SESSION_SECONDS = 3600
LOOPBACK = (None, "", "127.0.0.1", "::1")


def _secrets_section(name: str) -> dict:
    try:
        return dict(st.secrets[name]) if name in st.secrets else {}
    except (FileNotFoundError, KeyError):  # StreamlitSecretNotFoundError is a FileNotFoundError
        return {}


def oidc_configured() -> bool:
    return bool(_secrets_section("auth"))


def _oidc_admin() -> bool:
    if not st.user.get("is_logged_in", False):
        return False
    allowed = _secrets_section("fundflows").get("admin_emails")
    return not allowed or st.user.get("email") in allowed


def is_admin() -> bool:
    """Whether this session may load data, resolve names and delete batches."""
    if oidc_configured():
        return _oidc_admin()
    return float(st.session_state.get(ADMIN_KEY, 0.0)) > time.time()


def sign_out() -> None:
    if oidc_configured():
        st.logout()
    st.session_state.pop(ADMIN_KEY, None)


def client_address(ip_address: str | None, headers: Mapping[str, str]) -> str:
    """The source address a sign-in is throttled by: Streamlit's peer address; when the peer is
    this machine (a reverse proxy in front, or a local visitor), the address the proxy recorded
    (the last ``X-Forwarded-For`` entry, else ``X-Real-IP``), else ``local``. Forwarding headers
    from any other peer are ignored: anyone can send them."""
    if ip_address not in LOOPBACK:
        return str(ip_address)
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    forwarded = [a.strip() for a in lower.get("x-forwarded-for", "").split(",") if a.strip()]
    if forwarded:
        return forwarded[-1]
    return lower.get("x-real-ip", "").strip() or "local"


def _address() -> str:
    headers = st.context.headers
    merged = {**headers, "X-Forwarded-For": ",".join(headers.get_all("X-Forwarded-For"))}
    return client_address(st.context.ip_address, merged)


def _client_keys() -> list[str]:
    """This session's and this source address's keys for ``admin.verify``'s throttle."""
    if not isinstance(st.session_state.get(CLIENT_KEY), str):
        st.session_state[CLIENT_KEY] = secrets.token_hex(16)
    return [f"session:{st.session_state[CLIENT_KEY]}", f"address:{_address()}"]


def _password_form() -> None:
    with st.form("admin_sign_in", clear_on_submit=True):
        password = st.text_input(t("admin.password"), type="password", max_chars=admin.MAX_LENGTH)
        submitted = st.form_submit_button(t("admin.sign_in"))
    if not submitted:
        return
    result = admin.verify(password or "", clients=_client_keys())
    if result.ok:
        st.session_state[ADMIN_KEY] = time.time() + SESSION_SECONDS
        st.rerun()
    elif result.reason == "throttled":
        st.error(t("admin.locked", seconds=result.retry_after))
    elif result.reason == "not_configured":
        st.error(t("admin.not_configured"))
    else:
        st.error(t("admin.wrong_password"))


def require_admin() -> bool:
    """True for an admin; otherwise show the sign-in (form or OIDC button) and return False."""
    if is_admin():
        return True
    st.warning(t("admin.required"))
    if oidc_configured():
        if st.user.get("is_logged_in", False):
            st.error(t("admin.not_an_admin"))
        elif st.button(t("admin.sign_in_oidc")):
            st.login()
    else:
        _password_form()
    return False


def who() -> str:
    """Who is loading, for ``load_batch.loaded_by``: the OIDC e-mail, or the local admin."""
    if oidc_configured():
        return str(st.user.get("email") or st.user.get("name") or "oidc user")
    return "admin (local password)"
