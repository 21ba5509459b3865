-- +goose Up
CREATE TABLE reports_state (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    label_en TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL CHECK (type IN ('open','fixed','closed','hidden')),
    open311 TEXT NOT NULL DEFAULT 'OPEN',
    ord INTEGER NOT NULL DEFAULT 0,
    builtin BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE reports_area (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    polygon TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE reports_category (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    group_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    hint TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    radius_m INTEGER NOT NULL DEFAULT 250,
    deadline_days INTEGER NOT NULL DEFAULT 15,
    anonymous_allowed BOOLEAN NOT NULL DEFAULT FALSE,
    private BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    ord INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE reports_attribute (
    id TEXT PRIMARY KEY,
    category_id TEXT NOT NULL REFERENCES reports_category(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    datatype TEXT NOT NULL,
    required BOOLEAN NOT NULL DEFAULT FALSE,
    variable BOOLEAN NOT NULL DEFAULT TRUE,
    description TEXT NOT NULL,
    datatype_description TEXT NOT NULL DEFAULT '',
    ord INTEGER NOT NULL,
    choices TEXT NOT NULL DEFAULT '[]',
    UNIQUE (category_id, code)
);

CREATE TABLE reports_counter (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE reports_report (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL UNIQUE,
    category_id TEXT NOT NULL REFERENCES reports_category(id),
    state TEXT NOT NULL REFERENCES reports_state(code),
    state_type TEXT NOT NULL,
    title TEXT NOT NULL,
    details TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    address TEXT NOT NULL DEFAULT '',
    address_id TEXT NOT NULL DEFAULT '',
    zipcode TEXT NOT NULL DEFAULT '',
    area_id TEXT REFERENCES reports_area(id),
    priority INTEGER NOT NULL DEFAULT 2,
    office TEXT NOT NULL DEFAULT '',
    operator TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    reporter_kind TEXT NOT NULL,
    reporter_fc TEXT NOT NULL DEFAULT '',
    reporter_name TEXT NOT NULL DEFAULT '',
    reporter_email TEXT NOT NULL DEFAULT '',
    reporter_phone TEXT NOT NULL DEFAULT '',
    reporter_account TEXT NOT NULL DEFAULT '',
    reporter_device TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '{}',
    media_url TEXT NOT NULL DEFAULT '',
    confirm_code TEXT NOT NULL DEFAULT '',
    duplicate_of TEXT NOT NULL DEFAULT '',
    support_count INTEGER NOT NULL DEFAULT 0,
    rating INTEGER NOT NULL DEFAULT 0,
    rating_answers TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    taken_at TIMESTAMP,
    fixed_at TIMESTAMP,
    closed_at TIMESTAMP,
    deadline_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- Duplicates lookup: open reports of a category inside a lat/lon box. state_type
-- leads so that listings filtering only by category keep the created_at index.
CREATE INDEX reports_report_nearby ON reports_report (state_type, category_id, lat, lon);
-- Listing newest first filters category and visibility inside the index.
CREATE INDEX reports_report_created ON reports_report (created_at, id, category_id, state_type);
CREATE INDEX reports_report_updated ON reports_report (updated_at);
CREATE INDEX reports_report_reporter ON reports_report (reporter_fc);
CREATE INDEX reports_report_state ON reports_report (state_type, deadline_at);

CREATE TABLE reports_media (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports_report(id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    name TEXT NOT NULL,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_media_report ON reports_media (report_id);

CREATE TABLE reports_update (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports_report(id),
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    state_from TEXT NOT NULL DEFAULT '',
    state_to TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    author TEXT NOT NULL DEFAULT '',
    external_id TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (external_id)
);
CREATE INDEX reports_update_report ON reports_update (report_id, created_at);
CREATE INDEX reports_update_created ON reports_update (created_at);

CREATE TABLE reports_supporter (
    report_id TEXT NOT NULL REFERENCES reports_report(id),
    supporter TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, supporter)
);

CREATE TABLE reports_rule (
    id TEXT PRIMARY KEY,
    category_id TEXT REFERENCES reports_category(id) ON DELETE CASCADE,
    area_id TEXT REFERENCES reports_area(id) ON DELETE CASCADE,
    office TEXT NOT NULL,
    operator TEXT NOT NULL DEFAULT '',
    ord INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE reports_template (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE reports_view (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (owner, name)
);

CREATE TABLE reports_draft (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_draft_owner ON reports_draft (owner, updated_at);

-- +goose Down
DROP TABLE reports_draft;
DROP TABLE reports_view;
DROP TABLE reports_template;
DROP TABLE reports_rule;
DROP TABLE reports_supporter;
DROP TABLE reports_update;
DROP TABLE reports_media;
DROP TABLE reports_report;
DROP TABLE reports_counter;
DROP TABLE reports_attribute;
DROP TABLE reports_category;
DROP TABLE reports_area;
DROP TABLE reports_state;
