-- Data rights. An author may withdraw an entry: its ciphertext is removed
-- and the store keeps, beside it, its own proof (a MAC under a key derived
-- from the master key over the stream, seq and payload hash) that the
-- removal came through a redaction, so readers can tell it from someone
-- with database access hiding an entry.
CREATE TABLE redactions (
    stream_id TEXT    NOT NULL,
    seq       BIGINT  NOT NULL CHECK (seq >= 1),
    proof     BYTEA   NOT NULL,
    PRIMARY KEY (stream_id, seq)
);

-- A destroyed stream (a deleted account's private stream, an ended
-- space's shared record) leaves only this: which stream, its head when it
-- was destroyed, when and why, sealed like a head. `verify` accepts it in
-- place of the stream, and a witness of the stream is answered by it.
CREATE TABLE stream_deletions (
    stream_id  TEXT    PRIMARY KEY NOT NULL,
    last_seq   BIGINT  NOT NULL CHECK (last_seq >= 0),
    last_hash  BYTEA   NOT NULL,
    deleted_at BIGINT  NOT NULL,
    reason     TEXT    NOT NULL,
    seal       BYTEA   NOT NULL
);
