"""Building blocks of the Present page: the high-contrast slide style, the story to show, and
the deck files (built only when the speaker asks for them, never on an ordinary rerun)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import data
from dashboard.filter_state import Filters
from dashboard.i18n import Translator
from dashboard.present import deck, deck_pdf, story, story_deck
from pipelines import settings
from pipelines.appstate import store as state

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MIME = {"pptx": PPTX_MIME, "pdf": "application/pdf"}
# Large type and black-on-white for a projector (the sidebar starts collapsed: set_page_config).
CSS = """
<style>
.stApp { background: #ffffff; color: #000000; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 3.5rem; }
.ff-slide-title { font-size: 2.6rem; font-weight: 800; line-height: 1.15; margin: 0; color: #000; }
.ff-headline { font-size: 2.1rem; font-weight: 700; color: #000; margin: .4rem 0 .6rem 0; }
.ff-counter { font-size: 1.2rem; font-weight: 700; color: #000; }
.ff-footer { font-size: 1.05rem; color: #000; border-top: 3px solid #000; padding-top: .4rem; }
.ff-demo { font-size: 1.1rem; font-weight: 800; color: #8b0000; }
.ff-empty { font-size: 1.8rem; color: #000; padding: 3rem 0; }
</style>
"""


def style() -> None:
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(CSS)


def saved_view_names() -> list[str]:
    path = settings.state_path()
    return [v.name for v in state.list_views(path)] if Path(path).exists() else []


def items(filters: Filters, chosen: list[str]) -> list[story.StoryItem]:
    """The chosen saved views in order (with the page's language), else the default story."""
    if not chosen:
        return story.default_story(filters)
    with data.connection().cursor() as con:
        choices = story.load_choices(con)
    return story.saved_story(settings.state_path(), chosen, choices, lang=filters.lang)


def render(item: story.StoryItem, tr: Translator) -> story.Slide:
    with data.connection().cursor() as con:
        return story.render(con, item, tr)


def screen_figure(fig: go.Figure) -> go.Figure:
    """The slide figure stretched to the screen width, type kept large."""
    fig.update_layout(width=None, height=620, font={"size": 20, "color": "#000000"})
    return fig


def deck_bytes(chosen_items: list[story.StoryItem], tr: Translator, kind: str) -> bytes:
    """The whole story as PPTX or PDF bytes (draws every chart: only when asked for)."""
    with data.connection().cursor() as con:
        made = story_deck.build_deck(con, chosen_items, tr)
    with tempfile.TemporaryDirectory(prefix="fundflows-present-") as tmp:
        out = Path(tmp) / f"deck.{kind}"
        (deck.write_pptx if kind == "pptx" else deck_pdf.write_pdf)(made, out)
        return out.read_bytes()


def deck_download(
    column: DeltaGenerator, chosen_items: list[story.StoryItem], tr: Translator, kind: str
) -> None:
    """A "prepare" button that builds the deck in this script run, under a spinner, then the
    download button for the built file. (Built in the script run rather than as the download
    button's deferred data: a deferred callable runs on the server's event loop, which then
    stops answering every session until the charts are drawn.)"""
    if not column.button(tr.t(f"present.prepare_{kind}"), key=f"present_prepare_{kind}",
                         icon=":material/slideshow:"):  # fmt: skip
        return
    with column, st.spinner(tr.t("present.preparing")):
        payload = deck_bytes(chosen_items, tr, kind)
    column.download_button(tr.t(f"present.download_{kind}"), data=payload, key=f"present_{kind}",
                           file_name=f"fundflows-talk.{kind}", mime=MIME[kind], type="primary",
                           on_click="ignore", icon=":material/download:")  # fmt: skip
