package backendtest

import (
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

// Check asks r questions whose answers it works out from the stored
// results themselves, whatever the store: every filter gives exactly the
// calls of the results that have the value, findings are the violations
// and customer abuse, the date order is newest first, and every call
// comes back whole.
func Check(t *testing.T, r index.Reader, results []*result.Result) {
	byID := map[string]*result.Result{}
	for _, res := range results {
		byID[res.CallID] = res
	}
	all := func(keep func(*result.Result) bool) []string {
		out := []string{}
		for _, res := range results {
			if keep(res) {
				out = append(out, res.CallID)
			}
		}
		sort.Strings(out)
		return out
	}
	search := func(t *testing.T, q index.Query) []string {
		t.Helper()
		q.Limit = len(results) + 1
		res, err := r.Search(q)
		require.NoError(t, err)
		assert.Equal(t, uint64(len(res.Hits)), res.Total, "total")
		return sorted(hitIDs(res.Hits))
	}
	has := func(res *result.Result, cat string) bool {
		for _, f := range res.Findings {
			if f.Category == cat {
				return true
			}
		}
		return false
	}
	t.Run("all", func(t *testing.T) {
		assert.Equal(t, all(func(*result.Result) bool { return true }), search(t, index.Query{}))
	})
	for _, cat := range result.ViolationCategories {
		t.Run("category "+cat, func(t *testing.T) {
			assert.Equal(t, all(func(res *result.Result) bool { return has(res, cat) }), search(t, index.Query{Category: cat}))
		})
	}
	for _, pass := range []bool{true, false} {
		t.Run("pass", func(t *testing.T) {
			assert.Equal(t, all(func(res *result.Result) bool { return res.Pass == pass }), search(t, index.Query{Pass: &pass}))
		})
	}
	for _, team := range common(results, func(res *result.Result) string { return res.Team }) {
		t.Run("team "+team, func(t *testing.T) {
			assert.Equal(t, all(func(res *result.Result) bool { return res.Team == team }), search(t, index.Query{Team: team}))
		})
	}
	t.Run("needs review", func(t *testing.T) {
		assert.Equal(t, all(func(res *result.Result) bool {
			for _, f := range res.Findings {
				if f.NeedsReview && (result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse) {
					return true
				}
			}
			return false
		}), search(t, index.Query{NeedsReview: true}))
	})
	t.Run("candidates", func(t *testing.T) {
		assert.Equal(t, all(func(res *result.Result) bool { return len(res.Candidates) > 0 }), search(t, index.Query{Candidates: true}))
	})
	t.Run("march", func(t *testing.T) {
		from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		assert.Equal(t, all(func(res *result.Result) bool {
			at, err := time.Parse(time.RFC3339, res.StartedAt)
			return err == nil && !at.Before(from) && at.Before(to)
		}), search(t, index.Query{From: from, To: to}))
	})
	t.Run("date order", func(t *testing.T) {
		res, err := r.Search(index.Query{Limit: len(results)})
		require.NoError(t, err)
		var prev time.Time
		for i, h := range res.Hits {
			at, err := time.Parse(time.RFC3339, h.StartedAt)
			if err != nil {
				continue // calls without a time come last
			}
			if i > 0 {
				assert.False(t, at.After(prev), "%s is newer than the hit before it", h.CallID)
			}
			prev = at
		}
	})
	t.Run("findings", func(t *testing.T) {
		want := []string{}
		violations := 0
		for _, res := range results {
			seen := map[string]bool{}
			for _, f := range res.Findings {
				if !result.IsViolation(f.Category) && f.Category != result.CategoryCustomerAbuse {
					continue
				}
				id := index.FindingDocID(res.CallID, f.Turn, f.Category)
				if !seen[id] {
					seen[id] = true
					want = append(want, id)
					if result.IsViolation(f.Category) {
						violations++
					}
				}
			}
		}
		sort.Strings(want)
		res, err := r.Search(index.Query{Findings: true, Limit: len(want) + 1})
		require.NoError(t, err)
		got := []string{}
		for _, f := range res.Findings {
			got = append(got, index.FindingDocID(f.CallID, f.Turn, f.Category))
		}
		assert.Equal(t, want, sorted(got))
		n, _, err := r.Count(index.Query{Findings: true}, 1)
		require.NoError(t, err)
		assert.Equal(t, uint64(violations), n, "violations counted")
	})
	t.Run("calls", func(t *testing.T) {
		for _, res := range results {
			got, err := r.Call(res.CallID)
			require.NoError(t, err)
			require.NotNil(t, got.Call)
			if res.Call != nil {
				assert.Equal(t, len(res.Call.Turns), len(got.Call.Turns), res.CallID)
			}
			assert.Equal(t, res.Score, got.Score, res.CallID)
		}
	})
	t.Run("stats", func(t *testing.T) {
		rows, err := r.Stats("team")
		require.NoError(t, err)
		n := 0
		for _, row := range rows {
			n += row.Calls
		}
		assert.Equal(t, len(results), n, "calls over the teams")
	})
}
