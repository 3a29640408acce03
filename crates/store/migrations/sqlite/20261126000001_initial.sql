-- Kintsugi's schema for SQLite. Timestamps are integer microseconds since the
-- Unix epoch (UTC), so they round-trip exactly and hash the same on every
-- backend. The PostgreSQL schema mirrors this one column for column.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);

-- One random data key per stream, wrapped (encrypted) by the master key.
CREATE TABLE stream_keys (
    stream_id   TEXT PRIMARY KEY NOT NULL,
    wrapped_key BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);

-- The record. The primary key is what keeps a chain from forking: two
-- writers can never both append the same seq.
CREATE TABLE events (
    stream_id          TEXT    NOT NULL,
    seq                INTEGER NOT NULL CHECK (seq >= 1),
    prev_hash          BLOB    NOT NULL,
    hash               BLOB    NOT NULL,
    author             TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    -- NULL once redacted; payload_hash stays so the chain still verifies.
    payload_ciphertext BLOB,
    payload_hash       BLOB    NOT NULL,
    PRIMARY KEY (stream_id, seq)
);

CREATE TABLE users (
    id                   BLOB PRIMARY KEY NOT NULL,
    email                TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    recovery_codes_shown BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE recovery_codes (
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    device       TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- A person belongs to at most one couple space: user_id is the primary key.
CREATE TABLE couple_members (
    user_id   BLOB PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    couple_id BLOB NOT NULL,
    joined_at INTEGER NOT NULL
);
CREATE INDEX couple_members_by_couple ON couple_members (couple_id);

CREATE TABLE invites (
    token_hash BLOB PRIMARY KEY NOT NULL,
    couple_id  BLOB NOT NULL,
    created_by BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    BLOB REFERENCES users (id) ON DELETE SET NULL
);
