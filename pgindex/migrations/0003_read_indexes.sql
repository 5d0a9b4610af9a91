-- Indexes for the read side (reader.go): the score order, the small sets
-- supervisors page through (calls and findings that need review, calls
-- with candidates) and findings by agent, each in the date order a page
-- is read in, so that a filtered page reads only its rows.
CREATE INDEX calls_score ON calls (score, started_at DESC NULLS LAST, call_id);
CREATE INDEX calls_needs_review ON calls (started_at DESC NULLS LAST, call_id) WHERE needs_review;
CREATE INDEX calls_candidates ON calls (started_at DESC NULLS LAST, call_id) WHERE has_candidates;
CREATE INDEX findings_agent ON findings (agent, started_at DESC NULLS LAST);
CREATE INDEX findings_needs_review ON findings (started_at DESC NULLS LAST, call_id) WHERE needs_review;
