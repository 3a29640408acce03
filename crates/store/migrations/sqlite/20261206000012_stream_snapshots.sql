-- Each stream's newest snapshot: the app's state of the stream as of
-- `seq`, serialised in the app's `format`, encrypted with the stream's data
-- key as a payload is (stream, seq, format and head bound as associated
-- data). Only a cache: a projection let go from memory comes back from it
-- plus the events after `seq`. It goes with its stream, and with any commit
-- that redacts an event at or below its `seq`; a backup does not carry it.
CREATE TABLE stream_snapshots (
    stream_id  TEXT    PRIMARY KEY NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    format     INTEGER NOT NULL,
    head       BLOB    NOT NULL,
    ciphertext BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);
