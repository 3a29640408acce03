-- The record proves itself (issue 8).
--
-- `format` says which associated data an event's ciphertext was sealed
-- with: 1 binds stream and seq (every event written before this migration),
-- 2 binds the whole header (stream, seq, author, kind, created_at). A
-- ciphertext never changes once appended, so old events keep format 1.
ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;

-- Each stream's head, sealed with HMAC-SHA-256 under a key derived from the
-- master key; written in the same transaction as every append. A stream
-- with events and no seal is refused until `kintsugi migrate` seals it.
CREATE TABLE stream_seals (
    stream_id TEXT PRIMARY KEY NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    seal      BLOB NOT NULL
);
