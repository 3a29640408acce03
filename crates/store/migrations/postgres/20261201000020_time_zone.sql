-- The IANA time zone a person reads dates in ("Europe/Berlin"). NULL: not
-- chosen, so the instance's default applies.
ALTER TABLE users ADD COLUMN time_zone TEXT;
