-- A therapist both partners invite. The one-time link a partner hands
-- over is kept only as its token's hash, with the proposal (the entry in
-- the couple's record) it answers; a newer link ends the older unused one.
-- A therapist is linked to the couples they serve through their own
-- table, never as a member of a space: a person belongs to at most one
-- space, a therapist to many. Whether the link still opens anything is
-- decided by the couple's record (a partner may end it at any time); the
-- row only says where to look.
CREATE TABLE therapist_invites (
    token_hash BLOB PRIMARY KEY NOT NULL,
    couple_id BLOB NOT NULL,
    proposal INTEGER NOT NULL,
    created_by BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by BLOB REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX therapist_invites_couple ON therapist_invites (couple_id, created_at);

CREATE TABLE therapist_couples (
    therapist_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    couple_id BLOB NOT NULL,
    proposal INTEGER NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (therapist_id, couple_id)
);
