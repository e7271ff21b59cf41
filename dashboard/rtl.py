"""Right-to-left layout for Arabic: Streamlit has no RTL mode, so the app sets the direction
with its own CSS. ``app.py`` calls ``inject(lang)`` once per run after the filters set the
language; for a left-to-right language it adds nothing.

Text, widgets, tables and the sidebar's contents flow right to left; the page frame itself is
left as Streamlit draws it (flipping it breaks the sidebar's collapse, which slides it off to
the left). Charts stay left to right inside (Plotly lays out axes itself and shapes Arabic
labels in SVG), and so do code and numbers typed into inputs.
"""

from __future__ import annotations

import streamlit as st

RTL_LANGUAGES = frozenset({"ar"})

CSS = """
<style>
[data-testid="stMain"], [data-testid="stSidebarContent"] {
  direction: rtl;
}
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"],
[data-testid="stHeading"], [data-testid="stWidgetLabel"], [data-testid="stAlert"],
[data-testid="stExpander"] summary, [data-testid="stMetric"], .stHtml, label, p, li,
h1, h2, h3, h4 {
  text-align: right;
}
[data-testid="stMarkdownContainer"] ul, [data-testid="stMarkdownContainer"] ol {
  padding-right: 1.5em; padding-left: 0;
}
[data-testid="stPlotlyChart"], .js-plotly-plot, code, pre, input[type="number"] {
  direction: ltr;
}
[data-testid="stPlotlyChart"] { text-align: left; }
</style>
"""


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


def css(lang: str) -> str:
    """The style block for ``lang`` (empty for left-to-right languages)."""
    return CSS if is_rtl(lang) else ""


def inject(lang: str) -> None:
    """Add the right-to-left style to this run when ``lang`` is written right to left."""
    if is_rtl(lang):
        st.html(CSS)
