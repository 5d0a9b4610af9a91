package index_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/backendtest"
	"github.com/callqa/callqa/result"
)

// FuzzQuery builds queries from fuzzed Query fields (text, category, team,
// agent, party, dates, pass, sort, paging, calls or findings) and runs them
// against a real on-disk index of the sample calls, built once per fuzzing
// process. Invariants: no panic; either results or an error, and an error
// only for what the caller got wrong (query-string syntax in the text, an
// unknown sort, a date outside what the index can store, a negative
// offset); results hold at most Limit hits, all of sample calls, each
// satisfying every filter, in the order asked for; a page is the same
// slice of the whole result list; highlights mark turns that exist, with
// spans inside the turn's text.
func FuzzQuery(f *testing.F) {
	dir := build(f, samples...)
	bi := reader(f, dir)
	byID := map[string]call{}
	for _, c := range samples {
		byID[c.id] = c
	}

	day := func(s string) int64 { return date(s).Unix() }
	f.Add("", "", "", "", "", int64(0), int64(0), uint8(0), 0, 0, "", false)
	f.Add("老赖", "insult", "M1-A", "赵强", "debtor", day("2026-03-01T00:00:00+08:00"), day("2026-04-01T00:00:00+08:00"), uint8(2), 2, 1, "score", false)
	f.Add("坐牢 骗子", "threat", "", "", "", int64(0), day("2026-03-11T00:00:00Z"), uint8(0), 0, 0, "relevance", true)
	f.Add(`+turns:坐牢 -team:M2`, "", "", "", "", int64(0), int64(0), uint8(1), 1, 3, "date", false)
	f.Add(`"老赖`, "", "", "", "", int64(0), int64(0), uint8(0), 0, 0, "", false)
	f.Add("call_id:A1", "", "", "陳怡君", "third_party", int64(-1), int64(math.MaxInt64), uint8(0), -5, -1, "agent", true)
	f.Add("app ＡＰＰ 帳單", "false_legal_claim", "TW-1", "", "", day("2026-04-05T10:00:00+08:00"), day("2026-04-05T10:00:00+08:00"), uint8(0), 100, 0, "", false)
	f.Add("*~^", "customer_abuse", "", "", "", int64(0), int64(0), uint8(0), math.MaxInt, math.MaxInt, "", true)

	f.Fuzz(func(t *testing.T, text, category, team, agent, party string, from, to int64, pass uint8, limit, offset int, sort string, findings bool) {
		q := backendtest.FuzzedQuery(text, category, team, agent, party, from, to, pass, limit, offset, sort, findings)
		res, err := index.Search(bi, q)
		// IDs walks the same calls as a calls search, without loading them.
		ids, total, idsErr := index.IDs(bi, q)
		if !findings && (err == nil) != (idsErr == nil) {
			t.Fatalf("%+v: Search says %v, IDs %v", q, err, idsErr)
		}
		if !findings && err == nil && (total != res.Total || !slices.Equal(ids, callIDs(res))) {
			t.Fatalf("%+v: IDs %v of %d, Search %v of %d", q, ids, total, callIDs(res), res.Total)
		}
		if err != nil {
			if !expectedError(q) || err.Error() == "" {
				t.Fatalf("%+v: unexpected error: %v", q, err)
			}
			return
		}
		if res == nil {
			t.Fatal("no results and no error")
		}
		if expectedErrorOnly(q) {
			t.Fatalf("%+v: results where an error was due: %+v", q, res)
		}
		wantLimit := q.Limit
		if wantLimit <= 0 {
			wantLimit = 20
		}
		got := len(res.Hits)
		if findings {
			got = len(res.Findings)
			if len(res.Hits) != 0 {
				t.Fatalf("call hits in a findings search")
			}
		} else if len(res.Findings) != 0 {
			t.Fatalf("findings in a calls search")
		}
		if got > wantLimit || uint64(got) > res.Total || res.Total > 12 {
			t.Fatalf("%d hits of %d (limit %d)", got, res.Total, wantLimit)
		}
		if q.Offset >= 0 && uint64(q.Offset) >= res.Total && got > 0 {
			t.Fatalf("%d hits past the end (offset %d, total %d)", got, q.Offset, res.Total)
		}
		for name, counts := range res.Facets {
			for _, c := range counts {
				if c.Count < 1 || uint64(c.Count) > res.Total {
					t.Fatalf("facet %s: %+v (total %d)", name, c, res.Total)
				}
			}
		}
		if findings {
			for _, h := range res.Findings {
				c, ok := byID[h.CallID]
				if !ok || h.Turn < 1 || h.Turn > len(c.turns) {
					t.Fatalf("finding of call %q on turn %d", h.CallID, h.Turn)
				}
				if q.Category != "" && h.Category != q.Category || q.Team != "" && h.Team != q.Team || q.Agent != "" && h.Agent != q.Agent {
					t.Fatalf("%+v: finding %+v does not match the filters", q, h)
				}
				checkDate(t, q, h.StartedAt)
			}
			return
		}
		for i, h := range res.Hits {
			c, ok := byID[h.CallID]
			if !ok {
				t.Fatalf("hit %q is no sample call", h.CallID)
			}
			if q.Category != "" && !slices.Contains(h.Categories, q.Category) ||
				q.Team != "" && h.Team != q.Team || q.Agent != "" && h.Agent != q.Agent ||
				q.Party != "" && h.Party != q.Party || q.Pass != nil && h.Pass != *q.Pass {
				t.Fatalf("%+v: hit %+v does not match the filters", q, h)
			}
			checkDate(t, q, h.StartedAt)
			for _, cat := range h.Categories {
				if !result.IsViolation(cat) {
					t.Fatalf("hit %s: category %q", h.CallID, cat)
				}
			}
			if i > 0 {
				prev := res.Hits[i-1]
				switch q.Sort {
				case "", "date":
					if date(prev.StartedAt).Before(date(h.StartedAt)) {
						t.Fatalf("%s before %s, newest first", prev.StartedAt, h.StartedAt)
					}
				case "score":
					if prev.Score > h.Score {
						t.Fatalf("score %d before %d, lowest first", prev.Score, h.Score)
					}
				case "relevance":
					if prev.Relevance < h.Relevance {
						t.Fatalf("relevance %v before %v, best first", prev.Relevance, h.Relevance)
					}
				}
			}
			for _, hl := range h.Highlights {
				if hl.Turn < 1 || hl.Turn > len(c.turns) {
					t.Fatalf("hit %s: highlight on turn %d of %d", h.CallID, hl.Turn, len(c.turns))
				}
				unmarked := strings.NewReplacer(index.MarkOpen, "", index.MarkClose, "").Replace(hl.Marked)
				if !strings.HasSuffix(c.turns[hl.Turn-1], hl.Text) || unmarked != strings.NewReplacer(index.MarkOpen, "", index.MarkClose, "").Replace(hl.Text) {
					t.Fatalf("hit %s turn %d: highlight %q of %q", h.CallID, hl.Turn, hl.Marked, hl.Text)
				}
				end := 0
				for _, sp := range hl.Spans {
					if sp[0] < end || sp[0] >= sp[1] || sp[1] > len(hl.Text) {
						t.Fatalf("hit %s turn %d: spans %v in %d bytes", h.CallID, hl.Turn, hl.Spans, len(hl.Text))
					}
					end = sp[1]
				}
				if !utf8.ValidString(hl.Marked) && utf8.ValidString(hl.Text) {
					t.Fatalf("hit %s turn %d: marks cut a character: %q", h.CallID, hl.Turn, hl.Marked)
				}
			}
		}
		// A page is a slice of the whole list, in the same order.
		if q.Offset >= 0 && q.Offset <= 12 {
			all := q
			all.Limit, all.Offset = 100, 0
			whole, err := index.Search(bi, all)
			if err != nil {
				t.Fatalf("the whole list: %v", err)
			}
			if whole.Total != res.Total {
				t.Fatalf("total %d, and %d for the whole list", res.Total, whole.Total)
			}
			want := callIDs(whole)[min(q.Offset, len(whole.Hits)):]
			want = want[:min(len(want), wantLimit)]
			if !slices.Equal(callIDs(res), want) {
				t.Fatalf("page %d+%d is %v, the whole list %v", q.Offset, wantLimit, callIDs(res), callIDs(whole))
			}
		}
	})
}

// expectedError reports whether q is something Search may refuse: text in
// query-string syntax, or anything expectedErrorOnly names.
func expectedError(q index.Query) bool {
	return strings.ContainsAny(q.Text, `:+-"*~^`) || expectedErrorOnly(q)
}

// expectedErrorOnly reports whether q must give an error: an unknown sort,
// a date bleve cannot store (outside the nanoseconds an int64 holds,
// 1677–2262), a negative offset, or an offset and limit that overflow.
func expectedErrorOnly(q index.Query) bool {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	if q.Offset < 0 || q.Offset > math.MaxInt-1-limit {
		return true
	}
	if !slices.Contains([]string{"", "date", "score", "relevance"}, q.Sort) {
		return true
	}
	for _, d := range []time.Time{q.From, q.To} {
		if !d.IsZero() && (d.Before(time.Unix(0, math.MinInt64)) || d.After(time.Unix(0, math.MaxInt64))) {
			return true
		}
	}
	return false
}

// checkDate checks that a hit's start time is in the query's range.
func checkDate(t *testing.T, q index.Query, started string) {
	t.Helper()
	if q.From.IsZero() && q.To.IsZero() {
		return
	}
	at, err := time.Parse(time.RFC3339, started)
	if err != nil {
		t.Fatalf("hit without a date (%q) in a date range", started)
	}
	if !q.From.IsZero() && at.Before(q.From) || !q.To.IsZero() && !at.Before(q.To) {
		t.Fatalf("hit at %s outside [%s, %s)", at, q.From, q.To)
	}
}

// TestSearchPagingOutOfRange: a negative offset, or one that overflows with
// the limit, is an error, not a panic inside Bleve (found by FuzzQuery).
func TestSearchPagingOutOfRange(t *testing.T) {
	bi := reader(t, build(t, a1))
	for _, q := range []index.Query{{Offset: -1}, {Offset: -30, Limit: 3}, {Offset: math.MaxInt}, {Offset: math.MaxInt - 20}, {Offset: 1, Limit: math.MaxInt}} {
		_, err := index.Search(bi, q)
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("Search with offset %d, limit %d: error %v", q.Offset, q.Limit, err)
		}
		_, _, err = index.IDs(bi, q)
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("IDs with offset %d, limit %d: error %v", q.Offset, q.Limit, err)
		}
	}
	res, err := index.Search(bi, index.Query{Offset: math.MaxInt - 21})
	if err != nil || len(res.Hits) != 0 || res.Total != 1 {
		t.Errorf("the largest offset: %v, %v", res, err)
	}
}

// TestSearchDateRangeAcrossEpoch: a short date range across 1970-01-01
// made Bleve walk billions of terms, a search that never ended (found by
// FuzzQuery); the range is split at the epoch and finds what it should.
func TestSearchDateRangeAcrossEpoch(t *testing.T) {
	before := call{"E1", "赵强", "M1-A", "1969-12-31T23:59:50Z", "debtor", a1.turns}
	after := call{"E2", "赵强", "M1-A", "1970-01-01T00:00:10Z", "debtor", a1.turns}
	bi := reader(t, build(t, before, after, a1))
	for _, tt := range []struct {
		from, to string
		want     []string
	}{
		{"1969-12-31T23:59:35Z", "1970-01-01T00:00:24Z", []string{"E2", "E1"}},
		{"1969-12-31T23:59:55Z", "1970-01-01T00:00:24Z", []string{"E2"}},
		{"1969-12-31T23:59:35Z", "1970-01-01T00:00:10Z", []string{"E1"}},
		{"1969-12-31T23:59:35Z", "1970-01-01T00:00:00Z", []string{"E1"}},
		{"1970-01-01T00:00:00Z", "2026-03-03T00:00:00Z", []string{"A1", "E2"}},
	} {
		done := make(chan struct{})
		var res *index.Results
		var err error
		go func() {
			defer close(done)
			res, err = index.Search(bi, index.Query{From: date(tt.from), To: date(tt.to)})
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("[%s, %s): the search does not end", tt.from, tt.to)
		}
		if err != nil {
			t.Fatalf("[%s, %s): %v", tt.from, tt.to, err)
		}
		if got := callIDs(res); !slices.Equal(got, tt.want) {
			t.Errorf("[%s, %s): %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
