-- Failed sign-in attempts, one row per (email, client) pair, so that several
-- app instances share them. The key is a hash of the pair: no email or
-- address is kept here. Rows older than the counting window are swept.
CREATE TABLE login_attempts (
    key_hash BYTEA PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    last_at  BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_time ON login_attempts (last_at);

-- Browsers someone has signed in on: a device cookie's hash and whose it is.
-- Attempts from a known device are counted apart from the address, so the
-- owner is never locked out by someone else's guesses.
CREATE TABLE devices (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX devices_by_user ON devices (user_id);
