package synth

import (
	"bytes"
	"reflect"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/textnorm"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(300, 7), Generate(300, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	// Call i does not depend on n.
	if !reflect.DeepEqual(Generate(50, 7), a[:50]) {
		t.Fatal("a shorter corpus is not a prefix of a longer one")
	}
	if reflect.DeepEqual(Generate(50, 8), a[:50]) {
		t.Fatal("another seed gives the same calls")
	}
}

// longNumber would be a phone, ID or card number: none may appear.
var longNumber = regexp.MustCompile(`[0-9０-９]{7,}`)

func TestGenerateValid(t *testing.T) {
	const n = 2000
	calls := Generate(n, 1)
	ids := map[string]bool{}
	teams, agents, months := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var turns, runes, third, trad int
	for _, c := range calls {
		if ids[c.ID] {
			t.Fatalf("duplicate call_id %s", c.ID)
		}
		ids[c.ID] = true
		if len(c.Turns) < 6 || len(c.Turns) > 20 {
			t.Errorf("%s: %d turns, want 6–20", c.ID, len(c.Turns))
		}
		teams[c.Team], agents[c.Agent], months[c.StartedAt[:7]] = true, true, true
		other := false
		for i, tu := range c.Turns {
			if tu.N != i+1 || !tu.Role.Valid() || tu.Text == "" {
				t.Fatalf("%s: bad turn %+v", c.ID, tu)
			}
			if longNumber.MatchString(tu.Text) {
				t.Errorf("%s: long number in %q", c.ID, tu.Text)
			}
			turns++
			runes += utf8.RuneCountInString(tu.Text)
			other = other || tu.Role == corpus.RoleThirdParty
		}
		if c.Party == "third_party" || other {
			third++
		}
		if textnorm.ToSimplified(c.Turns[0].Text) != c.Turns[0].Text {
			trad++
		}
	}
	if len(teams) != len(Teams) || len(agents) < 55 || len(months) < 12 {
		t.Errorf("%d teams, %d agents, %d months", len(teams), len(agents), len(months))
	}
	if avg := float64(runes) / float64(turns); avg < 15 || avg > 40 {
		t.Errorf("%.1f characters a turn", avg)
	}
	if third == 0 || trad == 0 {
		t.Errorf("%d third-party calls, %d Traditional calls", third, trad)
	}
	t.Logf("%d calls, %d turns, %.1f chars/turn, %d third-party, %d Traditional", n, turns, float64(runes)/float64(turns), third, trad)
}

func TestJSONLRoundTrip(t *testing.T) {
	calls := Generate(500, 3)
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, calls); err != nil {
		t.Fatal(err)
	}
	back, errs := corpus.ReadJSONL(Source, buf.Bytes())
	if len(errs) > 0 {
		t.Fatalf("%d errors, first: %v", len(errs), errs[0])
	}
	if len(back) != len(calls) {
		t.Fatalf("read %d calls, wrote %d", len(back), len(calls))
	}
	for i, c := range back {
		for j := range c.Turns {
			c.Turns[j].Line = 0 // the reader records the source line
		}
		if !reflect.DeepEqual(c, calls[i]) {
			t.Fatalf("call %d differs after the round trip:\n got %+v\nwant %+v", i, c, calls[i])
		}
	}
}
