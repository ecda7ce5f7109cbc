-- 0002_cdc: binlog ingest state (positions, snapshots, table schemas).
--
-- One row per ingest (its configured name, e.g. 'shop'). The position is the last commit
-- boundary whose events Kafka acknowledged. Resume uses gtid_set when present (MariaDB
-- 'D-S-N,...' or a MySQL GTID set), otherwise binlog_file + binlog_offset.

CREATE TABLE IF NOT EXISTS cdc_positions (
    ingest_name    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    source_server_id INT UNSIGNED NULL,
    binlog_file    VARCHAR(255) NOT NULL,
    binlog_offset  BIGINT UNSIGNED NOT NULL,
    gtid_set       TEXT NULL,
    source_ts      DATETIME(6) NULL,
    updated_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (ingest_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The initial snapshot of an ingest: the binlog position read inside the consistent-snapshot
-- transaction. Streaming starts there once every table's progress row is done, even when the
-- snapshot was interrupted and resumed in a later transaction.
CREATE TABLE IF NOT EXISTS cdc_snapshots (
    ingest_name   VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    binlog_file   VARCHAR(255) NOT NULL,
    binlog_offset BIGINT UNSIGNED NOT NULL,
    gtid_set      TEXT NULL,
    status        VARCHAR(16) NOT NULL DEFAULT 'running',
    started_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    finished_at   DATETIME(6) NULL,
    PRIMARY KEY (ingest_name),
    CONSTRAINT ck_cdc_snapshots_status CHECK (status IN ('running', 'done', 'abandoned'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-table snapshot progress. last_pk is the primary key of the last row acknowledged by
-- Kafka as a JSON array in key-column order (e.g. [42] or ["eu", 17]), NULL before the first.
CREATE TABLE IF NOT EXISTS cdc_snapshot_progress (
    ingest_name VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    db_name     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    table_name  VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    last_pk     JSON NULL,
    rows_read   BIGINT UNSIGNED NOT NULL DEFAULT 0,
    done        TINYINT(1) NOT NULL DEFAULT 0,
    started_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    finished_at DATETIME(6) NULL,
    PRIMARY KEY (ingest_name, db_name, table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Table schemas as the ingest knows them, one row per (table, schema_version). A new version
-- is recorded at the binlog position of the DDL that changed the table (or of the snapshot),
-- and envelopes carry schema_version. columns: [{"name": ..., "type": ..., "unsigned": ...,
-- "charset": ..., "nullable": ..., "pk": ...}] in ordinal order.
CREATE TABLE IF NOT EXISTS cdc_table_schemas (
    ingest_name    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    db_name        VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    table_name     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    schema_version INT UNSIGNED NOT NULL,
    columns        JSON NOT NULL,
    ddl            MEDIUMTEXT NULL,
    binlog_file    VARCHAR(255) NULL,
    binlog_offset  BIGINT UNSIGNED NULL,
    gtid           VARCHAR(64) NULL,
    created_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (ingest_name, db_name, table_name, schema_version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
