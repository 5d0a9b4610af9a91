-- The review loop: decisions on findings, appeals, finished call reviews
-- and the audit trail. Every table carries call_id in its primary key (the
-- distribution column, for Citus) and no foreign key crosses calls.
CREATE TABLE decisions (
    call_id       text        NOT NULL,
    turn          integer     NOT NULL,
    category      text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('confirmed', 'dismissed', 'appealed')),
    added         boolean     NOT NULL DEFAULT false,
    rule          text        NOT NULL DEFAULT '',
    pack_version  text        NOT NULL DEFAULT '',
    rules_version text        NOT NULL DEFAULT '',
    match_text    text        NOT NULL DEFAULT '',
    turn_text     text        NOT NULL DEFAULT '',
    reason        text        NOT NULL DEFAULT '',
    note          text        NOT NULL DEFAULT '',
    decided_by    text        NOT NULL,
    decided_at    timestamptz NOT NULL,
    team          text        NOT NULL DEFAULT '',
    agent         text        NOT NULL DEFAULT '',
    version       integer     NOT NULL,
    PRIMARY KEY (call_id, turn, category)
);
CREATE INDEX decisions_decided_at ON decisions (decided_at);

CREATE TABLE appeals (
    call_id     text        NOT NULL,
    turn        integer     NOT NULL,
    category    text        NOT NULL,
    n           integer     NOT NULL,
    status      text        NOT NULL CHECK (status IN ('open', 'upheld', 'overturned')),
    reason      text        NOT NULL DEFAULT '',
    opened_by   text        NOT NULL,
    opened_at   timestamptz NOT NULL,
    resolved_by text        NOT NULL DEFAULT '',
    resolved_at timestamptz,
    resolution  text        NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, turn, category, n)
);

CREATE TABLE call_reviews (
    call_id     text        NOT NULL PRIMARY KEY,
    reviewed_by text        NOT NULL,
    reviewed_at timestamptz NOT NULL,
    team        text        NOT NULL DEFAULT '',
    agent       text        NOT NULL DEFAULT '',
    note        text        NOT NULL DEFAULT ''
);

CREATE TABLE audit (
    call_id       text        NOT NULL,
    seq           bigserial,
    turn          integer     NOT NULL DEFAULT 0,
    category      text        NOT NULL DEFAULT '',
    action        text        NOT NULL,
    actor         text        NOT NULL,
    actor_role    text        NOT NULL DEFAULT '',
    at            timestamptz NOT NULL,
    from_state    text        NOT NULL DEFAULT '',
    to_state      text        NOT NULL DEFAULT '',
    reason        text        NOT NULL DEFAULT '',
    note          text        NOT NULL DEFAULT '',
    rule          text        NOT NULL DEFAULT '',
    pack_version  text        NOT NULL DEFAULT '',
    rules_version text        NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, seq)
);
