-- +goose Up
CREATE TABLE cloudplan_app (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    interlocutor TEXT NOT NULL DEFAULT '',
    services TEXT NOT NULL DEFAULT '',
    licences TEXT NOT NULL DEFAULT '',
    opportunity TEXT NOT NULL DEFAULT '',
    risk TEXT NOT NULL DEFAULT '',
    ease TEXT NOT NULL DEFAULT '',
    level_override INTEGER NOT NULL DEFAULT 0,
    acn_class TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    declared_mode TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL DEFAULT '',
    first_step_on TEXT NOT NULL DEFAULT '',
    strategy TEXT NOT NULL DEFAULT '',
    strategy_by TEXT NOT NULL DEFAULT '',
    strategy_reason TEXT NOT NULL DEFAULT '',
    strategy_at TIMESTAMPTZ,
    state TEXT NOT NULL DEFAULT 'da_valutare',
    effort_days INTEGER NOT NULL DEFAULT 0,
    assessment TEXT,
    judgements TEXT NOT NULL DEFAULT '{}',
    costs TEXT NOT NULL DEFAULT '{}',
    kpis TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cloudplan_server (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    vcpu INTEGER NOT NULL DEFAULT 0,
    memory_mb BIGINT NOT NULL DEFAULT 0,
    disks_mb TEXT NOT NULL DEFAULT '[]',
    os TEXT NOT NULL DEFAULT '',
    cluster TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cloudplan_server_app (
    server_id TEXT NOT NULL REFERENCES cloudplan_server(id) ON DELETE CASCADE,
    app_id TEXT NOT NULL REFERENCES cloudplan_app(id) ON DELETE CASCADE,
    PRIMARY KEY (server_id, app_id)
);
CREATE INDEX cloudplan_server_app_app ON cloudplan_server_app(app_id);

CREATE TABLE cloudplan_dependency (
    app_id TEXT NOT NULL REFERENCES cloudplan_app(id) ON DELETE CASCADE,
    depends_on TEXT NOT NULL REFERENCES cloudplan_app(id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'dipendenza' CHECK (kind IN ('dipendenza', 'dati_condivisi')),
    PRIMARY KEY (app_id, depends_on),
    CHECK (app_id <> depends_on)
);

CREATE TABLE cloudplan_skill (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    team INTEGER NOT NULL DEFAULT 0,
    required TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE cloudplan_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE cloudplan_import (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    job_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'in_coda',
    message TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);

-- +goose Down
DROP TABLE cloudplan_import;
DROP TABLE cloudplan_setting;
DROP TABLE cloudplan_skill;
DROP TABLE cloudplan_dependency;
DROP TABLE cloudplan_server_app;
DROP TABLE cloudplan_server;
DROP TABLE cloudplan_app;
