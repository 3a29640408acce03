-- Used submission keys (one per form sent), so that sending a form twice
-- writes once. Only hashes and where the first event landed: no route, URL,
-- kind or content. The primary key, not a lock in the app, decides which of
-- two commits with one key wins. Rows older than a day count as absent.
CREATE TABLE submissions (
    user_id      BLOB    NOT NULL,
    key_hash     BLOB    NOT NULL,
    request_hash BLOB    NOT NULL,
    stream_id    TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, key_hash)
);
