package analyzer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
)

// Limits on a fuzzed call, to keep each run fast: turns, and bytes a turn.
const (
	fuzzMaxTurns    = 24
	fuzzMaxTurnText = 600
)

// fuzzRoles are the roles a fuzzed turn can have; an unknown role (a
// speech-recognition speaker) sends the call through role inference.
var fuzzRoles = []corpus.Role{corpus.RoleAgent, corpus.RoleCustomer, corpus.RoleThirdParty, corpus.RoleUnknown}

// fuzzCall builds a call from fuzzed input: one turn a line of script,
// roles[i] choosing the role of turn i (cycling), party choosing the
// call's party header.
func fuzzCall(script string, roles []byte, party uint8) *corpus.Call {
	c := &corpus.Call{ID: "F1", Source: "fuzz.txt", Party: []string{"", "debtor", "third_party"}[party%3]}
	for _, line := range strings.Split(script, "\n") {
		if len(c.Turns) == fuzzMaxTurns {
			break
		}
		if len(line) > fuzzMaxTurnText {
			line = line[:fuzzMaxTurnText]
		}
		// The readers only give valid UTF-8 (FuzzReadText checks it).
		line = strings.ToValidUTF8(line, "\uFFFD")
		n := len(c.Turns) + 1
		role := corpus.RoleAgent
		if len(roles) > 0 {
			role = fuzzRoles[int(roles[(n-1)%len(roles)])%len(fuzzRoles)]
		}
		label := map[corpus.Role]string{corpus.RoleAgent: "坐席", corpus.RoleCustomer: "客户", corpus.RoleThirdParty: "家属"}[role]
		if role == corpus.RoleUnknown {
			label = fmt.Sprintf("spk_%d", roles[(n-1)%len(roles)]%3)
		}
		c.Turns = append(c.Turns, corpus.Turn{N: n, Role: role, Label: label, Text: line, Line: n})
	}
	return c
}

// FuzzAnalyze runs the analyzer with the built-in packs (and Explain on)
// on calls built from fuzzed turn texts and roles. Invariants: no panic;
// the call given is not changed; every finding is on a turn that exists,
// quotes that turn's original text, and its byte offsets are inside it,
// on UTF-8 character boundaries, with Match the text between them; at most
// one finding per turn and category, in turn order; coverage, hints and
// suppressed matches name turns that exist and quote their text; the score
// is 25 per covered task and pass means no violation; role inference runs
// exactly when a role is unknown and names a role for every such speaker;
// and a second analysis of the same call gives the same result.
func FuzzAnalyze(f *testing.F) {
	f.Add("您好，请问是刘洋吗？\n是我。\n你就是个老赖，借钱的时候挺能耐。", []byte{0, 1, 0}, uint8(1))
	f.Add("您好，我是青禾消费金融的李娜，请问是周海涛先生吗？\n他不在，我是他同事。\n他在我们这借了五万块钱，已经逾期三个月了。", []byte{0, 2, 0}, uint8(2))
	f.Add("你不还钱小心点，再不还就让你坐牢。\n你们这帮吸血鬼\n你就是個騙子，帳單一直不繳。", []byte{3, 4, 3}, uint8(0))
	f.Add("嗯 你 就是 个 呃 骗子\n\n\xff\xfe老赖\n", []byte{0, 1}, uint8(0))
	f.Add("", []byte{}, uint8(0))
	for _, dir := range []string{filepath.Join("..", "testdata", "calls")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, file := range files {
			calls, errs := corpus.ReadFile(file)
			if len(errs) > 0 || len(calls) != 1 {
				continue
			}
			var texts []string
			var roles []byte
			for _, t := range calls[0].Turns {
				texts = append(texts, t.Text)
				roles = append(roles, byte(slices.Index(fuzzRoles, t.Role)))
			}
			f.Add(strings.Join(texts, "\n"), roles, uint8(slices.Index([]string{"", "debtor", "third_party"}, calls[0].Party)))
		}
	}
	if _, err := os.Stat(filepath.Join("..", "testdata", "calls")); err != nil {
		f.Fatal(err)
	}
	a := newBuiltin(f)
	f.Fuzz(func(t *testing.T, script string, roles []byte, party uint8) {
		call := fuzzCall(script, roles, party)
		before := cloneCall(call)
		res := a.Analyze(call)
		if !reflect.DeepEqual(call, before) {
			t.Fatalf("Analyze changed the call:\n%+v\nwas\n%+v", call, before)
		}
		checkResult(t, call, res)
		again := a.Analyze(cloneCall(before))
		again.Call, res.Call = nil, nil
		if !reflect.DeepEqual(res, again) {
			t.Fatalf("two analyses differ:\n%+v\n%+v", res, again)
		}
	})
}

func cloneCall(c *corpus.Call) *corpus.Call {
	d := *c
	d.Turns = slices.Clone(c.Turns)
	return &d
}

func checkResult(t *testing.T, call *corpus.Call, res *analyzer.Result) {
	t.Helper()
	n := len(call.Turns)
	if res.Turns != n || res.CallID != call.ID {
		t.Fatalf("result for call %q with %d turns, want %q with %d", res.CallID, res.Turns, call.ID, n)
	}
	turnText := func(what string, turn int) string {
		t.Helper()
		if turn < 1 || turn > n {
			t.Fatalf("%s on turn %d of %d", what, turn, n)
		}
		return call.Turns[turn-1].Text
	}
	seen := map[string]bool{}
	for i, f := range res.Findings {
		text := turnText("finding "+f.Rule, f.Turn)
		if f.Text != text {
			t.Fatalf("finding %s on turn %d quotes %q, the turn is %q", f.Rule, f.Turn, f.Text, text)
		}
		if f.Start < 0 || f.Start >= f.End || f.End > len(text) {
			t.Fatalf("finding %s on turn %d: offsets [%d, %d) in %d bytes", f.Rule, f.Turn, f.Start, f.End, len(text))
		}
		if !utf8.RuneStart(text[f.Start]) || f.End < len(text) && !utf8.RuneStart(text[f.End]) {
			t.Fatalf("finding %s on turn %d: offsets [%d, %d) cut a character of %q", f.Rule, f.Turn, f.Start, f.End, text)
		}
		if f.Match != text[f.Start:f.End] {
			t.Fatalf("finding %s on turn %d: match %q, the text at [%d, %d) is %q", f.Rule, f.Turn, f.Match, f.Start, f.End, text[f.Start:f.End])
		}
		if !analyzer.IsViolation(f.Category) && f.Category != analyzer.CategoryCustomerAbuse {
			t.Fatalf("finding %s: category %q", f.Rule, f.Category)
		}
		key := fmt.Sprint(f.Turn, f.Category)
		if seen[key] {
			t.Fatalf("two %s findings on turn %d", f.Category, f.Turn)
		}
		seen[key] = true
		if i > 0 && f.Turn < res.Findings[i-1].Turn {
			t.Fatalf("finding on turn %d after one on turn %d", f.Turn, res.Findings[i-1].Turn)
		}
	}
	covered := 0
	for _, group := range []struct {
		codes []string
		cov   map[string]analyzer.Coverage
	}{{analyzer.TaskCodes, res.Tasks}, {analyzer.StepCodes, res.Steps}, {nil, res.Required}} {
		for _, code := range group.codes {
			if _, ok := group.cov[code]; !ok {
				t.Fatalf("no coverage for %s", code)
			}
		}
		for code, cv := range group.cov {
			if cv.Covered != (len(cv.Turns) > 0) {
				t.Fatalf("%s: covered %v on turns %v", code, cv.Covered, cv.Turns)
			}
			for i, turn := range cv.Turns {
				turnText("coverage of "+code, turn)
				if i > 0 && turn <= cv.Turns[i-1] {
					t.Fatalf("%s: turns %v", code, cv.Turns)
				}
			}
			if cv.Covered && slices.Contains(analyzer.TaskCodes, code) {
				covered++
			}
		}
	}
	if res.Score != covered*analyzer.DefaultWeight || res.Score < 0 || res.Score > 100 {
		t.Fatalf("score %d with %d tasks covered", res.Score, covered)
	}
	if res.Pass != (len(res.Violations()) == 0) {
		t.Fatalf("pass %v with %d violations", res.Pass, len(res.Violations()))
	}
	for _, h := range res.Hints {
		if text := turnText("hint "+h.Rule, h.Turn); !strings.Contains(text, h.Quote) || h.Text == "" {
			t.Fatalf("hint %s on turn %d: %q not in %q, or no advice", h.Rule, h.Turn, h.Quote, text)
		}
	}
	for _, s := range res.Suppressed {
		if text := turnText("suppressed "+s.Rule, s.Turn); !strings.Contains(text, s.Match) || !strings.Contains(text, s.Cue) {
			t.Fatalf("suppressed %s on turn %d: %q (cue %q) not in %q", s.Rule, s.Turn, s.Match, s.Cue, text)
		}
	}
	unknown := call.Speakers()
	if (res.RolesInferred != nil) != (len(unknown) > 0) {
		t.Fatalf("roles inferred %v for unknown speakers %q", res.RolesInferred, unknown)
	}
	if inf := res.RolesInferred; inf != nil {
		if inf.Confidence < 0 || inf.Confidence > 1 {
			t.Fatalf("confidence %v", inf.Confidence)
		}
		for _, sp := range unknown {
			if r := corpus.Role(inf.Roles[sp]); !r.Valid() {
				t.Fatalf("speaker %q given role %q", sp, r)
			}
		}
	}
	if res.Party != "debtor" && res.Party != "third_party" {
		t.Fatalf("party %q", res.Party)
	}
}
