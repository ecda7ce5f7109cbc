-- 0006_segments: saved segments with versions and sizes over time, and dense user ids.

CREATE TABLE IF NOT EXISTS segments (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name            VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    description     TEXT NULL,
    owner           VARCHAR(128) NULL,
    current_version INT UNSIGNED NOT NULL DEFAULT 0,
    status          VARCHAR(16) NOT NULL DEFAULT 'active',
    created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_segments_name (name),
    CONSTRAINT ck_segments_status CHECK (status IN ('active', 'retired'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- expression: a boolean TagLang expression over tags, e.g.
-- tag.high_value and not tag.churn_risk and tag.city_tier in ["1","2"]
CREATE TABLE IF NOT EXISTS segment_versions (
    segment_id  BIGINT UNSIGNED NOT NULL,
    version     INT UNSIGNED NOT NULL,
    expression  TEXT NOT NULL,
    change_note VARCHAR(1000) NULL,
    author      VARCHAR(128) NOT NULL,
    created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (segment_id, version),
    CONSTRAINT fk_segment_versions_segment FOREIGN KEY (segment_id)
        REFERENCES segments (id) ON DELETE RESTRICT,
    CONSTRAINT ck_segment_versions_version CHECK (version >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A time series of segment sizes (written by a scheduled job or on demand).
-- population is the number of users with a dense id at that moment (for shares).
CREATE TABLE IF NOT EXISTS segment_sizes (
    segment_id  BIGINT UNSIGNED NOT NULL,
    measured_at DATETIME(6) NOT NULL,
    version     INT UNSIGNED NOT NULL,
    size        BIGINT UNSIGNED NOT NULL,
    population  BIGINT UNSIGNED NULL,
    took_ms     INT UNSIGNED NULL,
    PRIMARY KEY (segment_id, measured_at),
    CONSTRAINT fk_segment_sizes_segment FOREIGN KEY (segment_id)
        REFERENCES segments (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Dense integer ids for bitmaps (a Redis bitmap offset is below 2^32, hence INT UNSIGNED).
-- external_id is VARBINARY (the UTF-8 bytes of the user id): exact matching, no collation,
-- no trailing-space padding. InnoDB consumes an AUTO_INCREMENT value even when an INSERT
-- fails on the unique key (INSERT IGNORE, ON DUPLICATE KEY UPDATE), so look the id up first
-- and insert only on a miss, to keep the ids dense.
CREATE TABLE IF NOT EXISTS user_ids (
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
    external_id VARBINARY(255) NOT NULL,
    created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_user_ids_external (external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
