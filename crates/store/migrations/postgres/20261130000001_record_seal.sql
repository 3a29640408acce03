-- The record proves itself, as in the SQLite schema, column for column.
ALTER TABLE events ADD COLUMN format BIGINT NOT NULL DEFAULT 1;

CREATE TABLE stream_seals (
    stream_id TEXT   PRIMARY KEY NOT NULL,
    seq       BIGINT NOT NULL CHECK (seq >= 1),
    seal      BYTEA  NOT NULL
);
