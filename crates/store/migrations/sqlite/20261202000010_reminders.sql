-- Gentle reminders by email. A row in reminder_choices is a kind a person
-- opted into, at a minute of their own day (0 to 1439). Unsubscribe links
-- are kept only as hashes of their tokens, each for one kind. A claim is
-- one reminder decided by one instance: the primary key lets only one
-- instance claim (person, occasion), so each goes out at most once.
CREATE TABLE reminder_choices (
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at_minute INTEGER NOT NULL CHECK (at_minute >= 0 AND at_minute < 1440),
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE unsubscribe_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE reminder_claims (
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    occasion TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, occasion)
);
