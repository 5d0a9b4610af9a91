package pgindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
	"github.com/callqa/callqa/internal/pgtest"
	"github.com/callqa/callqa/pgindex"
	"github.com/callqa/callqa/result"
)

// longCalls are two calls too long for one tsvector of their words:
// LONGPOS passes the last position (16383) in its 17th turn, LONGREP
// repeats a word past the 256 positions a word keeps, in its 3rd turn.
func longCalls(t *testing.T) []*result.Result {
	a, _ := writerSetup(t)
	head := "# agent: 赵强\n# team: M1-A\n# started_at: 2026-03-02T10:00:00+08:00\n"
	var pos strings.Builder
	pos.WriteString("# call_id: LONGPOS\n" + head)
	for k := 1; k <= 20; k++ {
		pos.WriteString([]string{"坐席：", "客户："}[k%2])
		for j := 0; j < 1000; j++ {
			fmt.Fprintf(&pos, "t%dw%d ", k, j)
		}
		pos.WriteString("\n")
	}
	rep := "# call_id: LONGREP\n" + head
	for k := 1; k <= 5; k++ {
		rep += []string{"坐席：", "客户："}[k%2] + fmt.Sprintf("r%dfirst ", k) + strings.Repeat("还款 ", 100) + fmt.Sprintf("r%dlast\n", k)
	}
	var out []*result.Result
	for _, text := range []string{pos.String(), rep} {
		c, err := corpus.ReadText("long.txt", text)
		require.NoError(t, err)
		out = append(out, a.Analyze(c))
	}
	return out
}

// TestCallWords: a call's words hold its turns from the first as far as
// one tsvector keeps every position, one position apart; a phrase in an
// early turn is found in them, one in a later turn in the turns rows, and
// a phrase across two turns nowhere, as in the Bleve index.
func TestCallWords(t *testing.T) {
	pgtest.ServerURL(t)
	results := longCalls(t)
	bleve, db := stores(t, results)

	wordsTurns := map[string]int{}
	rows, err := db.Pool().Query(context.Background(), `SELECT call_id, words_turns FROM calls`)
	require.NoError(t, err)
	for rows.Next() {
		var id string
		var n int32
		require.NoError(t, rows.Scan(&id, &n))
		wordsTurns[id] = int(n)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, map[string]int{"LONGPOS": 16, "LONGREP": 2}, wordsTurns)

	cases := []backendtest.Case{
		{Name: "early turn", Query: index.Query{Text: "t3w5"}},
		{Name: "early turn phrase", Query: index.Query{Text: `turns:"t3w5 t3w6 t3w7"`}},
		{Name: "last turn in words", Query: index.Query{Text: `turns:"t16w998 t16w999"`}},
		{Name: "first turn not in words", Query: index.Query{Text: `turns:"t17w0 t17w1"`}},
		{Name: "late turn", Query: index.Query{Text: `turns:"t20w500 t20w501"`}},
		{Name: "late and early", Query: index.Query{Text: `+turns:"t20w500 t20w501" +turns:t1w1`}},
		{Name: "across turns in words", Query: index.Query{Text: `turns:"t2w999 t3w0"`}},
		{Name: "across turns in rows", Query: index.Query{Text: `turns:"t18w999 t19w0"`}},
		{Name: "across the cut", Query: index.Query{Text: `turns:"t16w999 t17w0"`}},
		{Name: "repeated word", Query: index.Query{Text: "还款"}},
		{Name: "repeated early", Query: index.Query{Text: `turns:"r2first 还款"`}},
		{Name: "repeated late", Query: index.Query{Text: `turns:"还款 r5last"`}},
		{Name: "repeated across", Query: index.Query{Text: `turns:"r3last r4first"`}},
	}
	backendtest.Compare(t, bleve, db, cases)
	for _, c := range cases {
		res, err := db.Search(c.Query)
		require.NoError(t, err, c.Name)
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.CallID)
		}
		switch {
		case strings.HasPrefix(c.Name, "across"), c.Name == "repeated across":
			assert.Empty(t, ids, c.Name)
		case strings.HasPrefix(c.Name, "repeated"):
			assert.Equal(t, []string{"LONGREP"}, ids, c.Name)
		default:
			assert.Equal(t, []string{"LONGPOS"}, ids, c.Name)
		}
	}
}

// callWordsOf is each stored call's words (as text) and words_turns.
func callWordsOf(t *testing.T, db *pgindex.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := db.Pool().Query(context.Background(), `SELECT call_id, words::text, words_turns FROM calls`)
	require.NoError(t, err)
	for rows.Next() {
		var id, words string
		var n int32
		require.NoError(t, rows.Scan(&id, &words, &n))
		out[id] = fmt.Sprintf("%d %s", n, words)
	}
	require.NoError(t, rows.Err())
	return out
}

// TestMigrateCallWords: migration 0005 gives the calls stored before it
// the words the writer gives them (from their turns rows), and the
// database then answers the shared suite as the Bleve index does.
func TestMigrateCallWords(t *testing.T) {
	pgtest.ServerURL(t)
	results := append(backendtest.Dev(t), longCalls(t)...)
	url := pgtest.NewDatabase(t)
	w := openWriter(t, url, pgindex.Options{BatchSize: 50})
	backendtest.Store(t, w, results)
	check := openWriter(t, url, pgindex.Options{})
	want := callWordsOf(t, check)

	// The schema as version 3 left it, with the calls in it.
	_, err := check.Pool().Exec(context.Background(), `DROP INDEX calls_words, calls_words_rest;
		ALTER TABLE calls DROP COLUMN words_rest, DROP COLUMN words, DROP COLUMN words_turns;
		CREATE INDEX turns_words ON turns USING gin (words);
		DELETE FROM results_schema_migrations WHERE version = 5`)
	require.NoError(t, err)
	migrated := openWriter(t, url, pgindex.Options{})
	assert.Equal(t, want, callWordsOf(t, migrated))

	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	backendtest.Store(t, ix, results)
	bi, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { bi.Close() })
	db := openWriter(t, url, pgindex.Options{ReadOnly: true})
	backendtest.Compare(t, index.Bleve{Index: bi.Bleve()}, db, backendtest.Queries(results))
}
