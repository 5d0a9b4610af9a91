package callview

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
)

// TestParts: a turn's text cut at its findings, each marked part with
// its class, categories and a title naming category, rule and severity.
func TestParts(t *testing.T) {
	const text = "你就是个老赖，出门小心点"
	insult, threat, abuse := []string{"insult"}, []string{"threat"}, []string{"customer_abuse"}
	f := func(rule, category, match string, start, end int) result.Finding {
		return result.Finding{Rule: rule, Category: category, Severity: "critical", Match: match, Start: start, End: end}
	}
	tests := []struct {
		name     string
		text     string
		findings []result.Finding
		want     []Part
	}{
		{name: "none", text: text, want: []Part{{Text: text}}},
		{name: "empty_text", text: "", findings: []result.Finding{f("r", "insult", "老赖", 0, 6)}},
		{name: "offsets", text: text, findings: []result.Finding{f("insult.slur", "insult", "老赖", 12, 18)},
			want: []Part{{Text: "你就是个"}, {Text: "老赖", Class: "violation", Categories: insult, Title: "辱骂 insult · insult.slur · 严重 critical"}, {Text: "，出门小心点"}}},
		{name: "whole_text", text: "老赖", findings: []result.Finding{f("insult.slur", "insult", "老赖", 0, 6)},
			want: []Part{{Text: "老赖", Class: "violation", Categories: insult, Title: "辱骂 insult · insult.slur · 严重 critical"}}},
		{name: "bad_offsets_fall_back_to_match", text: text, findings: []result.Finding{f("insult.slur", "insult", "老赖", 13, 19)},
			want: []Part{{Text: "你就是个"}, {Text: "老赖", Class: "violation", Categories: insult, Title: "辱骂 insult · insult.slur · 严重 critical"}, {Text: "，出门小心点"}}},
		{name: "out_of_bounds_and_not_found", text: text, findings: []result.Finding{f("x.y", "threat", "滚", 30, 40)},
			want: []Part{{Text: text}}},
		{name: "offsets_without_match", text: text, findings: []result.Finding{f("x.y", "threat", "", 21, 36)},
			want: []Part{{Text: "你就是个老赖，"}, {Text: "出门小心点", Class: "violation", Categories: threat, Title: "威胁 threat · x.y · 严重 critical"}}},
		{name: "mid_character_offsets_without_match", text: text, findings: []result.Finding{f("x.y", "threat", "", 1, 4)},
			want: []Part{{Text: text}}},
		{name: "adjacent_rules_stay_apart", text: text, findings: []result.Finding{
			f("a.one", "insult", "老赖", 12, 18), f("b.two", "threat", "，出门", 18, 27)},
			want: []Part{{Text: "你就是个"}, {Text: "老赖", Class: "violation", Categories: insult, Title: "辱骂 insult · a.one · 严重 critical"}, {Text: "，出门", Class: "violation", Categories: threat, Title: "威胁 threat · b.two · 严重 critical"}, {Text: "小心点"}}},
		{name: "same_rule_twice_merges", text: "滚滚", findings: []result.Finding{
			f("insult.gun", "insult", "滚", 0, 3), f("insult.gun", "insult", "滚", 3, 6)},
			want: []Part{{Text: "滚滚", Class: "violation", Categories: insult, Title: "辱骂 insult · insult.gun · 严重 critical"}}},
		{name: "nested_violation_wins_over_signal", text: text, findings: []result.Finding{
			f("abuse.x", "customer_abuse", "就是个老赖", 3, 18), f("insult.slur", "insult", "老赖", 12, 18)},
			want: []Part{{Text: "你"}, {Text: "就是个", Class: "signal", Categories: abuse, Title: "客户辱骂 customer_abuse · abuse.x · 严重 critical"}, {Text: "老赖", Class: "violation", Categories: []string{"customer_abuse", "insult"}, Title: "客户辱骂 customer_abuse · abuse.x · 严重 critical; 辱骂 insult · insult.slur · 严重 critical"}, {Text: "，出门小心点"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parts(tt.text, tt.findings)
			assert.Equal(t, tt.want, got)
			var joined strings.Builder
			for _, s := range got {
				joined.WriteString(s.Text)
			}
			assert.Equal(t, tt.text, joined.String(), "the parts cover the text exactly")
		})
	}
}

func TestShorten(t *testing.T) {
	tests := []struct{ in, want string }{
		{"M2-B", "M2-B"},
		{"Third-party disclosure", "Third-party disclosure"},
		{"要求客户今天还款", "要求客户今天还款"},
		{"一二三四五六七八九十十一十二", "一二三四五六七八九十十…"},
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvw…"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Shorten(tt.in, 24)
		assert.Equal(t, tt.want, got, tt.in)
		assert.LessOrEqual(t, Width(got), 24, tt.in)
	}
}

// FuzzSegments cuts a text at two fuzzed findings (one a violation, one
// customer abuse). Invariants: the pieces are non-empty and join to the
// text; every cut falls on a UTF-8 character boundary of the text; the
// pieces a finding covers are contiguous and quote what locate found for
// it (its offsets when they quote Match, else the first occurrence of
// Match); neighbouring pieces differ in what covers them; and the parts
// join to the text with a class and title for covered pieces.
func FuzzSegments(f *testing.F) {
	f.Add("你就是个老赖，出门小心点", "老赖", 12, 18, "就是个老赖", 3, 18)
	f.Add("abc", "", -1, 99, "c", 0, 0)
	f.Add("\xff\xfe老赖", "老赖", 0, 8, "\xfe", 1, 2)
	f.Add("老赖老赖", "老赖", 6, 12, "赖老", 99, 100)
	f.Add("老", "\x80", 0, 0, "", 0, 3)
	f.Fuzz(func(t *testing.T, text, match string, start, end int, match2 string, start2, end2 int) {
		fs := []result.Finding{
			{Rule: "insult.r", Category: "insult", Match: match, Start: start, End: end},
			{Rule: "abuse.r", Category: result.CategoryCustomerAbuse, Match: match2, Start: start2, End: end2},
		}
		got := Segments(text, fs)
		var joined strings.Builder
		covered := map[string][][2]int{}
		for i, s := range got {
			require.NotEmpty(t, s.Text)
			at := joined.Len()
			if at > 0 && at < len(text) && utf8.ValidString(text) {
				require.True(t, utf8.RuneStart(text[at]), "cut at %d inside a character of %q", at, text)
			}
			if i > 0 {
				require.NotEqual(t, got[i-1].Findings, s.Findings, "neighbouring pieces covered alike")
			}
			for _, f := range s.Findings {
				covered[f.Rule] = append(covered[f.Rule], [2]int{at, at + len(s.Text)})
			}
			joined.WriteString(s.Text)
		}
		require.Equal(t, text, joined.String())
		for _, f := range fs {
			s, e, ok := locate(text, f)
			pieces := covered[f.Rule]
			if !ok {
				require.Empty(t, pieces, "finding %s covers text though it was not found", f.Rule)
				continue
			}
			require.NotEmpty(t, pieces, "finding %s at [%d, %d) covers nothing", f.Rule, s, e)
			for i := 1; i < len(pieces); i++ {
				require.Equal(t, pieces[i-1][1], pieces[i][0], "finding %s covers pieces apart", f.Rule)
			}
			require.Equal(t, [2]int{s, e}, [2]int{pieces[0][0], pieces[len(pieces)-1][1]}, "finding %s", f.Rule)
			if f.Match != "" {
				require.Equal(t, f.Match, text[s:e])
			}
		}

		joined.Reset()
		for _, s := range Parts(text, fs) {
			require.NotEmpty(t, s.Text)
			require.Equal(t, s.Class == "", s.Title == "")
			joined.WriteString(s.Text)
		}
		require.Equal(t, text, joined.String())
	})
}

// TestSegmentsMatchInsideCharacter: a finding whose offsets do not quote
// it and whose Match is a piece of a character is not located there, so no
// cut falls inside the character (found by FuzzSegments).
func TestSegmentsMatchInsideCharacter(t *testing.T) {
	got := Segments("老赖", []result.Finding{{Rule: "r", Category: "insult", Match: "\x80", Start: 0, End: 0}})
	assert.Equal(t, []Segment{{Text: "老赖"}}, got)
}

func TestSegmentsFindings(t *testing.T) {
	text := "你就是个老赖，出门小心点"
	abuse := result.Finding{Rule: "abuse.x", Category: "customer_abuse", Match: "就是个老赖", Start: 3, End: 18}
	slur := result.Finding{Rule: "insult.slur", Category: "insult", Match: "老赖", Start: 12, End: 18}
	stale := result.Finding{Rule: "threat.safety", Category: "threat", Match: "小心点", Start: 99, End: 100}
	got := Segments(text, []result.Finding{abuse, slur, stale})
	assert.Equal(t, []Segment{
		{Text: "你"},
		{Text: "就是个", Findings: []result.Finding{abuse}},
		{Text: "老赖", Findings: []result.Finding{abuse, slur}},
		{Text: "，出门"},
		{Text: "小心点", Findings: []result.Finding{stale}},
	}, got, "offsets out of range fall back to the first occurrence of Match")
	assert.Equal(t, []Segment{{Text: text}}, Segments(text, nil))
	assert.Nil(t, Segments("", nil))
}
