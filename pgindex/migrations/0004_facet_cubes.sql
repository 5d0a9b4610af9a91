-- Facet cubes: the number of calls for every combination of the values a
-- filter-only call search filters and counts by, per UTC day and per UTC
-- month of started_at, so that the total and the facets of such a search
-- add up a few thousand cube rows instead of every matching call (see
-- cube.go). The writer keeps them exact in the transaction of each batch.
-- bucket is the UTC day (call_cube_day) or the first day of the UTC month
-- (call_cube_month) of started_at, '-infinity' for calls without a start
-- time. catmask has bit i set when the call has the violation category
-- i of ('insult', 'threat', 'false_legal_claim', 'third_party_disclosure'),
-- the order of result.ViolationCategories. Rows whose n falls to 0 may
-- stay. The cubes carry no call_id: under Citus they are reference tables
-- (docs/scaling.md).
CREATE TABLE call_cube_day (
    bucket         date             NOT NULL,
    team           text COLLATE "C" NOT NULL,
    agent          text COLLATE "C" NOT NULL,
    party          text COLLATE "C" NOT NULL,
    month          text COLLATE "C" NOT NULL,
    pass           boolean          NOT NULL,
    needs_review   boolean          NOT NULL,
    has_candidates boolean          NOT NULL,
    catmask        smallint         NOT NULL,
    n              bigint           NOT NULL,
    PRIMARY KEY (bucket, team, agent, party, month, pass, needs_review, has_candidates, catmask)
);

CREATE TABLE call_cube_month (LIKE call_cube_day INCLUDING ALL);

-- A day cube holds about a row a call on a small site; a team's or an
-- agent's days are found without reading the other rows of the days.
CREATE INDEX call_cube_day_team ON call_cube_day (team, bucket);
CREATE INDEX call_cube_day_agent ON call_cube_day (agent, bucket);

-- Fill the cubes from the calls a database already holds, with writers
-- kept out meanwhile so that the counts are exact.
LOCK TABLE calls IN SHARE MODE;

CREATE TEMP TABLE cube_fill ON COMMIT DROP AS
SELECT coalesce((c.started_at AT TIME ZONE 'UTC')::date, '-infinity'::date) AS day,
       c.team, c.agent, c.party, c.month, c.pass, c.needs_review, c.has_candidates,
       (SELECT coalesce(sum(1 << (k.i::int - 1)), 0)
          FROM unnest(ARRAY['insult', 'threat', 'false_legal_claim', 'third_party_disclosure']::text[]) WITH ORDINALITY k(cat, i)
         WHERE k.cat = ANY(c.categories))::smallint AS catmask,
       count(*) AS n
  FROM calls c
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

INSERT INTO call_cube_day (bucket, team, agent, party, month, pass, needs_review, has_candidates, catmask, n)
SELECT day, team, agent, party, month, pass, needs_review, has_candidates, catmask, sum(n)
  FROM cube_fill GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

INSERT INTO call_cube_month (bucket, team, agent, party, month, pass, needs_review, has_candidates, catmask, n)
SELECT CASE WHEN day = '-infinity' THEN day ELSE date_trunc('month', day::timestamp)::date END,
       team, agent, party, month, pass, needs_review, has_candidates, catmask, sum(n)
  FROM cube_fill GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

ANALYZE call_cube_day;
ANALYZE call_cube_month;
