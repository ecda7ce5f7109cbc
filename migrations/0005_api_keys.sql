-- 0005_api_keys: API keys with roles, stored hashed.
--
-- A key is shown once at creation as <prefix>.<secret>. key_prefix (random, not secret) finds
-- the row, key_hash is the lower-case hex SHA-256 of the secret, compared in constant time.
-- A key is usable while revoked_at is NULL and expires_at is NULL or in the future.
-- rate_limit_per_s overrides the configured per-key rate limit when not NULL.

CREATE TABLE IF NOT EXISTS api_keys (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name             VARCHAR(128) NOT NULL,
    role             VARCHAR(16) NOT NULL,
    key_prefix       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    key_hash         CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rate_limit_per_s INT UNSIGNED NULL,
    created_by       VARCHAR(128) NULL,
    created_at       DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at       DATETIME(6) NULL,
    revoked_at       DATETIME(6) NULL,
    last_used_at     DATETIME(6) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_api_keys_prefix (key_prefix),
    KEY ix_api_keys_name (name),
    CONSTRAINT ck_api_keys_role CHECK (role IN ('reader', 'collector', 'admin')),
    CONSTRAINT ck_api_keys_hash CHECK (key_hash REGEXP '^[0-9a-f]{64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
