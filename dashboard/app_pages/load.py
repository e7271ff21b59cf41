"""Load data (admins only, hidden from navigation): upload → check → preview → confirm → load;
resolve unmatched names; delete a batch. The only page that writes to the warehouse."""

import streamlit as st

from dashboard import admin_gate, data
from dashboard.i18n import t
from dashboard.safe_text import md
from pipelines.ingest import load, upload
from pipelines.store import batches, review

st.title(t("load.title"))
if not admin_gate.require_admin():
    st.stop()
st.button(t("admin.sign_out"), on_click=admin_gate.sign_out)
live = data.live_path()
tab_upload, tab_review, tab_batches = st.tabs(
    [t("load.tab_upload"), t("load.tab_review"), t("load.tab_batches")]
)


def _show_preview(preview: upload.Preview) -> None:
    r = preview.report
    st.info(t("load.would_load", loaded=r.rows_loaded, read=r.rows_read, rejected=r.rows_rejected))
    for note in r.notes:
        st.caption(md(note))
    st.subheader(t("load.totals"))
    st.dataframe(preview.totals, hide_index=True)
    if r.rows_rejected:
        st.subheader(t("load.rejects"))
        st.dataframe(r.rejects, hide_index=True)


def _load(path, dataset: str, replace: bool) -> None:
    with st.status(t("load.loading")) as status:
        report = load.load_files(
            live, [path], dataset, replace=replace, loaded_by=admin_gate.who(),
            progress=lambda *parts: status.write(md(" ".join(map(str, parts)))),
        )[0]  # fmt: skip
    if report.status == "loaded":
        st.success(t("load.loaded", message=md(report.message), batch=report.batch_id))
    else:
        st.error(t("load.not_loaded", message=md(report.message)))


with tab_upload:
    st.write(t("load.intro"))
    dataset = st.text_input(t("load.dataset"), value="main", max_chars=64)
    replace = st.checkbox(t("load.replace"))
    mb = upload.MAX_UPLOAD_BYTES // 2**20
    got = st.file_uploader(t("load.file", mb=mb), type=["csv", "xlsx", "xml"], max_upload_size=mb)
    if got is not None:
        try:
            upload.check_size(got.size)  # before its bytes are read or parsed
            with upload.saved(got.getvalue(), got.name, live) as path:
                preview = upload.preview(live, path, dataset, label=got.name)
                if preview.report.status != "validated":
                    st.error(t("load.refused", message=md(preview.report.message)))
                else:
                    _show_preview(preview)
                    label = t("load.confirm", loaded=preview.report.rows_loaded, dataset=dataset)
                    if st.button(label, type="primary"):
                        _load(path, dataset, replace)
        except upload.UploadError as exc:
            st.error(t("load.refused", message=md(exc)))

with tab_review:
    st.write(t("load.review_intro"))
    pending = data.query("review_actors")
    if pending.empty:
        st.caption(t("load.review_empty"))
    else:
        st.dataframe(pending, hide_index=True)
        known = data.query("actor_choices")
        name = st.selectbox(t("load.review_name"), pending["actor_id"], format_func=dict(
            zip(pending["actor_id"], pending["name"], strict=True)).get)  # fmt: skip
        target = st.selectbox(t("load.review_target"), known["actor_id"], format_func=dict(
            zip(known["actor_id"], known["name"], strict=True)).get)  # fmt: skip
        if st.button(t("load.review_assign")):
            try:
                done = review.resolve_actor(live, name, target)
                st.success(t("load.review_done", alias=md(done.alias), actor=target,
                             rows=done.rows_repointed, version=done.version))  # fmt: skip
            except review.ReviewError as exc:
                st.error(md(exc))

with tab_batches:
    listed = data.query("admin_batches")
    if listed.empty:
        st.caption(t("load.batches_empty"))
    else:
        st.dataframe(listed, hide_index=True)
        batch = st.selectbox(t("load.batch_pick"), listed["batch_id"])
        sure = st.checkbox(t("load.batch_confirm"))
        if st.button(t("load.batch_delete"), disabled=not sure):
            try:
                flows = batches.delete_batch(live, batch)
                st.success(t("load.batch_deleted", batch=batch, flows=flows))
            except batches.BatchError as exc:
                st.error(md(exc))
