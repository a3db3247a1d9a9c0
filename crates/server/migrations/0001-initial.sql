-- The sync server's schema. Company data is keyed by company_id first, so the tables can be
-- distributed by company (Citus) when one database is no longer enough.
-- Append-only: never edit a migration that has shipped; add the next NNNN-name.sql.

-- One row: the epoch (a new one after a restore from backup) and the generated JWT secret.
CREATE TABLE server_meta (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    epoch text NOT NULL,
    jwt_secret text NOT NULL,
    epoch_started_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    account_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE CHECK (email = lower(email) AND email <> ''),
    name text,
    -- argon2id, PHC string.
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE companies (
    company_id text PRIMARY KEY,
    -- From the latest `company` change (by hlc) whose payload has a name.
    name text,
    name_hlc text,
    -- The account whose push first brought the company to the server.
    owner_account_id bigint NOT NULL REFERENCES accounts (account_id),
    -- The company's sequence counter: the seq of its latest change. Its row lock, taken as the
    -- last step of a push and held until commit, makes seq order commit order.
    last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_by_owner ON companies (owner_account_id);
CREATE INDEX companies_by_name ON companies (name);

CREATE TABLE company_grants (
    company_id text NOT NULL REFERENCES companies (company_id),
    account_id bigint NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, account_id)
);
CREATE INDEX company_grants_by_account ON company_grants (account_id);

CREATE TABLE changes (
    company_id text NOT NULL REFERENCES companies (company_id),
    seq bigint NOT NULL CHECK (seq >= 1),
    change_id text NOT NULL,
    device_id text NOT NULL,
    device_seq bigint NOT NULL CHECK (device_seq >= 1),
    entity text NOT NULL,
    entity_id text NOT NULL,
    hlc text NOT NULL,
    version bigint NOT NULL,
    -- A JSON array of field names (empty: every field).
    fields jsonb NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, seq),
    UNIQUE (company_id, change_id),
    UNIQUE (company_id, device_id, device_seq)
);

-- The highest device_seq held per device: what /v1/status answers without scanning changes.
-- Dense sequences (a push with a gap is refused) make it the highest contiguous one too.
CREATE TABLE company_devices (
    company_id text NOT NULL REFERENCES companies (company_id),
    device_id text NOT NULL,
    max_device_seq bigint NOT NULL,
    last_push_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, device_id)
);

-- Consecutive failed sign-ins per email (known or not, so the answer reveals nothing).
CREATE TABLE login_attempts (
    email text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    last_failure_at timestamptz
);
