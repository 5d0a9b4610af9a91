package index

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// Parties are the values Query.Party may take: who the agent talked to.
var Parties = []string{lexicon.PartyDebtor, lexicon.PartyThirdParty}

// Sorts are the values Query.Sort may take ("" is date).
var Sorts = []string{"date", "score", "relevance"}

// Categories returns the values Query.Category may take: the violation
// categories for calls, and customer_abuse as well for finding documents
// (Query.Findings), which are stored for it too.
func Categories(findings bool) []string {
	out := slices.Clone(result.ViolationCategories)
	if findings {
		out = append(out, result.CategoryCustomerAbuse)
	}
	return out
}

// FilterError is a filter value that no document can have: a misspelt
// category, party or sort.
type FilterError struct {
	// Field is the filter: category, party or sort.
	Field string
	// Value is what was asked for.
	Value string
	// Known are the values the filter may take.
	Known []string
	// Note explains a value that is known elsewhere, or is "".
	Note string
}

// Error says what is wrong as "unknown FIELD ...".
func (e *FilterError) Error() string {
	return e.Describe("unknown " + e.Field)
}

// Describe says what is wrong in one line, naming the filter as name (a
// command line says "invalid --category", an API "unknown category"): the
// value, the nearest known value when one is close, and the values the
// filter may take.
func (e *FilterError) Describe(name string) string {
	msg := fmt.Sprintf("%s %q", name, e.Value)
	if e.Note != "" {
		msg += " (" + e.Note + ")"
	} else {
		msg += lexicon.DidYouMean(e.Value, e.Known)
	}
	return msg + "; want one of " + strings.Join(e.Known, ", ")
}

// Check reports the first filter of q that no document can match: a
// category, party or sort that is not one of the known values. Search
// itself takes any value (an unknown one simply matches nothing); callers
// that take filters from people call Check first, so that a typo is an
// error with a suggestion rather than an empty result. Team and agent are
// free values and not checked. Candidates with Findings is
// ErrCandidatesFindings.
func (q Query) Check() error {
	cats := Categories(q.Findings)
	if q.Category != "" && !slices.Contains(cats, q.Category) {
		e := &FilterError{Field: "category", Value: q.Category, Known: cats}
		if q.Category == result.CategoryCustomerAbuse {
			e.Note = "customer abuse is not a violation, so no call is filtered by it; search findings for it"
		}
		return e
	}
	if q.Party != "" && !slices.Contains(Parties, q.Party) {
		return &FilterError{Field: "party", Value: q.Party, Known: Parties}
	}
	if q.Sort != "" && !slices.Contains(Sorts, q.Sort) {
		return &FilterError{Field: "sort", Value: q.Sort, Known: Sorts}
	}
	if q.Candidates && q.Findings {
		return ErrCandidatesFindings
	}
	return nil
}

// ErrCandidatesFindings is a search for findings with candidates: a
// candidate is a turn no rule flagged, never a finding.
var ErrCandidatesFindings = errors.New("candidates are turns no rule flagged, not findings: search calls (without findings) for candidates")

// queryStringChars are the characters that make Query.Text Bleve
// query-string syntax.
const queryStringChars = `:+-"*~^`

// isQueryString reports whether text is Bleve query-string syntax rather
// than free text.
func isQueryString(text string) bool {
	return strings.ContainsAny(text, queryStringChars)
}

// SyntaxError is query text that holds one of : + - " * ~ ^, and so is
// read as Bleve query-string syntax, but does not parse.
type SyntaxError struct {
	// Text is the query text.
	Text string
	// Err is Bleve's error.
	Err error
}

// Error says that the text was read as query-string syntax, because of
// which characters, and how to search it as written.
func (e *SyntaxError) Error() string {
	var found []string
	for _, c := range queryStringChars {
		if strings.ContainsRune(e.Text, c) {
			found = append(found, string(c))
		}
	}
	it := "it"
	if len(found) > 1 {
		it = "them"
	}
	return fmt.Sprintf("%v in %q: text holding %s is read as Bleve query-string syntax; to search the words as written, escape %s with a backslash (%s) or leave %s out",
		e.Err, e.Text, strings.Join(found, " or "), it, EscapeQueryString(e.Text), it)
}

// Unwrap returns Bleve's error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// bleveReserved are the characters Bleve's query-string syntax lets a
// backslash escape, but the space, which separates the words.
const bleveReserved = `+-=&|><!(){}[]^"~*?:\/`

// EscapeQueryString returns text with every character that has a meaning
// in Bleve's query-string syntax escaped by a backslash, so that a query
// searches it as written: 坐牢 + becomes 坐牢 \+.
func EscapeQueryString(text string) string {
	var b strings.Builder
	for _, r := range text {
		if strings.ContainsRune(bleveReserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IsQueryString reports whether Query.Text is read as Bleve query-string
// syntax (it holds one of : + - " * ~ ^) rather than as free text.
func IsQueryString(text string) bool { return isQueryString(strings.TrimSpace(text)) }

// ParseQueryString parses Query.Text read as query-string syntax into
// Bleve's query tree, as Search does, for another store (package pgindex)
// to translate; text that does not parse gives a *SyntaxError.
func ParseQueryString(text string) (query.Query, error) {
	q, err := parseQueryString(strings.TrimSpace(text))
	if err != nil {
		return nil, err
	}
	return q.Parse()
}

// parseQueryString parses query-string text, so that an error names the
// syntax and how to avoid it (Bleve says only "syntax error").
func parseQueryString(text string) (*query.QueryStringQuery, error) {
	q := bleve.NewQueryStringQuery(text)
	if _, err := q.Parse(); err != nil {
		return nil, &SyntaxError{Text: text, Err: err}
	}
	return q, nil
}
