r"""The one place where text from data is made safe for the place it is shown.

Names, descriptions, file names and saved-view names come from loaded files and from
visitors, so they must be shown as the characters they are, never as markup:

- ``md`` for everything Streamlit renders as Markdown (``st.markdown``, ``st.caption``,
  ``st.info``/``warning``/``success``/``error``, ``st.subheader``, metric labels and help,
  widget labels): the characters that can start Markdown inside a line are
  backslash-escaped (``\ ` * ~ [ ] < > $ :``, ``_`` unless inside a word, ``&`` before an
  entity), and so is a block marker at the start (``#``, ``-``, ``+``, ``=``, ``1.``), so
  ``[x](url)``, ``![i](url)``, ``**b**``, ``<tag>``, ``:red[x]``, ``$x$`` stay text while
  ordinary punctuation stays as it is; "://", "www." and "@" get an invisible word joiner
  (U+2060) so that GitHub's autolink literals (which Streamlit's Markdown applies after
  escapes are read) cannot turn a bare address into a link; line breaks become spaces.
  ``md_link`` makes the one kind of link from data the pages show on purpose (a source's
  http(s) address).
- ``plot`` for Plotly (titles, axis titles, legends, node labels, annotations, hover text,
  category labels): Plotly renders a subset of HTML (``<a href>``, ``<b>``, ``<br>`` ...)
  and decodes ``&lt;``-style entities, so ``&``, ``<`` and ``>`` become entities.
  ``figure`` applies it to every data string of a built figure's traces, once, just before
  it is shown or exported.
- ``html`` for the few places that write HTML themselves (``st.html`` on the Present page).

Dataframes (``st.dataframe``), ``st.text`` and select box / multiselect options show text as
text and need none of this.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import numpy as np
import plotly.graph_objects as go

WORD_JOINER = "\u2060"  # invisible, zero width, not a break: ":/⁠/" no longer starts a URL
_MARKUP = re.compile(r"([\\`*~\[\]<>$:])")  # what can start Markdown inside a line
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # "_" not between two letters/digits
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_BLOCK_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])")  # a heading, list or rule at the start
_AUTOLINK = re.compile(r"(://|www\.|@)", re.IGNORECASE)
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"  # reserved and unreserved characters stay as they are
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# trace properties that hold text from data (categories, names, labels, hover text; a
# treemap's ids and parents are escaped alike, so they still match)
_TEXT_KEYS = ("x", "y", "name", "text", "hovertext", "labels", "ids", "parents", "legendgrouptitle")


def _str(value: object) -> str:
    return "" if value is None else str(value)


def md(value: object) -> str:
    """``value`` as Markdown source that Streamlit shows as exactly these characters."""
    text = _LINE_BREAKS.sub(" ", _str(value))
    text = _AUTOLINK.sub(lambda m: m.group(1)[:-1] + WORD_JOINER + m.group(1)[-1], text)
    text = _MARKUP.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def plot(value: object) -> str:
    """``value`` as Plotly label text that Plotly shows as exactly these characters."""
    return _html.escape(_str(value), quote=False)


def html(value: object) -> str:
    """``value`` as HTML text (for ``st.html``)."""
    return _html.escape(_str(value), quote=True)


def _plot_values(values: object) -> object:
    """Strings escaped for Plotly inside a value or an array; numbers, dates, None kept."""
    if isinstance(values, str):
        return plot(values)
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "OUS":
            return np.array([_plot_values(v) for v in values.tolist()], dtype=object)
        return values
    if isinstance(values, list | tuple):
        return type(values)(_plot_values(v) for v in values)
    return values


def _escape_trace(trace: go.basedatatypes.BaseTraceType) -> None:
    for key in _TEXT_KEYS:
        if key not in trace:
            continue
        value = trace[key]
        if key == "legendgrouptitle":
            if value.text:
                value.text = plot(value.text)
        elif value is not None:
            trace[key] = _plot_values(value)
    if "node" in trace and trace.node.label is not None:  # Sankey node labels
        trace.node.label = _plot_values(trace.node.label)


def figure(fig: go.Figure) -> go.Figure:
    """``fig`` with every string of data in its traces escaped for Plotly (in place).

    Call it once per figure, where the figure leaves the builders (a page's chart, a slide):
    layout titles and annotations are written by the code from translations and numbers
    (data in them goes through ``plot`` where they are made)."""
    for trace in fig.data:
        _escape_trace(trace)
    return fig


def md_link(title: object, url: object) -> str:
    """A Markdown link to a web address from data (http or https only, the address
    percent-encoded), its title escaped; anything else gives the escaped title alone."""
    address = _str(url).strip()
    if urlsplit(address).scheme.lower() not in ("http", "https"):
        return md(title)
    return f"[{md(title)}](<{quote(address, safe=_URL_SAFE)}>)"


def md_list(values: Iterable[object], sep: str = ", ") -> str:
    """Several data strings joined for Markdown, each escaped."""
    return sep.join(md(v) for v in values)
