-- Used submission keys, as in the SQLite schema, column for column.
CREATE TABLE submissions (
    user_id      UUID   NOT NULL,
    key_hash     BYTEA  NOT NULL,
    request_hash BYTEA  NOT NULL,
    stream_id    TEXT   NOT NULL,
    seq          BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, key_hash)
);
