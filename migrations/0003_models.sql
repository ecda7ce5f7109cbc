-- 0003_models: model registry.
--
-- models is the head (one per model name, e.g. 'rfm_clusters', 'purchase_propensity'),
-- active_version the version processors score with (NULL before the first promotion).
-- model_versions is append-only apart from status and the promoted/retired times.
-- model_promotions records every promote and rollback so a rollback can find the previous
-- active version and the history can be shown.

CREATE TABLE IF NOT EXISTS models (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name           VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    algorithm      VARCHAR(64) NOT NULL,
    description    TEXT NULL,
    owner          VARCHAR(128) NULL,
    latest_version INT UNSIGNED NOT NULL DEFAULT 0,
    active_version INT UNSIGNED NULL,
    promotion_margin DOUBLE NULL,
    created_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_models_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- algorithm: kmeans, streaming_kmeans, logistic_regression, ftrl, ...
-- params: the fitted model's JSON parameters (or hyper-parameters when the artifact holds them).
-- metrics: e.g. {"auc": 0.91, "log_loss": 0.31} or {"sse": 1234.5, "k": 10}.
-- features: the ordered feature names the model reads from profiles.
-- artifact_location: where the saved model lives (file path or URL), artifact_sha256 its digest.
CREATE TABLE IF NOT EXISTS model_versions (
    model_id          BIGINT UNSIGNED NOT NULL,
    version           INT UNSIGNED NOT NULL,
    algorithm         VARCHAR(64) NOT NULL,
    params            JSON NOT NULL DEFAULT '{}',
    metrics           JSON NOT NULL DEFAULT '{}',
    features          JSON NULL,
    training_from     DATETIME(6) NULL,
    training_to       DATETIME(6) NULL,
    training_rows     BIGINT UNSIGNED NULL,
    artifact_location VARCHAR(1024) NULL,
    artifact_sha256   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    status            VARCHAR(16) NOT NULL DEFAULT 'candidate',
    job_run_id        BIGINT UNSIGNED NULL,
    created_by        VARCHAR(128) NULL,
    created_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    promoted_at       DATETIME(6) NULL,
    retired_at        DATETIME(6) NULL,
    PRIMARY KEY (model_id, version),
    KEY ix_model_versions_status (model_id, status),
    CONSTRAINT fk_model_versions_model FOREIGN KEY (model_id)
        REFERENCES models (id) ON DELETE RESTRICT,
    CONSTRAINT ck_model_versions_status CHECK (status IN ('candidate', 'active', 'retired', 'rejected')),
    CONSTRAINT ck_model_versions_version CHECK (version >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS model_promotions (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    model_id     BIGINT UNSIGNED NOT NULL,
    action       VARCHAR(16) NOT NULL,
    from_version INT UNSIGNED NULL,
    to_version   INT UNSIGNED NULL,
    reason       VARCHAR(1000) NULL,
    actor        VARCHAR(128) NOT NULL,
    created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    published_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    KEY ix_model_promotions_model (model_id, created_at),
    CONSTRAINT fk_model_promotions_model FOREIGN KEY (model_id)
        REFERENCES models (id) ON DELETE RESTRICT,
    CONSTRAINT ck_model_promotions_action CHECK (action IN ('promote', 'rollback', 'retire'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
