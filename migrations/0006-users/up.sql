-- Users, their roles per company, sign-in throttling, and who made each change.
-- Passwords are stored only as argon2id PHC strings (salt and parameters inside).

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_hlc   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

-- A user's role in one company; no row means no access to it.
CREATE TABLE memberships (
    user_id     TEXT NOT NULL REFERENCES users (id),
    company_id  TEXT NOT NULL REFERENCES companies (id),
    role        TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'clerk')),
    updated_hlc TEXT NOT NULL,
    PRIMARY KEY (user_id, company_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX memberships_company ON memberships (company_id, role);

-- Consecutive failed sign-ins per lowercased email (known or not), so that each further
-- attempt waits longer. Local to this device: never synced. A successful sign-in removes it.
CREATE TABLE sign_in_attempts (
    email           TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL CHECK (failures > 0),
    last_failure_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- This device's settings by name (idle_lock_minutes: 0 means never lock). Not synced: each
-- machine locks after its own idle time.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Who made each change; NULL for changes made before users existed (setup mode).
ALTER TABLE outbox ADD COLUMN user_id TEXT;
