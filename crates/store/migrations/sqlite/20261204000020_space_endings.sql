-- Shared spaces a partner ended: when, and from when their record is
-- destroyed. The row is written in the same transaction as the record's
-- "ended" event, so the task that destroys records after the separation
-- window finds every ended space without reading any record; it goes
-- once the record is destroyed.
CREATE TABLE space_endings (
    couple_id BLOB PRIMARY KEY NOT NULL,
    ended_at INTEGER NOT NULL,
    destroy_after INTEGER NOT NULL
);
CREATE INDEX space_endings_due ON space_endings (destroy_after);
