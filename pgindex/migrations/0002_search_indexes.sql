-- Indexes for search: the words of turns and findings (GIN), and the
-- filters and sort orders supervisors use.
CREATE INDEX turns_words ON turns USING gin (words);
CREATE INDEX findings_words ON findings USING gin (words);
CREATE INDEX calls_started ON calls (started_at DESC NULLS LAST, call_id);
CREATE INDEX calls_team ON calls (team, started_at DESC NULLS LAST, call_id);
CREATE INDEX calls_agent ON calls (agent, started_at DESC NULLS LAST, call_id);
CREATE INDEX calls_categories ON calls USING gin (categories);
CREATE INDEX findings_started ON findings (started_at DESC NULLS LAST, call_id);
CREATE INDEX findings_category ON findings (category, started_at DESC NULLS LAST);
CREATE INDEX findings_team ON findings (team, started_at DESC NULLS LAST);
