-- Who may open the head office's page (pos-app office user add|remove), and their sessions.
-- Neither a password nor a session token is kept: a PBKDF2 hash of the one, SHA-256 of the
-- other.  Not readable by office_reader.
CREATE TABLE office_users (
    login text PRIMARY KEY,
    password_hash text NOT NULL,         -- pbkdf2-sha256$iterations$salt$digest
    created_at timestamptz NOT NULL DEFAULT now(),
    failures int NOT NULL DEFAULT 0,     -- wrong passwords in a row
    locked_until timestamptz             -- five wrong: five minutes
);

CREATE TABLE office_sessions (
    token_sha256 text PRIMARY KEY,
    login text NOT NULL REFERENCES office_users ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
