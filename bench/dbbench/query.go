package main

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/textnorm"
)

// Query kinds, the groups the latencies are reported by.
const (
	kindFiltered = "filtered"
	kindText     = "free-text"
	kindBoth     = "filtered+free-text"
	kindAll      = "all"
)

var kinds = []string{kindFiltered, kindText, kindBoth}

// benchQuery is one of the queries every backend runs.
type benchQuery struct {
	Kind string      `json:"kind"`
	Desc string      `json:"query"`
	Q    index.Query `json:"-"`
}

// makeQueries draws c.queries queries from the seed and the size: four in
// ten filtered (one to three of category, team, agent, date range, pass),
// three free text (a word or two words of a generated call, every other
// one in Traditional characters), three both (text of a call with one or
// two filters that call passes, or any category). Every query asks for
// the first page and the facets, as the console does.
func makeQueries(c config, n int) ([]benchQuery, error) {
	r := rand.New(rand.NewPCG(uint64(c.seed), uint64(n)))
	g := synth.NewGenerator(c.seed, c.gen)
	roster := synth.Roster(c.seed)
	var qs []benchQuery
	for i := 0; len(qs) < c.queries; i++ {
		var q index.Query
		var kind string
		switch i % 10 {
		case 0, 1, 2, 3:
			kind = kindFiltered
			randomFilters(r, roster, &q)
		case 4, 5, 6:
			kind = kindText
			text, _, err := sampleText(r, g, n, i%2 == 1)
			if err != nil {
				return nil, err
			}
			q.Text = text
		default:
			kind = kindBoth
			text, call, err := sampleText(r, g, n, i%2 == 1)
			if err != nil {
				return nil, err
			}
			q.Text = text
			callFilters(r, call, &q)
		}
		qs = append(qs, benchQuery{Kind: kind, Desc: describe(q), Q: q})
	}
	return qs, nil
}

// randomFilters sets one to three filters drawn at random.
func randomFilters(r *rand.Rand, roster []synth.Agent, q *index.Query) {
	for _, f := range r.Perm(5)[:1+r.IntN(3)] {
		switch f {
		case 0:
			q.Category = result.ViolationCategories[r.IntN(len(result.ViolationCategories))]
		case 1:
			if q.Agent == "" {
				q.Team = synth.Teams[r.IntN(len(synth.Teams))]
			}
		case 2:
			a := roster[r.IntN(len(roster))]
			q.Agent = a.Name
			if q.Team != "" {
				q.Team = a.Team // an agent of another team would match nothing
			}
		case 3:
			q.From = synth.Start.AddDate(0, 0, r.IntN(330))
			q.To = q.From.AddDate(0, 0, 7+r.IntN(84))
		case 4:
			pass := r.IntN(2) == 0
			q.Pass = &pass
		}
	}
}

// callFilters sets one or two filters that call passes (or a category,
// which it may not).
func callFilters(r *rand.Rand, call *corpus.Call, q *index.Query) {
	for _, f := range r.Perm(4)[:1+r.IntN(2)] {
		switch f {
		case 0:
			q.Team = call.Team
		case 1:
			q.Agent = call.Agent
		case 2:
			if t, err := time.Parse(time.RFC3339, call.StartedAt); err == nil {
				q.From = t.AddDate(0, 0, -r.IntN(30)).Truncate(24 * time.Hour)
				q.To = t.AddDate(0, 0, 1+r.IntN(30)).Truncate(24 * time.Hour)
			}
		case 3:
			q.Category = result.ViolationCategories[r.IntN(len(result.ViolationCategories))]
		}
	}
}

// sampleText draws one or two consecutive words of a turn of a generated
// call among the first n, as written (in Traditional characters when trad),
// and returns them with the call.
func sampleText(r *rand.Rand, g *synth.Generator, n int, trad bool) (string, *corpus.Call, error) {
	for tries := 0; tries < 100000; tries++ {
		call := g.Call(r.IntN(n))
		if trad != (call.Team == "TW-1" || call.Team == "HK-1") {
			continue
		}
		text := call.Turns[r.IntN(len(call.Turns))].Text
		ws, err := index.Words(text)
		if err != nil {
			return "", nil, err
		}
		k := 1 + r.IntN(2)
		if len(ws) < k {
			continue
		}
		i := r.IntN(len(ws) - k + 1)
		ok := true
		for _, w := range ws[i : i+k] {
			ok = ok && han(w.Term)
		}
		phrase := text[ws[i].Start:ws[i+k-1].End]
		switch {
		case !ok, len([]rune(phrase)) < 2, strings.ContainsAny(phrase, ":+-\"*~^ \t，。？！、"),
			trad && textnorm.ToSimplified(phrase) == phrase,
			!trad && textnorm.ToSimplified(phrase) != phrase:
			continue
		}
		return phrase, call, nil
	}
	return "", nil, fmt.Errorf("no %s text found among the generated calls (is -calls too small?)", map[bool]string{true: "Traditional", false: "Simplified"}[trad])
}

func han(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// describe writes a query as the flags of callqa search would give it.
func describe(q index.Query) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("category", q.Category)
	add("team", q.Team)
	add("agent", q.Agent)
	if !q.From.IsZero() {
		add("from", q.From.Format("2006-01-02"))
		add("to", q.To.Format("2006-01-02"))
	}
	if q.Pass != nil {
		add("pass", fmt.Sprint(*q.Pass))
	}
	if q.Text != "" {
		parts = append(parts, fmt.Sprintf("text=%q", q.Text))
	}
	return strings.Join(parts, " ")
}

// queryRun is what one query gave on one backend.
type queryRun struct {
	Total uint64   `json:"total"`
	IDs   []string `json:"-"` // the first page, in order
	Ms    float64  `json:"ms"`
}

// latency summarizes the timed runs of a group of queries.
type latency struct {
	N         int     `json:"n"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	Mean      float64 `json:"mean_ms"`
	MeanTotal float64 `json:"mean_total_hits"`
}

// queryBackend runs every query on the store once to warm up and record
// the answers, then once timed.
func queryBackend(st store, qs []benchQuery, br *backendReport) error {
	r, closeFn, err := st.open()
	if err != nil {
		return err
	}
	defer closeFn()
	log.Printf("%s: running %d queries (a warm-up pass, then a timed one)", st.name(), len(qs))
	br.Runs = make([]queryRun, len(qs))
	for i, q := range qs {
		res, err := r.Search(q.Q)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", st.name(), q.Desc, err)
		}
		run := queryRun{Total: res.Total}
		for _, h := range res.Hits {
			run.IDs = append(run.IDs, h.CallID)
		}
		br.Runs[i] = run
	}
	for i, q := range qs {
		start := time.Now()
		if _, err := r.Search(q.Q); err != nil {
			return fmt.Errorf("%s: %s: %w", st.name(), q.Desc, err)
		}
		br.Runs[i].Ms = float64(time.Since(start).Microseconds()) / 1000
	}
	br.Latency = map[string]latency{}
	for _, k := range append(slices.Clone(kinds), kindAll) {
		var ms, totals []float64
		for i, q := range qs {
			if k == kindAll || q.Kind == k {
				ms = append(ms, br.Runs[i].Ms)
				totals = append(totals, float64(br.Runs[i].Total))
			}
		}
		if len(ms) > 0 {
			br.Latency[k] = latency{N: len(ms), P50: percentile(ms, 0.50), P99: percentile(ms, 0.99),
				Mean: mean(ms), MeanTotal: mean(totals)}
		}
	}
	return nil
}

// percentile is the nearest-rank percentile p (0–1) of v.
func percentile(v []float64, p float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	k := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}

func mean(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}
