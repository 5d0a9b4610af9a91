-- callqa results: what `callqa index --db postgres://…` stores. One row a
-- call, a turn, a finding and a task or step. Every table carries call_id,
-- the distribution column for Citus, first in its primary key; no foreign
-- key crosses calls; rule_versions is reference data (a Citus reference
-- table). Keyword columns use the "C" collation, so that sorting and ties
-- follow byte order, as in the Bleve index.
CREATE TABLE calls (
    call_id         text COLLATE "C" NOT NULL,
    hash            text             NOT NULL,
    rules_version   text             NOT NULL,
    source          text             NOT NULL DEFAULT '',
    agent           text COLLATE "C" NOT NULL DEFAULT '',
    team            text COLLATE "C" NOT NULL DEFAULT '',
    kind            text COLLATE "C" NOT NULL DEFAULT '',
    party           text COLLATE "C" NOT NULL DEFAULT '',
    given_party     text             NOT NULL DEFAULT '',
    started_at      timestamptz,
    started_at_text text             NOT NULL DEFAULT '',
    -- month (2006-01) and day (2006-01-02) in the offset the call was
    -- recorded with; '' when the call has no start time.
    month           text COLLATE "C" NOT NULL DEFAULT '',
    day             text COLLATE "C" NOT NULL DEFAULT '',
    score           integer          NOT NULL,
    pass            boolean          NOT NULL,
    -- the violation categories of the call's findings, sorted
    categories      text[] COLLATE "C" NOT NULL DEFAULT '{}',
    -- the core tasks the call covered, sorted
    tasks           text[] COLLATE "C" NOT NULL DEFAULT '{}',
    needs_review    boolean          NOT NULL DEFAULT false,
    has_candidates  boolean          NOT NULL DEFAULT false,
    turn_count      integer          NOT NULL DEFAULT 0,
    -- the whole result.Result as JSON, as scan --format jsonl prints it
    result          text             NOT NULL,
    indexed_at      timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (call_id)
);

CREATE TABLE turns (
    call_id text COLLATE "C" NOT NULL,
    turn    integer          NOT NULL, -- from 1
    role    text             NOT NULL DEFAULT '',
    label   text             NOT NULL DEFAULT '',
    text    text             NOT NULL,
    -- the turn's words as callqa segments them (gse with the built-in
    -- vocabulary, normalized: Simplified, half-width, lower case), with
    -- their positions from 1, as a tsvector of the 'simple' kind (no
    -- stemming, no stop words); no Chinese parser extension is needed.
    words   tsvector         NOT NULL,
    -- byte offsets in text of the word at each position: start and end of
    -- position p at spans[2p-1] and spans[2p]
    spans   integer[]        NOT NULL DEFAULT '{}',
    PRIMARY KEY (call_id, turn)
);

CREATE TABLE findings (
    call_id         text COLLATE "C" NOT NULL,
    turn            integer          NOT NULL,
    category        text COLLATE "C" NOT NULL,
    severity        text COLLATE "C" NOT NULL DEFAULT '',
    rule            text COLLATE "C" NOT NULL DEFAULT '',
    speaker         text COLLATE "C" NOT NULL DEFAULT '',
    match           text             NOT NULL DEFAULT '',
    text            text             NOT NULL DEFAULT '',
    match_start     integer          NOT NULL DEFAULT 0,
    match_end       integer          NOT NULL DEFAULT 0,
    pack_version    text COLLATE "C" NOT NULL DEFAULT '',
    needs_review    boolean          NOT NULL DEFAULT false,
    review_reason   text             NOT NULL DEFAULT '',
    -- the call's metadata, copied in so findings filter on their own
    agent           text COLLATE "C" NOT NULL DEFAULT '',
    team            text COLLATE "C" NOT NULL DEFAULT '',
    party           text COLLATE "C" NOT NULL DEFAULT '',
    month           text COLLATE "C" NOT NULL DEFAULT '',
    day             text COLLATE "C" NOT NULL DEFAULT '',
    started_at      timestamptz,
    started_at_text text             NOT NULL DEFAULT '',
    -- the words of text, then those of match one position further on, so
    -- that no phrase runs from one into the other
    words           tsvector         NOT NULL,
    PRIMARY KEY (call_id, turn, category)
);

CREATE TABLE call_tasks (
    call_id text COLLATE "C" NOT NULL,
    kind    text COLLATE "C" NOT NULL CHECK (kind IN ('task', 'step', 'required')),
    code    text COLLATE "C" NOT NULL,
    covered boolean          NOT NULL,
    turns   integer[]        NOT NULL DEFAULT '{}',
    rules   text[]           NOT NULL DEFAULT '{}',
    PRIMARY KEY (call_id, kind, code)
);

-- Reference data: every rules version calls were stored with.
CREATE TABLE rule_versions (
    rules_version text        NOT NULL PRIMARY KEY,
    first_seen    timestamptz NOT NULL DEFAULT now()
);
