-- The words of a call in one tsvector, so that free text searches calls
-- with one GIN index instead of finding every matching turn. words holds
-- the words of the call's first words_turns turns (all of them, but for a
-- call too long for one tsvector): each turn's words at consecutive
-- positions, one position left free between two turns, so that no phrase
-- runs from one turn into the next. The turns after words_turns are
-- searched in their turns rows: words_rest marks those calls (a column of
-- its own, so that the planner knows how few they are) and
-- calls_words_rest finds them. turns.words stays: highlights read
-- positions from it.
ALTER TABLE calls ADD COLUMN words tsvector, ADD COLUMN words_turns integer NOT NULL DEFAULT 0,
    ADD COLUMN words_rest boolean GENERATED ALWAYS AS (words_turns < turn_count) STORED;

-- The calls stored before: their words from their turns rows. A turn's
-- word count is its spans' (spans hold every word, kept in words or
-- not); a turn is left out, with every turn after it, when its last
-- position would pass 16383 or a word would pass 256 positions in the
-- call (or has 256 in the turn, which may have been cut).
CREATE TEMPORARY TABLE call_words_turns ON COMMIT DROP AS
SELECT call_id, turn, words,
    sum(n + 1) OVER (PARTITION BY call_id ORDER BY turn) - (n + 1) AS base, n
FROM (SELECT call_id, turn, words, coalesce(array_length(spans, 1), 0) / 2 AS n FROM turns) t;

CREATE TEMPORARY TABLE call_words_cut ON COMMIT DROP AS
SELECT call_id, min(turn) AS turn FROM (
    SELECT call_id, turn FROM call_words_turns WHERE base + n > 16383
    UNION ALL
    SELECT call_id, turn FROM (
        SELECT t.call_id, t.turn, cardinality(u.positions) AS k,
            sum(cardinality(u.positions)) OVER (PARTITION BY t.call_id, u.lexeme ORDER BY t.turn) AS running
        FROM call_words_turns t, unnest(t.words) u
    ) l WHERE k >= 256 OR running > 256
) cut GROUP BY call_id;

UPDATE calls c SET words = w.words, words_turns = coalesce(w.cut - 1, c.turn_count)
FROM (
    SELECT t.call_id, x.turn AS cut,
        coalesce(string_agg('''' || replace(replace(u.lexeme, '\', '\\'), '''', '''''') || ''':' || (p + t.base)::text, ' ')
            FILTER (WHERE x.turn IS NULL OR t.turn < x.turn), '')::tsvector AS words
    FROM call_words_turns t
    LEFT JOIN call_words_cut x ON x.call_id = t.call_id
    LEFT JOIN LATERAL unnest(t.words) u ON true
    LEFT JOIN LATERAL unnest(u.positions) p ON true
    GROUP BY t.call_id, x.turn
) w
WHERE w.call_id = c.call_id;

UPDATE calls SET words = '', words_turns = 0 WHERE words IS NULL;

ALTER TABLE calls ALTER COLUMN words SET NOT NULL;
CREATE INDEX calls_words ON calls USING gin (words);
CREATE INDEX calls_words_rest ON calls (call_id) WHERE words_rest;
DROP INDEX turns_words;
