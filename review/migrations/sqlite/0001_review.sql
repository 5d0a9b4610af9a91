-- The review loop: decisions on findings, appeals, finished call reviews
-- and the audit trail. Times are UTC text, RFC 3339 with nanoseconds.
CREATE TABLE decisions (
    call_id       TEXT    NOT NULL,
    turn          INTEGER NOT NULL,
    category      TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('confirmed', 'dismissed', 'appealed')),
    added         INTEGER NOT NULL DEFAULT 0,
    rule          TEXT    NOT NULL DEFAULT '',
    pack_version  TEXT    NOT NULL DEFAULT '',
    rules_version TEXT    NOT NULL DEFAULT '',
    match_text    TEXT    NOT NULL DEFAULT '',
    turn_text     TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    decided_by    TEXT    NOT NULL,
    decided_at    TEXT    NOT NULL,
    team          TEXT    NOT NULL DEFAULT '',
    agent         TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    PRIMARY KEY (call_id, turn, category)
);
CREATE INDEX decisions_decided_at ON decisions (decided_at);

CREATE TABLE appeals (
    call_id     TEXT    NOT NULL,
    turn        INTEGER NOT NULL,
    category    TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('open', 'upheld', 'overturned')),
    reason      TEXT    NOT NULL DEFAULT '',
    opened_by   TEXT    NOT NULL,
    opened_at   TEXT    NOT NULL,
    resolved_by TEXT    NOT NULL DEFAULT '',
    resolved_at TEXT    NOT NULL DEFAULT '',
    resolution  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, turn, category, n)
);

CREATE TABLE call_reviews (
    call_id     TEXT    NOT NULL PRIMARY KEY,
    reviewed_by TEXT    NOT NULL,
    reviewed_at TEXT    NOT NULL,
    team        TEXT    NOT NULL DEFAULT '',
    agent       TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE audit (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id       TEXT    NOT NULL,
    turn          INTEGER NOT NULL DEFAULT 0,
    category      TEXT    NOT NULL DEFAULT '',
    action        TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    actor_role    TEXT    NOT NULL DEFAULT '',
    at            TEXT    NOT NULL,
    from_state    TEXT    NOT NULL DEFAULT '',
    to_state      TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    rule          TEXT    NOT NULL DEFAULT '',
    pack_version  TEXT    NOT NULL DEFAULT '',
    rules_version TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_call ON audit (call_id, seq);
