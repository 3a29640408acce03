-- Joining a space is now one transaction: the member row, the invitation's
-- use and the record's event land together or not at all. Before, a join
-- that lost a race kept its member row with nothing in the record, which
-- left that person with a space they could not open. A real member wrote
-- to their space's record (creating or joining it); every other member
-- row is such a leftover and goes.
DELETE FROM couple_members
WHERE NOT EXISTS (
    SELECT 1 FROM events
    WHERE events.stream_id = 'couple:' || couple_members.couple_id::text
      AND events.author = couple_members.user_id::text
);

-- A space has two places, 1 and 2, each taken once: the database itself
-- refuses a third partner, however the joins race.
ALTER TABLE couple_members ADD COLUMN slot BIGINT NOT NULL DEFAULT 1 CHECK (slot IN (1, 2));
UPDATE couple_members SET slot = 2
WHERE EXISTS (
    SELECT 1 FROM couple_members AS earlier
    WHERE earlier.couple_id = couple_members.couple_id
      AND (earlier.joined_at < couple_members.joined_at
           OR (earlier.joined_at = couple_members.joined_at
               AND earlier.user_id < couple_members.user_id))
);
CREATE UNIQUE INDEX couple_members_slot ON couple_members (couple_id, slot);

-- The invited partner can say no: the link then works no more, and the
-- inviter sees that it was declined. Who declined and why is not kept.
ALTER TABLE invites ADD COLUMN declined_at BIGINT;
