-- A therapist both partners invite. The one-time link a partner hands
-- over is kept only as its token's hash, with the proposal (the entry in
-- the couple's record) it answers; a newer link ends the older unused one.
-- A therapist is linked to the couples they serve through their own
-- table, never as a member of a space: a person belongs to at most one
-- space, a therapist to many. Whether the link still opens anything is
-- decided by the couple's record (a partner may end it at any time); the
-- row only says where to look.
CREATE TABLE therapist_invites (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    couple_id UUID NOT NULL,
    proposal BIGINT NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    used_by UUID REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX therapist_invites_couple ON therapist_invites (couple_id, created_at);

CREATE TABLE therapist_couples (
    therapist_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    couple_id UUID NOT NULL,
    proposal BIGINT NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (therapist_id, couple_id)
);
