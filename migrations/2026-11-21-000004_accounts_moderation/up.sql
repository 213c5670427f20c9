-- Accounts, sessions, city editors, submissions and the revision history.

CREATE TABLE users (
    id                 bigserial PRIMARY KEY,
    email              text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    display_name       text CHECK (length(display_name) <= 100),
    -- argon2id PHC string.
    password_hash      text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role               text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin')),
    email_confirmed_at timestamptz,
    preferred_lang     lang,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Server-side sessions, shared by every instance. Only a hash of the cookie's token is kept.
CREATE TABLE sessions (
    id           text PRIMARY KEY CHECK (length(id) = 64),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL CHECK (length(csrf_token) >= 32),
    user_agent   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- One-time tokens for e-mail confirmation and password reset (hash only).
CREATE TABLE user_tokens (
    token_hash  text PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id);

-- Outgoing mail, sent by SMTP when configured.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    to_address  text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  text
);
CREATE INDEX outbox_unsent_idx ON outbox (created_at) WHERE sent_at IS NULL;

-- Fixed-window counters for rate limits (login, submissions), shared by every instance.
CREATE TABLE rate_limits (
    bucket       text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL DEFAULT 0 CHECK (hits >= 0),
    PRIMARY KEY (bucket, window_start)
);

-- An account's claim to edit a city (or a gazetteer place not yet listed as a city).
CREATE TABLE city_editors (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    city_id      bigint REFERENCES cities (id) ON DELETE CASCADE,
    place_id     bigint REFERENCES places (id),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected', 'withdrawn')),
    role_title   text CHECK (length(role_title) <= 200),
    evidence     text CHECK (length(evidence) <= 2000),
    decided_by   bigint REFERENCES users (id),
    decided_at   timestamptz,
    reason       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (city_id IS NOT NULL OR place_id IS NOT NULL)
);
CREATE UNIQUE INDEX city_editors_user_city_key ON city_editors (user_id, city_id) WHERE city_id IS NOT NULL;
CREATE UNIQUE INDEX city_editors_user_place_key ON city_editors (user_id, place_id) WHERE city_id IS NULL;

-- Proposed changes waiting for a moderator.
CREATE TABLE submissions (
    id               bigserial PRIMARY KEY,
    reference        text NOT NULL UNIQUE CHECK (reference ~ '^[A-Z0-9]{4}-[A-Z0-9]{4}$'),
    kind             text NOT NULL CHECK (kind IN ('city', 'membership', 'demand', 'practice', 'correction')),
    target_type      text CHECK (target_type IN ('city', 'practice', 'membership', 'demand')),
    target_id        bigint,
    payload          jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    source_urls      text[] NOT NULL CHECK (cardinality(source_urls) >= 1),
    message          text CHECK (length(message) <= 5000),
    submitter_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    submitter_email  text,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'published')),
    review_reason    text,
    reviewed_by      bigint REFERENCES users (id),
    reviewed_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX submissions_pending_idx ON submissions (created_at) WHERE status = 'pending';

-- Who changed what, when and why: nothing published is changed without a revision.
CREATE TABLE revisions (
    id            bigserial PRIMARY KEY,
    entity_type   text NOT NULL CHECK (entity_type IN ('city', 'practice', 'membership', 'demand', 'network')),
    entity_id     bigint NOT NULL,
    action        text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'revert', 'import')),
    before        jsonb,
    after         jsonb,
    author_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    submission_id bigint REFERENCES submissions (id),
    reverts_id    bigint REFERENCES revisions (id),
    reason        text,
    needs_review  boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (before IS NOT NULL OR after IS NOT NULL)
);
CREATE INDEX revisions_entity_idx ON revisions (entity_type, entity_id, created_at DESC);
CREATE INDEX revisions_review_idx ON revisions (created_at) WHERE needs_review;

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER city_editors_updated_at BEFORE UPDATE ON city_editors
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER submissions_updated_at BEFORE UPDATE ON submissions
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
