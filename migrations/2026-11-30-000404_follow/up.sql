-- Following a city, a network, a policy area or what is near a place, by e-mail: a weekly
-- digest after a double opt-in, no account needed. An address is kept only while it is
-- subscribed (or for a week while the subscription waits for its confirmation); deleting a
-- subscription deletes the mails written for it, sent or not.
CREATE TABLE follows (
    id             bigserial PRIMARY KEY,
    email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    target_kind    text NOT NULL CHECK (target_kind IN ('city', 'network', 'policy_area', 'near')),
    -- The city's, network's or policy area's slug, or the gazetteer place's id.
    target_key     text NOT NULL CHECK (length(target_key) BETWEEN 1 AND 120),
    radius_km      integer CHECK (radius_km BETWEEN 1 AND 300),
    lang           text NOT NULL CHECK (lang IN ('de', 'en', 'fr', 'es')),
    -- The secret of the links in its mails (confirm, unsubscribe). Kept as it is, not
    -- hashed: every digest must carry it, and it can do no more than end the subscription.
    token          text NOT NULL UNIQUE CHECK (token ~ '^[0-9a-f]{64}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    confirmed_at   timestamptz,
    -- Changes up to this moment have been mailed (set on confirmation).
    digest_through timestamptz,
    CONSTRAINT follows_radius_check CHECK ((target_kind = 'near') = (radius_km IS NOT NULL)),
    CONSTRAINT follows_confirmed_check CHECK (confirmed_at IS NULL OR digest_through IS NOT NULL)
);
CREATE UNIQUE INDEX follows_address_target_idx ON follows (lower(email), target_kind, target_key);
CREATE INDEX follows_digest_due_idx ON follows (digest_through) WHERE confirmed_at IS NOT NULL;
CREATE INDEX follows_unconfirmed_idx ON follows (created_at) WHERE confirmed_at IS NULL;

-- Mail written for a subscription: deleted with it, and sent with List-Unsubscribe and
-- List-Unsubscribe-Post (RFC 8058) pointing at its one-click address.
ALTER TABLE outbox
    ADD COLUMN follow_id bigint REFERENCES follows (id) ON DELETE CASCADE,
    ADD COLUMN list_unsubscribe text CHECK (list_unsubscribe ~ '^https?://');
CREATE INDEX outbox_follow_idx ON outbox (follow_id) WHERE follow_id IS NOT NULL;
