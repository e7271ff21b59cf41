"""Compare page logic (pure pandas): entities, allocation mixes, ranks, peers, sentences.

An *entity* is one contributor or a group of them (G-77 members, DAC members, cities, private
donors, or a custom group saved by name). Its figures are the sums over its members of the
per-contributor rows of ``compare_contributors`` and ``compare_mix``. Ranks place an entity's
figure among all individual contributors under the same filters. The peer group of a single
contributor is every other contributor of the same kind and region; its benchmark is the
median of the peers' figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

FACETS = ("fund", "region", "modality", "status")
PRIVATE_KINDS = ("company", "foundation", "individual", "community")
BUILTIN_GROUPS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "g77": lambda c: c["is_g77"] & (c["kind"] == "government"),
    "dac": lambda c: c["is_dac"] & (c["kind"] == "government"),
    "cities": lambda c: c["kind"].isin(["local_government", "city_network"]),
    "private": lambda c: c["kind"].isin(PRIVATE_KINDS),
}
MIN, MAX = 2, 8


@dataclass(frozen=True)
class Entity:
    key: str  # "actor:<id>", "group:<builtin>" or "saved:<name>"
    label: str
    members: tuple[str, ...]

    @property
    def is_single(self) -> bool:
        return self.key.startswith("actor:")


def builtin_entity(contributors: pd.DataFrame, name: str, label: str) -> Entity:
    members = contributors.loc[BUILTIN_GROUPS[name](contributors), "contributor_id"]
    return Entity(f"group:{name}", label, tuple(members))


def actor_entity(contributors: pd.DataFrame, actor_id: str) -> Entity:
    names = dict(zip(contributors["contributor_id"], contributors["contributor"], strict=True))
    return Entity(f"actor:{actor_id}", names.get(actor_id, actor_id), (actor_id,))


def totals(entities: Sequence[Entity], contributors: pd.DataFrame) -> pd.DataFrame:
    """given, pledged and fulfilment (given / pledged) per entity, in the order chosen."""
    rows = []
    for entity in entities:
        part = contributors[contributors["contributor_id"].isin(entity.members)]
        given, pledged = float(part["given"].sum()), float(part["pledged"].sum())
        fulfilment = given / pledged if pledged else float("nan")
        rows.append({"entity": entity.label, "given": given, "pledged": pledged,
                     "fulfilment": fulfilment, "members": len(part)})  # fmt: skip
    return pd.DataFrame(rows, columns=["entity", "given", "pledged", "fulfilment", "members"])


def mix(entities: Sequence[Entity], mixes: pd.DataFrame, facet: str) -> pd.DataFrame:
    """amount and share of the entity's own total per category of ``facet`` (or year)."""
    frames = []
    for entity in entities:
        part = mixes[(mixes["facet"] == facet) & mixes["contributor_id"].isin(entity.members)]
        grouped = part.groupby("category", as_index=False)["amount"].sum()
        total = grouped["amount"].sum()
        grouped["share"] = grouped["amount"] / total if total else 0.0
        grouped.insert(0, "entity", entity.label)
        frames.append(grouped)
    columns = ["entity", "category", "amount", "share"]
    return (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )


def ranks(entities: Sequence[Entity], contributors: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = largest) of each entity's given, pledged and fulfilment among contributors."""
    table = totals(entities, contributors)
    pool = contributors.assign(
        fulfilment=contributors["given"]
        / contributors["pledged"].where(contributors["pledged"] > 0)
    )
    out = table[["entity"]].copy()
    for measure in ("given", "pledged", "fulfilment"):
        values = pool[measure].dropna()
        out[measure] = [
            int((values > v).sum()) + 1 if pd.notna(v) else None for v in table[measure]
        ]
    out["of"] = len(contributors)
    return out


def peers(entity: Entity, contributors: pd.DataFrame) -> pd.DataFrame:
    """Contributors of the same kind and region as a single contributor (itself excluded)."""
    if not entity.is_single:
        return contributors.iloc[0:0]
    me = contributors[contributors["contributor_id"] == entity.members[0]]
    if me.empty:
        return contributors.iloc[0:0]
    kind, region = me["kind"].iloc[0], me["region"].iloc[0]
    same = (contributors["kind"] == kind) & (contributors["region"].fillna("") == (region or ""))
    return contributors[same & (contributors["contributor_id"] != entity.members[0])]


def peer_shares(entity: Entity, contributors: pd.DataFrame, mixes: pd.DataFrame,
                facet: str) -> pd.DataFrame:  # fmt: skip
    """Per category: the entity's share and the median share of its peers (0 where absent)."""
    group = peers(entity, contributors)
    columns = ["category", "share", "peer_median", "peers"]
    if group.empty:
        return pd.DataFrame(columns=columns)
    peer_entities = [Entity(f"actor:{p}", p, (p,)) for p in group["contributor_id"]]
    peer_mix = mix(peer_entities, mixes, facet)
    wide = peer_mix.pivot_table(index="entity", columns="category", values="share", fill_value=0)
    wide = wide.reindex([e.label for e in peer_entities], fill_value=0)
    own = mix([entity], mixes, facet).set_index("category")["share"]
    categories = sorted(set(wide.columns) | set(own.index))
    medians = wide.reindex(columns=categories, fill_value=0).median()
    return pd.DataFrame({"category": categories,
                         "share": [float(own.get(c, 0.0)) for c in categories],
                         "peer_median": [float(medians.get(c, 0.0)) for c in categories],
                         "peers": len(group)})  # fmt: skip


def headline(entity: Entity, contributors: pd.DataFrame, mixes: pd.DataFrame) -> dict | None:
    """The facts of the generated sentence: the fund with the largest share, vs the peers."""
    own = mix([entity], mixes, "fund")
    if own.empty or own["amount"].sum() <= 0:
        return None
    top = own.sort_values(["share", "category"], ascending=[False, True]).iloc[0]
    bench = peer_shares(entity, contributors, mixes, "fund")
    median = None
    if not bench.empty:
        median = float(bench.loc[bench["category"] == top["category"], "peer_median"].iloc[0])
    ratio = top["share"] / median if median else None
    count = len(peers(entity, contributors))
    return {"entity": entity.label, "category": top["category"], "share": float(top["share"]),
            "peer_median": median, "ratio": ratio, "peers": count}  # fmt: skip


# ---- figures (pure: frames in, Plotly figures out) -----------------------------------------

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")


def mix_figure(table: pd.DataFrame, value: str, names: dict[str, str], axis: str) -> go.Figure:
    """Grouped bars: one bar per entity in each category, one shared axis (same scale)."""
    fig = go.Figure()
    for n, (entity, part) in enumerate(table.groupby("entity", sort=False)):
        fig.add_bar(name=entity, x=[names.get(c, c) for c in part["category"]], y=part[value],
                    marker_color=PALETTE[n % len(PALETTE)])  # fmt: skip
    fig.update_layout(barmode="group", yaxis_title=axis, legend_title_text="",
                      margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=380)  # fmt: skip
    if value == "share":
        fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return fig


def trend_figure(table: pd.DataFrame, axis: str) -> go.Figure:
    fig = go.Figure()
    for n, (entity, part) in enumerate(table.groupby("entity", sort=False)):
        part = part.sort_values("category")
        fig.add_scatter(name=entity, x=part["category"].astype(int), y=part["amount"],
                        mode="lines+markers", line_color=PALETTE[n % len(PALETTE)])  # fmt: skip
    fig.update_layout(yaxis_title=axis, legend_title_text="", height=340,
                      margin={"l": 10, "r": 10, "t": 10, "b": 10})  # fmt: skip
    return fig


def peer_figure(bench: pd.DataFrame, names: dict[str, str], own: str, median: str) -> go.Figure:
    labels = [names.get(c, c) for c in bench["category"]]
    fig = go.Figure()
    fig.add_bar(name=own, x=labels, y=bench["share"], marker_color=PALETTE[0])
    fig.add_bar(name=median, x=labels, y=bench["peer_median"], marker_color="#999999")
    fig.update_layout(barmode="group", height=300, legend_title_text="",
                      margin={"l": 10, "r": 10, "t": 10, "b": 10})  # fmt: skip
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return fig
