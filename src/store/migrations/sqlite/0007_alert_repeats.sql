-- Vigil schema 7: repeats and escalation of firing alerts survive restarts.

ALTER TABLE alerts ADD COLUMN escalation INTEGER NOT NULL DEFAULT 0; -- levels notified
ALTER TABLE alerts ADD COLUMN notified INTEGER;                      -- Unix ms of the last notice
