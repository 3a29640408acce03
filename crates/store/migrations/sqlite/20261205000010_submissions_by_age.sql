-- Every commit with a submission key first clears that person's keys older
-- than a day. Without this index the clearing read every key the person
-- had used that day, one table lookup each: a commit grew slower with
-- each form sent (found by the soak bench).
CREATE INDEX submissions_by_age ON submissions (user_id, created_at);
