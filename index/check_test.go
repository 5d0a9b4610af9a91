package index_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

func TestQueryCheck(t *testing.T) {
	violations := "insult, threat, false_legal_claim, third_party_disclosure"
	tests := []struct {
		name    string
		q       index.Query
		wantErr string
	}{
		{name: "empty", q: index.Query{}},
		{name: "known_values", q: index.Query{Category: "threat", Party: "third_party", Sort: "relevance", Team: "任何", Agent: "x"}},
		{name: "customer_abuse_finding", q: index.Query{Category: "customer_abuse", Findings: true}},
		{name: "misspelt_category", q: index.Query{Category: "insults"}, wantErr: `unknown category "insults" (did you mean "insult"?); want one of ` + violations},
		{name: "capitalized_category", q: index.Query{Category: "Threat"}, wantErr: `unknown category "Threat" (did you mean "threat"?); want one of ` + violations},
		{name: "far_category", q: index.Query{Category: "辱骂"}, wantErr: `unknown category "辱骂"; want one of ` + violations},
		{
			name: "customer_abuse_call", q: index.Query{Category: "customer_abuse"},
			wantErr: `unknown category "customer_abuse" (customer abuse is not a violation, so no call is filtered by it; search findings for it); want one of ` + violations,
		},
		{name: "misspelt_finding_category", q: index.Query{Category: "customer_abus", Findings: true}, wantErr: `unknown category "customer_abus" (did you mean "customer_abuse"?); want one of ` + violations + ", customer_abuse"},
		{name: "misspelt_party", q: index.Query{Party: "debitor"}, wantErr: `unknown party "debitor" (did you mean "debtor"?); want one of debtor, third_party`},
		{name: "misspelt_sort", q: index.Query{Sort: "dates"}, wantErr: `unknown sort "dates" (did you mean "date"?); want one of date, score, relevance`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Check()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
			var fe *index.FilterError
			assert.ErrorAs(t, err, &fe)
		})
	}
}

func TestEscapeQueryString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"坐牢", "坐牢"},
		{"坐牢 +", `坐牢 \+`},
		{`a:b -c "d" e* f~ g^2`, `a\:b \-c \"d\" e\* f\~ g\^2`},
		{`(x) [y] {z} a&&b a||b !c d? e/f g\h i=j k<l m>n`, `\(x\) \[y\] \{z\} a\&\&b a\|\|b \!c d\? e\/f g\\h i\=j k\<l m\>n`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, index.EscapeQueryString(tt.in), tt.in)
	}
}

// TestSearchSyntaxError: query text that does not parse is a SyntaxError
// that names the character that made it query-string syntax and how to
// search it as written; the escaped text it suggests parses and matches.
func TestSearchSyntaxError(t *testing.T) {
	bi := reader(t, build(t, samples...))
	tests := []struct{ text, hit, want string }{
		{"坐牢 +", "A2", `syntax error in "坐牢 +": text holding + is read as Bleve query-string syntax; to search the words as written, escape it with a backslash (坐牢 \+) or leave it out`},
		{`"老赖`, "A1", `parse error: unterminated quote in "\"老赖": text holding " is read as Bleve query-string syntax; to search the words as written, escape it with a backslash (\"老赖) or leave it out`},
		{"老赖 -", "A1", `syntax error in "老赖 -": text holding - is read as Bleve query-string syntax; to search the words as written, escape it with a backslash (老赖 \-) or leave it out`},
		{"turns:老赖 +", "A1", `syntax error in "turns:老赖 +": text holding : or + is read as Bleve query-string syntax; to search the words as written, escape them with a backslash (turns\:老赖 \+) or leave them out`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := index.Search(bi, index.Query{Text: tt.text})
			require.Error(t, err)
			assert.EqualError(t, err, tt.want)
			var se *index.SyntaxError
			require.True(t, errors.As(err, &se))

			res, err := index.Search(bi, index.Query{Text: index.EscapeQueryString(tt.text)})
			require.NoError(t, err, "the suggested text parses")
			assert.Equal(t, []string{tt.hit}, callIDs(res), "and finds the words")
		})
	}
}
