-- Kintsugi's schema for PostgreSQL, column for column the same as the SQLite
-- one (so a backup, which is always an SQLite file, holds the same rows).
-- Timestamps are integer microseconds since the Unix epoch (UTC), so they
-- round-trip exactly and hash the same on every backend.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

-- One random data key per stream, wrapped (encrypted) by the master key.
CREATE TABLE stream_keys (
    stream_id   TEXT PRIMARY KEY,
    wrapped_key BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The record. The primary key is what keeps a chain from forking: two
-- writers, even in two processes, can never both append the same seq.
CREATE TABLE events (
    stream_id          TEXT   NOT NULL,
    seq                BIGINT NOT NULL CHECK (seq >= 1),
    prev_hash          BYTEA  NOT NULL,
    hash               BYTEA  NOT NULL,
    author             TEXT   NOT NULL,
    kind               TEXT   NOT NULL,
    created_at         BIGINT NOT NULL,
    -- NULL once redacted; payload_hash stays so the chain still verifies.
    payload_ciphertext BYTEA,
    payload_hash       BYTEA  NOT NULL,
    PRIMARY KEY (stream_id, seq)
);

CREATE TABLE users (
    id                   UUID PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    recovery_codes_shown BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE recovery_codes (
    user_id   UUID  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    device       TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- A person belongs to at most one couple space: user_id is the primary key.
CREATE TABLE couple_members (
    user_id   UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    couple_id UUID NOT NULL,
    joined_at BIGINT NOT NULL
);
CREATE INDEX couple_members_by_couple ON couple_members (couple_id);

CREATE TABLE invites (
    token_hash BYTEA PRIMARY KEY,
    couple_id  UUID NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    UUID REFERENCES users (id) ON DELETE SET NULL
);
