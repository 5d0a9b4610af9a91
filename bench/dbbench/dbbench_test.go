package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/textnorm"
)

// The cache holds the calls in generation order whatever the number of
// workers, and reads back results a store hashes as it would the
// analyzer's own.
func TestCacheRoundTrip(t *testing.T) {
	set, version, err := rulesVersion()
	if err != nil {
		t.Fatal(err)
	}
	a, err := analyzer.New(set, analyzer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := synth.Options{MinTurns: 10, MaxTurns: 60, ASR: 0.15}
	const n = 40
	for _, workers := range []int{1, 3} {
		var buf bytes.Buffer
		if err := analyzeInto(&buf, a, synth.NewGenerator(7, opts), n, workers, version); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "cache.jsonl")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		g := synth.NewGenerator(7, opts)
		i := 0
		err := readCache(path, func(res *result.Result, v string) error {
			want := a.Analyze(g.Call(i))
			i++
			if res.CallID != want.CallID || v != version {
				t.Fatalf("workers %d, line %d: call %s rules %q, want %s %q", workers, i, res.CallID, v, want.CallID, version)
			}
			if res.Call == nil || !reflect.DeepEqual(res.Call.Turns, want.Call.Turns) {
				t.Fatalf("workers %d, call %s: turns not read back", workers, res.CallID)
			}
			if index.Hash(res) != index.Hash(want) {
				t.Fatalf("workers %d, call %s: hash differs from the analyzer's result", workers, res.CallID)
			}
			if res.Score != want.Score || len(res.Findings) != len(want.Findings) {
				t.Fatalf("workers %d, call %s: score or findings differ", workers, res.CallID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if i != n {
			t.Fatalf("workers %d: read %d calls, want %d", workers, i, n)
		}
	}
}

// The queries are the same from run to run, in the stated mix, half the
// free text in Traditional characters.
func TestQueriesDeterministic(t *testing.T) {
	c := config{seed: 1, queries: 200, gen: synth.Options{MinTurns: 10, MaxTurns: 60, ASR: 0.15}}
	a, err := makeQueries(c, 2000)
	if err != nil {
		t.Fatal(err)
	}
	b, err := makeQueries(c, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two draws of the queries differ")
	}
	kinds := map[string]int{}
	trad, text := 0, 0
	for _, q := range a {
		kinds[q.Kind]++
		if q.Q.Text != "" {
			text++
			if textnorm.ToSimplified(q.Q.Text) != q.Q.Text {
				trad++
			}
		}
		if q.Kind != kindText && q.Q.Category == "" && q.Q.Team == "" && q.Q.Agent == "" && q.Q.From.IsZero() && q.Q.Pass == nil {
			t.Errorf("%s query without a filter: %s", q.Kind, q.Desc)
		}
	}
	if want := map[string]int{kindFiltered: 80, kindText: 60, kindBoth: 60}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	if trad < text/3 || trad > 2*text/3 {
		t.Errorf("%d of %d free-text queries in Traditional, want about half", trad, text)
	}
}
