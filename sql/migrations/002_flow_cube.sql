-- 002_flow_cube: the flows pre-aggregated for the chart queries (see sql/aggregates/ and
-- pipelines/store/aggregates.py). One row per combination of every column a chart filters or groups
-- on; money summed in each display currency; maintained inside every publication.
CREATE TABLE flow_cube (
    dataset                     VARCHAR NOT NULL,
    is_illustrative             BOOLEAN NOT NULL,
    year                        INTEGER,
    stage                       VARCHAR NOT NULL,
    stage_group                 VARCHAR,
    leg                         VARCHAR NOT NULL,
    modality                    VARCHAR,
    channel                     VARCHAR NOT NULL,
    fund_short_name             VARCHAR,
    source_actor_id             VARCHAR,
    source_name                 VARCHAR,
    source_kind                 VARCHAR,
    source_country_iso3         VARCHAR,
    contributor_region          VARCHAR,
    recipient_country_iso3      VARCHAR,
    recipient_country_name      VARCHAR,
    recipient_region_code       VARCHAR,
    recipient_region_name       VARCHAR,
    recipient_subregion_code    VARCHAR,
    recipient_subregion_name    VARCHAR,
    recipient_intermediate_code VARCHAR,
    is_ldc                      BOOLEAN NOT NULL,
    is_lldc                     BOOLEAN NOT NULL,
    is_sids                     BOOLEAN NOT NULL,
    is_part                     BOOLEAN NOT NULL,
    given_side                  BOOLEAN NOT NULL,
    received_side               BOOLEAN NOT NULL,
    in_group_total              BOOLEAN NOT NULL,
    source_document_id          VARCHAR,
    flows                       BIGINT NOT NULL,         -- flows in the group
    usd                         DECIMAL(38, 2),          -- sum of amount_usd (NULL: none known)
    eur                         DOUBLE,                  -- sum of the amounts in EUR, CHF, GBP
    chf                         DOUBLE,
    gbp                         DOUBLE,
    usd_missing                 BIGINT NOT NULL,         -- flows without an amount in USD, ...
    eur_missing                 BIGINT NOT NULL,
    chf_missing                 BIGINT NOT NULL,
    gbp_missing                 BIGINT NOT NULL
);
