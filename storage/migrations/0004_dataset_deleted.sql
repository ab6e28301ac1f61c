-- 0004: a deleted dataset is off every listing for every program on the
-- store, while its record stays for the runs made on it. deleted_ms is
-- when it was deleted; NULL while it is listed.
ALTER TABLE datasets ADD COLUMN deleted_ms INTEGER;
-- Stores written by a development build marked a deletion by a negative
-- created_ms; move that mark to the new column.
UPDATE datasets SET deleted_ms = -created_ms - 1, created_ms = -created_ms - 1 WHERE created_ms < 0;
