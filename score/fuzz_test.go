package score_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// The fixed sample FuzzScorecard scores every valid scorecard against: the
// practice call and the repository's sample calls, analyzed once (with the
// team scorecard's required rule, so required items can be covered).
var (
	samplesOnce sync.Once
	samples     []*result.Result
	samplesErr  error
)

func analyzedSamples(t *testing.T) []*result.Result {
	t.Helper()
	a, _ := setup(t)
	samplesOnce.Do(func() {
		paths := []string{filepath.Join("testdata", "practice.txt")}
		more, err := filepath.Glob(filepath.Join("..", "testdata", "calls", "*"))
		if err != nil {
			samplesErr = err
			return
		}
		for _, p := range append(paths, more...) {
			calls, errs := corpus.ReadFile(p)
			if len(errs) > 0 {
				samplesErr = errs[0]
				return
			}
			for _, c := range calls {
				samples = append(samples, a.Analyze(c))
			}
		}
	})
	if samplesErr != nil {
		t.Fatal(samplesErr)
	}
	return samples
}

// FuzzScorecard feeds the scorecard loader arbitrary bytes, seeded with the
// built-in scorecard and every scorecard in testdata. Invariants: exactly
// one of a scorecard and an error; an error is a non-empty, sorted
// lexicon.ErrorList naming the file; a scorecard is self-consistent (name,
// version, known items with weights 0–1000, fail_on violation categories)
// and scores every analyzed sample call without a panic: a total from 0 to
// Max that is the sum of the items' points, each item all or nothing,
// evidence and hints on turns that exist, pass exactly when there is no
// fail reason, and a score below the pass mark never passes.
func FuzzScorecard(f *testing.F) {
	files := []string{"default.yaml", filepath.Join("testdata", "team.yaml")}
	invalid, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range append(files, invalid...) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "scorecard: x\nversion: 1\nitems: {}\n",
		"scorecard: x\nversion: 1\npass_mark: 200\nitems:\n  demand_payment: {name: a, weight: 1000}\n  verify_identity: {weight: 0}\norder: [verify_identity, demand_payment]\n",
		"scorecard: x\nversion: 1\nitems:\n  n: {weight: 5}\nrequired:\n  - id: required.n\n    code: n\n    terms: [录音]\n    examples: {match: ['坐席: 录音']}\n",
		"[1, 2]", "scorecard: [a]\n", "pass_mark: -1\n", "items: {demand_payment: {weight: 1e9}}\n",
	} {
		f.Add([]byte(s))
	}

	const name = "fuzz/scorecard.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := score.Parse(name, data)
		if (sc == nil) == (err == nil) {
			t.Fatalf("want exactly one of a scorecard and an error, got %v and %v", sc, err)
		}
		if err != nil {
			var list lexicon.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("want a non-empty lexicon.ErrorList, got %T: %v", err, err)
			}
			for i, e := range list {
				if e == nil || e.File != name || e.Msg == "" || e.Line < 0 || e.Col < 0 {
					t.Fatalf("bad error %d: %#v", i, e)
				}
				if i > 0 && (e.Line < list[i-1].Line || e.Line == list[i-1].Line && e.Col < list[i-1].Col) {
					t.Fatalf("errors not sorted: %v before %v", list[i-1], e)
				}
			}
			return
		}
		checkScorecard(t, sc, name)
		for _, res := range analyzedSamples(t) {
			checkScore(t, sc, res, score.Score(res, sc))
		}
	})
}

func checkScorecard(t *testing.T, sc *score.Scorecard, name string) {
	t.Helper()
	if sc.Name == "" || sc.Version == "" || sc.Source != name || sc.Label() != sc.Name+"@"+sc.Version {
		t.Fatalf("bad scorecard %q@%q from %q", sc.Name, sc.Version, sc.Source)
	}
	if sc.PassMark < 0 {
		t.Fatalf("negative pass mark %d", sc.PassMark)
	}
	for _, c := range sc.FailOn {
		if !result.IsViolation(c) {
			t.Fatalf("fail_on %q is no violation category", c)
		}
	}
	if len(sc.ItemOrder) != len(sc.Items) {
		t.Fatalf("%d items in order, %d items", len(sc.ItemOrder), len(sc.Items))
	}
	sum := 0
	for _, code := range sc.ItemOrder {
		it, ok := sc.Items[code]
		if !ok {
			t.Fatalf("item %q in order but not in items", code)
		}
		if it.Weight < 0 || it.Weight > 1000 {
			t.Fatalf("item %s: weight %d", code, it.Weight)
		}
		switch it.Kind {
		case "task":
			if !slices.Contains(result.TaskCodes, code) {
				t.Fatalf("task item %q is no task", code)
			}
		case "step":
			if !slices.Contains(result.StepCodes, code) {
				t.Fatalf("step item %q is no step", code)
			}
		case "required":
			if sc.Required == nil || !slices.ContainsFunc(sc.Required.Rules, func(r *lexicon.Rule) bool { return r.Code == code }) {
				t.Fatalf("required item %q without a rule", code)
			}
		default:
			t.Fatalf("item %s: kind %q", code, it.Kind)
		}
		sum += it.Weight
	}
	if sc.Max() != sum {
		t.Fatalf("Max %d, weights sum to %d", sc.Max(), sum)
	}
	if sc.Required != nil {
		for _, r := range sc.Required.Rules {
			if r.Category != lexicon.CategoryRequired || r.Code == "" {
				t.Fatalf("required rule %s: category %q, code %q", r.ID, r.Category, r.Code)
			}
			if _, ok := sc.Items[r.Code]; !ok {
				t.Fatalf("required rule %s: no item %q", r.ID, r.Code)
			}
		}
	}
	for _, c := range sc.Order {
		if _, ok := sc.Items[c]; !ok && !slices.Contains(result.TaskCodes, c) && !slices.Contains(result.StepCodes, c) {
			t.Fatalf("order: unknown item %q", c)
		}
	}
}

func checkScore(t *testing.T, sc *score.Scorecard, res *result.Result, cs *score.CallScore) {
	t.Helper()
	n := len(res.Call.Turns)
	if cs.Max != sc.Max() || cs.Score < 0 || cs.Score > cs.Max {
		t.Fatalf("%s: score %d of %d (scorecard max %d)", res.CallID, cs.Score, cs.Max, sc.Max())
	}
	if cs.Scorecard != sc.Label() || cs.CallID != res.CallID || len(cs.Turns) != n {
		t.Fatalf("%s: scored as %q under %q with %d turns", res.CallID, cs.CallID, cs.Scorecard, len(cs.Turns))
	}
	sum, items := 0, 0
	for _, m := range []map[string]score.Item{cs.Tasks, cs.Steps, cs.Required} {
		for code, it := range m {
			items++
			spec, ok := sc.Items[code]
			if !ok || it.Code != code || it.Kind != spec.Kind || it.Max != spec.Weight {
				t.Fatalf("%s: item %s: %+v, scorecard says %+v", res.CallID, code, it, spec)
			}
			if it.Points != 0 && it.Points != it.Max || it.Points == it.Max && it.Max > 0 && !it.Done || it.Done && it.Points != it.Max {
				t.Fatalf("%s: item %s: done %v, %d of %d points", res.CallID, code, it.Done, it.Points, it.Max)
			}
			if len(it.Evidence) != len(it.Turns) {
				t.Fatalf("%s: item %s: %d evidence quotes for %d turns", res.CallID, code, len(it.Evidence), len(it.Turns))
			}
			for i, turn := range it.Turns {
				if turn < 1 || turn > n || it.Evidence[i].Turn != turn || it.Evidence[i].Text != res.Call.Turns[turn-1].Text {
					t.Fatalf("%s: item %s: evidence %+v for turn %d of %d", res.CallID, code, it.Evidence[i], turn, n)
				}
			}
			sum += it.Points
		}
	}
	if items != len(sc.Items) || sum != cs.Score {
		t.Fatalf("%s: %d items scored of %d, points sum to %d, score %d", res.CallID, items, len(sc.Items), sum, cs.Score)
	}
	if cs.PassMark != sc.PassMarkFor(res.Kind) {
		t.Fatalf("%s: pass mark %d, want %d for a %q call", res.CallID, cs.PassMark, sc.PassMarkFor(res.Kind), res.Kind)
	}
	if cs.ScoreApplicable != (res.Party != "third_party") {
		t.Fatalf("%s: score applicable %v on a %s call", res.CallID, cs.ScoreApplicable, res.Party)
	}
	if cs.Compliant != (len(res.Violations()) == 0) {
		t.Fatalf("%s: compliant %v with %d violations", res.CallID, cs.Compliant, len(res.Violations()))
	}
	if cs.Pass != (len(cs.FailReasons) == 0) || cs.ScoreApplicable && cs.Score < cs.PassMark && cs.Pass {
		t.Fatalf("%s: pass %v with score %d (pass mark %d) and fail reasons %q", res.CallID, cs.Pass, cs.Score, cs.PassMark, cs.FailReasons)
	}
	for _, v := range cs.Violations {
		if !result.IsViolation(v.Category) || v.Turn < 1 || v.Turn > n {
			t.Fatalf("%s: violation %s on turn %d of %d", res.CallID, v.Category, v.Turn, n)
		}
		if slices.Contains(sc.FailOn, v.Category) && cs.Pass {
			t.Fatalf("%s: passes with a %s violation, which fails the call", res.CallID, v.Category)
		}
	}
	for _, h := range cs.Hints {
		if h.Turn < 0 || h.Turn > n || h.Text == "" && h.Code != "violation" {
			t.Fatalf("%s: hint %+v (call has %d turns)", res.CallID, h, n)
		}
	}
	for i, o := range cs.Order {
		if o.Turn < 1 || o.Turn > n || i > 0 && o.Turn < cs.Order[i-1].Turn {
			t.Fatalf("%s: order %+v", res.CallID, cs.Order)
		}
	}
	if cs.OrderOK != (len(cs.Departures) == 0) {
		t.Fatalf("%s: order ok %v with %d departures", res.CallID, cs.OrderOK, len(cs.Departures))
	}
	for _, d := range cs.Departures {
		if d.Turn < 1 || d.Turn > n || d.BeforeTurn <= d.Turn || d.BeforeTurn > n {
			t.Fatalf("%s: departure %+v", res.CallID, d)
		}
	}
	if _, err := json.Marshal(cs); err != nil {
		t.Fatalf("%s: the score does not encode: %v", res.CallID, err)
	}
}
