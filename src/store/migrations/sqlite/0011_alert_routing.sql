-- Vigil schema 11: where an alert's follow-ups go, grouped messages,
-- pending threshold rules and recurring windows made through the API
-- survive restarts.

-- The alert's own channels (a monitor's or rule's `channels`), one per line;
-- NULL: alerting.channels_on.
ALTER TABLE alerts ADD COLUMN channels TEXT;

-- One line about the message, what a grouped message lists; NULL: never grouped.
ALTER TABLE outbox ADD COLUMN summary TEXT;

-- Threshold rules whose condition holds but not yet for `for`: since when.
CREATE TABLE rule_pending (
    name   TEXT PRIMARY KEY,
    metric TEXT NOT NULL,
    since  INTEGER NOT NULL       -- Unix ms; 0: not pending
);

-- A recurring window: its 5-field cron expression and IANA zone (start unused).
ALTER TABLE maintenance ADD COLUMN cron TEXT;
ALTER TABLE maintenance ADD COLUMN timezone TEXT;
