package pgindex_test

import (
	"strings"
	"testing"
	"time"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
	"github.com/callqa/callqa/internal/pgtest"
)

// FuzzSameAnswers asks the Bleve index and PostgreSQL, both holding the
// sample calls, the same fuzzed query (free text, filters, dates, pass,
// paging, sort, calls or findings) and requires the same answer: the same
// error text, or the same totals, facets, hits with highlights, IDs and
// counts (backendtest.Compare). Query-string syntax that PostgreSQL does
// not search (wildcards, regular expressions, fuzzy and prefix words) may
// be an error there only.
func FuzzSameAnswers(f *testing.F) {
	pgtest.ServerURL(f)
	results := backendtest.Sample(f)
	bleve, db := stores(f, results)

	day := func(s string) int64 {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			f.Fatal(err)
		}
		return t.Unix()
	}
	f.Add("", "", "", "", "", int64(0), int64(0), uint8(0), 0, 0, "", false)
	f.Add("老赖", "insult", "M1-A", "", "debtor", day("2026-03-01T00:00:00+08:00"), day("2026-04-01T00:00:00+08:00"), uint8(2), 2, 1, "score", false)
	f.Add("坐監 骗子", "threat", "", "", "", int64(0), day("2026-03-11T00:00:00Z"), uint8(0), 0, 0, "relevance", true)
	f.Add(`+turns:坐牢 -team:M2`, "", "", "", "", int64(0), int64(0), uint8(1), 1, 3, "date", false)
	f.Add(`score:>50 还款`, "", "", "", "", int64(0), int64(0), uint8(0), 5, 0, "", false)
	f.Add("app ＡＰＰ 帳單，", "false_legal_claim", "", "", "", int64(0), int64(0), uint8(0), 100, 0, "", true)
	f.Add("。。 ！", "", "", "", "third_party", int64(-1), int64(0), uint8(0), 3, 2, "date", false)

	f.Fuzz(func(t *testing.T, text, category, team, agent, party string, from, to int64, pass uint8, limit, offset int, sort string, findings bool) {
		if limit > 1000 || offset > 1000 {
			return // paging far beyond the calls asks nothing new
		}
		q := backendtest.FuzzedQuery(text, category, team, agent, party, from, to, pass, limit, offset, sort, findings)
		if index.IsQueryString(text) {
			if _, err := db.Search(q); err != nil && strings.Contains(err.Error(), "not supported with a PostgreSQL database") {
				return
			}
		}
		backendtest.Compare(t, bleve, db, []backendtest.Case{{Name: "fuzz", Query: q}})
	})
}
