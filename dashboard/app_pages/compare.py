"""Compare: 2–8 contributors or groups side by side, their allocation mix, ranks and peers."""

import streamlit as st

from dashboard import components, page_kit, safe_text
from dashboard.i18n import actor_name, current, label, money, number, percent, region_name, t
from dashboard.workbench import compare as cv
from pipelines import settings
from pipelines.appstate import store as state

md = safe_text.md  # text from data or visitors, shown as written

v = page_kit.view()
st.title(t("page.compare"))
components.demo_banner(v.illustrative)
st.caption(t("compare.intro"))
contributors, mixes = v.query("compare_contributors"), v.query("compare_mix")
saved = {g.name: g for g in state.list_groups(settings.state_path())}
options = [f"group:{g}" for g in cv.BUILTIN_GROUPS] + [f"saved:{n}" for n in saved]
options += [f"actor:{a}" for a in contributors["contributor_id"]]
# a government reads as its country's name in the reader's language
contributors["contributor"] = [actor_name(r.contributor, r.kind, r.country_iso3)
                               for r in contributors.itertuples()]  # fmt: skip
names = dict(zip(contributors["contributor_id"], contributors["contributor"], strict=True))


def _label(key: str) -> str:
    kind, _, value = key.partition(":")
    if kind == "group":
        return t(f"compare.group_{value}")
    return t("compare.saved_group", name=value) if kind == "saved" else names.get(value, value)


def _entity(key: str) -> cv.Entity:
    kind, _, value = key.partition(":")
    if kind == "group":
        return cv.builtin_entity(contributors, value, _label(key))
    if kind == "saved":
        return cv.Entity(key, _label(key), saved[value].actor_ids)
    return cv.actor_entity(contributors, value)


default = [f"actor:{a}" for a in contributors["contributor_id"].head(3)]
chosen = st.multiselect(t("compare.pick"), options, default=default, key="cmp_pick",
                        format_func=_label, max_selections=cv.MAX)  # fmt: skip
if len(chosen) < cv.MIN:
    st.info(t("compare.pick_more"), icon=":material/group_add:")
    st.stop()
entities = [_entity(k) for k in chosen]
cur = v.unit
category_names = v.names() | {"via_fund": t("compare.via_fund"),
                              "unspecified": t("compare.unspecified"),
                              "other": t("compare.other_status")}  # fmt: skip
category_names |= {s: label("status", s) for s in ("ldc", "lldc", "sids")}

for entity in entities:
    facts = cv.headline(entity, contributors, mixes)
    if facts is None:
        st.markdown(t("compare.sentence_none", entity=md(entity.label)))
        continue
    words = {"entity": md(entity.label), "share": percent(facts["share"]),
             "category": md(category_names.get(facts["category"], facts["category"]))}  # fmt: skip
    if facts["ratio"]:
        st.markdown(t("compare.sentence", ratio=current().decimal(facts["ratio"]), **words))
    elif facts["peer_median"] == 0:
        st.markdown(t("compare.sentence_zero_median", **words))
    else:
        st.markdown(t("compare.sentence_no_peers", **words))

totals = cv.totals(entities, contributors).merge(
    cv.ranks(entities, contributors), on="entity", suffixes=("", "_rank")
)
shown = totals.assign(
    given=totals["given"].map(lambda x: money(x, v.currency)),
    pledged=totals["pledged"].map(lambda x: money(x, v.currency)),
    fulfilment=totals["fulfilment"].map(percent),
    members=totals["members"].map(number),
).drop(columns=["of"])
shown.columns = [t(f"compare.col_{c}", currency=cur) for c in shown.columns]
components.table_card(t("compare.totals_title", n=len(contributors)), shown, "compare_totals")

left, right = st.columns(2)
facet = left.radio(t("compare.facet"), cv.FACETS, horizontal=True, key="cmp_facet",
                   format_func=lambda f: t(f"compare.facet_{f}"))  # fmt: skip
scale = right.radio(t("compare.scale"), ("share", "amount"), horizontal=True, key="cmp_scale",
                    format_func=lambda s: t(f"compare.scale_{s}"))  # fmt: skip
table = cv.mix(entities, mixes, facet)
axis = t("compare.scale_share") if scale == "share" else cur
title = t("compare.mix_title", facet=t(f"compare.facet_{facet}"), scale=t(f"compare.scale_{scale}"))
members = sorted({m for e in entities for m in e.members})
footer = v.footer(["transferred"], side="given", contributor=members or ["(none)"])
components.card(title, cv.mix_figure(table, scale, category_names, axis) if len(table) else None,
                table, "compare_mix", footer)  # fmt: skip
trend = cv.mix(entities, mixes, "year")
trend_fig = cv.trend_figure(trend, cur) if len(trend) else None
components.card(t("compare.trend_title", currency=cur), trend_fig, trend, "compare_trend", footer)

for entity in entities:
    me = contributors[contributors["contributor_id"].isin(entity.members[:1])]
    kind = label("kind", me["kind"].iloc[0]) if len(me) else "–"
    region = md(region_name(me["region"].iloc[0]) if len(me) else "–")
    bench = cv.peer_shares(entity, contributors, mixes, facet)
    if bench.empty:
        st.caption(t("compare.peers_none", entity=md(entity.label), kind=kind, region=region))
        continue
    title = t("compare.peers_title", entity=md(entity.label), kind=kind, region=region,
               n=int(bench["peers"].iloc[0]))  # fmt: skip
    fig = cv.peer_figure(bench, category_names, entity.label, t("compare.peer_median"))
    components.card(title, fig, bench, f"compare_peers_{entity.members[0]}", footer)

with st.expander(t("compare.save_group")), st.form("cmp_group_form"):
    name = st.text_input(t("compare.group_name"), key="cmp_group_name")
    if st.form_submit_button(t("compare.save")):
        members = [m for e in entities for m in e.members]
        try:
            group = state.save_group(settings.state_path(), name, members)
            st.success(t("compare.saved", name=md(group.name), n=len(group.actor_ids)))
        except state.StateError as exc:
            st.error(md(exc))
