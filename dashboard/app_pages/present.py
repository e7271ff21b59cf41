"""Present: the default story or chosen saved views, one chart per screen in large type."""

import streamlit as st

from dashboard import components, i18n, page_kit
from dashboard.i18n import translator
from dashboard.present import kit as present_kit
from dashboard.safe_text import html

v = page_kit.view()
tr = translator(i18n.language())
present_kit.style()

saved = present_kit.saved_view_names()
with st.expander(tr.t("present.source_label"), expanded=False, icon=":material/slideshow:"):
    st.caption(tr.t("present.intro"))
    chosen = st.multiselect(tr.t("present.saved_views"), saved, key="present_views",
                            placeholder=tr.t("present.default_story"))  # fmt: skip
    if not saved:
        st.caption(tr.t("present.no_saved_views"))
    items = present_kit.items(v.filters, chosen)
    for column, kind in zip(st.columns([1, 1, 3])[:2], ("pptx", "pdf"), strict=True):
        present_kit.deck_download(column, items, tr, kind)

count = len(items)
number = st.pagination(count, key="present_slide", max_visible_pages=count, width="stretch")
slide = present_kit.render(items[min(number, count) - 1], tr)
counter = tr.t("present.counter", slide=i18n.number(number), slides=i18n.number(count))
demo = f'<span class="ff-demo">⚠ {html(tr.t("deck.demo_notice"))}</span>' if slide.demo else ""
st.html(f'<div class="ff-counter">{html(counter)} {demo}</div>'
        f'<h1 class="ff-slide-title">{html(slide.title)}</h1>'
        f'<div class="ff-headline">{html(slide.headline)}</div>')  # fmt: skip
if slide.figure is None:
    st.html(f'<div class="ff-empty">{html(tr.t("deck.no_data"))}</div>')
else:
    is_map = slide.view in ("regions", "cities")
    st.plotly_chart(present_kit.screen_figure(slide.figure), key="present_chart",
                    config=components.plot_config(f"slide-{number}", is_map=is_map))  # fmt: skip
cited = " · ".join(d.citation for d in slide.sources) or tr.t("present.no_sources")
notes = "".join(f"<div>{html(n)}</div>" for n in slide.notes)
st.html(f'<div class="ff-footer">{html(tr.t("present.source_footer", sources=cited))}'
        f"{notes}</div>")  # fmt: skip
