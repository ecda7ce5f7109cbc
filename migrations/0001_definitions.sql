-- 0001_definitions: metric and tag definitions with an immutable version history.
--
-- Conventions for every migration in this directory:
--   * MariaDB 10.11, InnoDB, utf8mb4. Safe to run twice (IF NOT EXISTS everywhere).
--   * Times are DATETIME(6) in UTC: Portrait sets time_zone = '+00:00' on its connections.
--   * Names (metrics, tags, models, jobs, segments) use utf8mb4_bin: exact, case-sensitive.
--   * JSON columns are MariaDB JSON (LONGTEXT with a json_valid check).
--   * Statements end with a semicolon at the end of a line, and comments never contain one.
--
-- A definition row is the head: its name, its current status and the number of its latest
-- version. Every change (create, update, activate, retire) appends a row to the versions
-- table and bumps current_version in the same transaction. Version rows are never updated,
-- except published_at, set once when the version was acknowledged on portrait.control
-- (a republisher sends versions whose published_at is NULL).

CREATE TABLE IF NOT EXISTS metric_definitions (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name            VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    current_version INT UNSIGNED NOT NULL DEFAULT 0,
    status          VARCHAR(16) NOT NULL DEFAULT 'draft',
    description     TEXT NULL,
    owner           VARCHAR(128) NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_metric_definitions_name (name),
    KEY ix_metric_definitions_status (status),
    CONSTRAINT ck_metric_definitions_status CHECK (status IN ('draft', 'active', 'retired'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- body: {"filter": "<TagLang>", "aggregation": "count|sum|min|max|avg|distinct|first_seen|last_seen|last_value",
--        "field": "<event field or null>", "window": {"kind": "sliding|tumbling|session|lifetime", "size": "7d", "bucket": "1h"}}
CREATE TABLE IF NOT EXISTS metric_definition_versions (
    definition_id BIGINT UNSIGNED NOT NULL,
    version       INT UNSIGNED NOT NULL,
    status        VARCHAR(16) NOT NULL,
    body          JSON NOT NULL,
    change_note   VARCHAR(1000) NULL,
    author        VARCHAR(128) NOT NULL,
    created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    published_at  DATETIME(6) NULL,
    PRIMARY KEY (definition_id, version),
    KEY ix_metric_definition_versions_unpublished (published_at),
    CONSTRAINT fk_metric_definition_versions_definition FOREIGN KEY (definition_id)
        REFERENCES metric_definitions (id) ON DELETE RESTRICT,
    CONSTRAINT ck_metric_definition_versions_status CHECK (status IN ('draft', 'active', 'retired')),
    CONSTRAINT ck_metric_definition_versions_version CHECK (version >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Tags: kind, category path, owner, description and status are kept on the head for listing and
-- filtering, and repeated in every version so the history is complete on its own.
-- category_path is slash-separated, e.g. 'commerce/value'. It is '' for the root.
CREATE TABLE IF NOT EXISTS tag_definitions (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name            VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    category_path   VARCHAR(512) NOT NULL DEFAULT '',
    kind            VARCHAR(16) NOT NULL,
    current_version INT UNSIGNED NOT NULL DEFAULT 0,
    status          VARCHAR(16) NOT NULL DEFAULT 'draft',
    description     TEXT NULL,
    owner           VARCHAR(128) NULL,
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_tag_definitions_name (name),
    KEY ix_tag_definitions_category (category_path),
    KEY ix_tag_definitions_status (status),
    CONSTRAINT ck_tag_definitions_kind CHECK (kind IN ('boolean', 'enumerated')),
    CONSTRAINT ck_tag_definitions_status CHECK (status IN ('draft', 'active', 'retired'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- expression: the TagLang source as written (a case expression for enumerated tags).
-- body: anything else the version needs, e.g. {"values": ["gold", "silver", "bronze"]} for an
-- enumerated tag, compiled-reference lists, or UI hints.
CREATE TABLE IF NOT EXISTS tag_definition_versions (
    definition_id BIGINT UNSIGNED NOT NULL,
    version       INT UNSIGNED NOT NULL,
    status        VARCHAR(16) NOT NULL,
    kind          VARCHAR(16) NOT NULL,
    category_path VARCHAR(512) NOT NULL DEFAULT '',
    expression    TEXT NOT NULL,
    description   TEXT NULL,
    owner         VARCHAR(128) NULL,
    body          JSON NOT NULL DEFAULT '{}',
    change_note   VARCHAR(1000) NULL,
    author        VARCHAR(128) NOT NULL,
    created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    published_at  DATETIME(6) NULL,
    PRIMARY KEY (definition_id, version),
    KEY ix_tag_definition_versions_unpublished (published_at),
    CONSTRAINT fk_tag_definition_versions_definition FOREIGN KEY (definition_id)
        REFERENCES tag_definitions (id) ON DELETE RESTRICT,
    CONSTRAINT ck_tag_definition_versions_kind CHECK (kind IN ('boolean', 'enumerated')),
    CONSTRAINT ck_tag_definition_versions_status CHECK (status IN ('draft', 'active', 'retired')),
    CONSTRAINT ck_tag_definition_versions_version CHECK (version >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
