-- Day-old submission keys are no longer cleared at every commit (one more
-- statement on the single writer for each form sent): a commit replaces an
-- expired row of the same key in place, and a task forgets every expired
-- key once a minute, finding them by age alone.
DROP INDEX submissions_by_age;
CREATE INDEX submissions_by_time ON submissions (created_at);
