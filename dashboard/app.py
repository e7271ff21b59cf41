"""fundflows dashboard: page config, the shared filter panel, navigation over app_pages/."""

import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
if str(APP_DIR.parent) not in sys.path:  # `streamlit run dashboard/app.py` from anywhere
    sys.path.insert(0, str(APP_DIR.parent))

import streamlit as st  # noqa: E402

from dashboard import components, data, filters, i18n, rtl  # noqa: E402
from dashboard.filter_state import PAGES  # noqa: E402
from dashboard.i18n import t  # noqa: E402

# a local icon: a Material or emoji icon makes every browser fetch it from fonts.gstatic.com
ICON = str(APP_DIR / "static" / "fundflows-icon.png")
st.set_page_config(page_title="fundflows", page_icon=ICON, layout="wide")
data.pin_version()  # this rerun reads one warehouse version throughout
if not data.available():
    st.error(t("app.no_warehouse", path=str(data.live_path())))
    st.stop()
choices, labels = filters.load_choices()
filters.prepare(choices)  # the language is known before the page titles are made
pages = {
    key: st.Page(
        APP_DIR / "app_pages" / f"{key}.py",
        title=t(f"page.{key}"),
        url_path=key,
        default=key == "overview",
        visibility="hidden" if key == "load" else "visible",  # admins open it by its URL
    )
    for key in PAGES
    if (APP_DIR / "app_pages" / f"{key}.py").is_file()
}
nav = st.navigation(list(pages.values()))
here = next((key for key, page in pages.items() if page.url_path == nav.url_path), "overview")
filters.sidebar(choices, labels, page=here)
rtl.inject(i18n.language())  # Arabic reads right to left (the app's own CSS)
wanted = filters.requested_page()
if wanted and wanted != here and wanted in pages:
    st.switch_page(pages[wanted])
components.ignored_notes(filters.notes())
nav.run()
