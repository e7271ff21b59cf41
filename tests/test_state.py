"""The app state store keeps saved views and contributor groups in sqlite, not the warehouse."""

from __future__ import annotations

import sqlite3

import pytest

from pipelines.appstate import store as state


def test_a_saved_view_round_trips_and_gives_a_permalink(tmp_path):
    path = tmp_path / "state.sqlite"
    state.save_view(path, "  PGTF  by year ", "?dataset=demo&fund=pgtf", "/explore")
    [view] = state.list_views(path)
    assert view.name == "PGTF by year"
    assert view.query == "dataset=demo&fund=pgtf"
    assert view.permalink() == "/explore?dataset=demo&fund=pgtf"
    assert state.get_view(path, "PGTF by year").page == "explore"
    assert view.settings == {}


def test_a_saved_view_keeps_the_page_settings_the_url_does_not_hold(tmp_path):
    path = tmp_path / "state.sqlite"
    pivot = {"rows": ["fund", "year"], "columns": ["modality"], "measure": "flows"}
    state.save_view(path, "pivot", "dataset=demo", "explore", settings=pivot)
    assert state.get_view(path, "pivot").settings == pivot


def test_saving_a_view_under_an_existing_name_replaces_it(tmp_path):
    path = tmp_path / "state.sqlite"
    state.save_view(path, "mine", "fund=pgtf", "explore")
    state.save_view(path, "mine", "fund=dgttf", "compare")
    views = state.list_views(path)
    assert [(v.name, v.query, v.page) for v in views] == [("mine", "fund=dgttf", "compare")]


def test_views_are_listed_by_name_and_can_be_deleted(tmp_path):
    path = tmp_path / "state.sqlite"
    for name in ("b", "a", "c"):
        state.save_view(path, name, "", "")
    assert [v.name for v in state.list_views(path)] == ["a", "b", "c"]
    assert state.delete_view(path, "b") is True
    assert state.delete_view(path, "b") is False
    assert [v.name for v in state.list_views(path)] == ["a", "c"]
    assert state.list_views(path)[0].permalink("http://h:1") == "http://h:1/"


def test_an_empty_or_overlong_name_is_refused_with_a_message(tmp_path):
    path = tmp_path / "state.sqlite"
    with pytest.raises(state.StateError, match="name is needed"):
        state.save_view(path, "   ", "x=1", "explore")
    with pytest.raises(state.StateError, match="at most 80"):
        state.save_view(path, "x" * 81, "x=1", "explore")
    with pytest.raises(state.StateError, match="no saved view"):
        state.get_view(path, "absent")


def test_a_contributor_group_keeps_its_members_in_order_without_duplicates(tmp_path):
    path = tmp_path / "state.sqlite"
    state.save_group(path, "Asian donors", ["gov_tha", "gov_chn", "gov_tha", ""])
    [group] = state.list_groups(path)
    assert group.name == "Asian donors"
    assert group.actor_ids == ("gov_tha", "gov_chn")
    with pytest.raises(state.StateError, match="at least one"):
        state.save_group(path, "empty", [])
    assert state.delete_group(path, "Asian donors") is True
    assert state.list_groups(path) == []


def test_the_store_is_a_plain_sqlite_file_other_modules_can_share(tmp_path):
    path = tmp_path / "nested" / "state.sqlite"
    state.save_view(path, "v", "a=1", "explore")
    with sqlite3.connect(path) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"saved_view", "contributor_group"} <= tables
