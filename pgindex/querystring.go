package pgindex

import (
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"
)

// The fields of the documents, by how query-string syntax searches them
// (mirroring the Bleve index's mapping): keyword fields match their whole
// value, text fields their words, numbers and dates ranges.
var (
	callKeywords = map[string]facetField{
		"call_id": {"call_id", scalarField}, "agent": {"agent", scalarField}, "team": {"team", scalarField},
		"kind": {"kind", scalarField}, "party": {"party", scalarField}, "source": {"source", scalarField},
		"month": {"month", scalarField}, "day": {"day", scalarField}, "hash": {"hash", scalarField},
		"rules_version": {"rules_version", scalarField}, "categories": {"categories", arrayField},
		"tasks": {"tasks", arrayField}, "pass": {"pass", boolField}, "needs_review": {"needs_review", boolField},
		"has_candidates": {"has_candidates", boolField},
	}
	findingKeywords = map[string]facetField{
		"call_id": {"call_id", scalarField}, "category": {"category", scalarField}, "severity": {"severity", scalarField},
		"rule": {"rule", scalarField}, "speaker": {"speaker", scalarField}, "agent": {"agent", scalarField},
		"team": {"team", scalarField}, "party": {"party", scalarField}, "month": {"month", scalarField},
		"day": {"day", scalarField}, "pack_version": {"pack_version", scalarField},
		"needs_review": {"needs_review", boolField},
	}
	// allKeywords are the keyword fields of either kind of document: a
	// match on one of them compares the whole value, whichever documents
	// are searched (the Bleve mapping analyzes a field by its name).
	allKeywords = func() map[string]bool {
		m := map[string]bool{"type": true, "finding_ids": true, "sort_at": true}
		for k := range callKeywords {
			m[k] = true
		}
		for k := range findingKeywords {
			m[k] = true
		}
		return m
	}()
)

// textField reports whether field is searched by words in s's documents:
// the turns of a call; the text and match of a finding; "" and _all for
// all of them.
func (s *search) textField(field string) bool {
	switch field {
	case "", "_all":
		return true
	case "turns":
		return !s.findings
	case "text", "match":
		return s.findings
	}
	return false
}

// keywordCond is the condition that keyword field equals v.
func (s *search) keywordCond(field, v string) string {
	known := callKeywords
	if s.findings {
		known = findingKeywords
	}
	if field == "type" {
		if (v == "call" && !s.findings) || (v == "finding" && s.findings) {
			return "true"
		}
		return "false"
	}
	f, ok := known[field]
	if !ok || v == "" {
		return "false"
	}
	col := s.alias() + "." + f.col
	switch f.kind {
	case arrayField:
		return "(" + col + " @> ARRAY[" + s.arg(v) + "::text])"
	case boolField:
		switch v {
		case "true":
			return col
		case "false":
			return "(NOT " + col + ")"
		}
		return "false"
	}
	return "(" + col + " = " + s.arg(v) + ")"
}

// unsupported is the error for query-string syntax that PostgreSQL does
// not search.
func unsupported(what, text, instead string) error {
	return fmt.Errorf("%s %q is not supported with a PostgreSQL database: %s", what, text, instead)
}

// translate turns a node of a parsed query string into a condition. none
// reports a node that matches nothing for want of words (text of only
// punctuation, say), which query-string syntax leaves out of its
// conjunctions and disjunctions, as Bleve does. negated tells a node under
// a must-not, whose words are not marked.
func (s *search) translate(q query.Query, negated bool) (cond string, none bool, err error) {
	switch n := q.(type) {
	case *query.BooleanQuery:
		return s.boolean(n, negated)
	case *query.ConjunctionQuery:
		return s.junction(n.Conjuncts, " AND ", 0, negated)
	case *query.DisjunctionQuery:
		return s.junction(n.Disjuncts, " OR ", int(n.Min), negated)
	case *query.MatchQuery:
		if n.Fuzziness != 0 {
			return "", false, unsupported("fuzzy search", n.Match+"~", "search the words as written, or several spellings separated by spaces under one field")
		}
		return s.match(n.FieldVal, n.Match, false, negated)
	case *query.MatchPhraseQuery:
		return s.match(n.FieldVal, n.MatchPhrase, true, negated)
	case *query.TermQuery:
		return s.match(n.FieldVal, n.Term, false, negated)
	case *query.NumericRangeQuery:
		return s.numericRange(n), false, nil
	case *query.DateRangeQuery:
		return s.dateRange(n), false, nil
	case *query.MatchAllQuery:
		return "true", false, nil
	case *query.MatchNoneQuery:
		return "", true, nil
	case *query.WildcardQuery:
		return "", false, unsupported("wildcard search", n.Wildcard, "search whole words or a phrase in quotes instead (the words are cut as the index cuts them)")
	case *query.RegexpQuery:
		return "", false, unsupported("regular-expression search", "/"+n.Regexp+"/", "search whole words or a phrase in quotes instead")
	case *query.FuzzyQuery:
		return "", false, unsupported("fuzzy search", n.Term+"~", "search the words as written")
	case *query.PrefixQuery:
		return "", false, unsupported("prefix search", n.Prefix+"*", "search whole words or a phrase in quotes instead")
	}
	return "", false, fmt.Errorf("query syntax %T is not supported with a PostgreSQL database: use words, \"phrases\", field:value, ranges, + and -", q)
}

// boolean is query-string syntax's top node: every must clause, any
// should clause when there is no must (with one they only rank), and no
// must-not clause.
func (s *search) boolean(b *query.BooleanQuery, negated bool) (string, bool, error) {
	var must, should, not string
	var err error
	var none bool
	if b.Must != nil {
		if must, none, err = s.translate(b.Must, negated); err != nil {
			return "", false, err
		} else if none {
			must = ""
		}
	}
	if b.Should != nil {
		if should, none, err = s.translate(b.Should, negated); err != nil {
			return "", false, err
		} else if none {
			should = ""
		}
	}
	if b.MustNot != nil {
		if not, none, err = s.translate(b.MustNot, !negated); err != nil {
			return "", false, err
		} else if none {
			not = ""
		}
	}
	var parts []string
	switch {
	case must == "" && should == "" && not == "":
		return "", true, nil
	case must != "" && should != "":
		// The should clauses only rank (and mark words); the planner
		// folds them away.
		parts = append(parts, must, "("+should+" OR true)")
	case must != "":
		parts = append(parts, must)
	case should != "":
		parts = append(parts, should)
	}
	if not != "" {
		parts = append(parts, "NOT "+not)
	}
	return "(" + strings.Join(parts, " AND ") + ")", false, nil
}

// junction joins the clauses (leaving out those that match nothing for
// want of words); a disjunction with min needs that many.
func (s *search) junction(qs []query.Query, op string, min int, negated bool) (string, bool, error) {
	var parts []string
	for _, c := range qs {
		cond, none, err := s.translate(c, negated)
		if err != nil {
			return "", false, err
		}
		if !none {
			parts = append(parts, cond)
		}
	}
	if len(parts) == 0 {
		return "", true, nil
	}
	if op == " OR " && min > 1 {
		n := make([]string, len(parts))
		for i, p := range parts {
			n[i] = "(" + p + ")::int"
		}
		return "((" + strings.Join(n, " + ") + ") >= " + s.arg(min) + ")", false, nil
	}
	return "(" + strings.Join(parts, op) + ")", false, nil
}

// match is a match (any of the words) or a phrase on one field.
func (s *search) match(field, text string, phrase, negated bool) (string, bool, error) {
	if allKeywords[field] {
		if text == "" {
			return "", true, nil
		}
		return s.keywordCond(field, text), false, nil
	}
	ts, err := terms(text)
	if err != nil {
		return "", false, err
	}
	if len(ts) == 0 {
		return "", true, nil
	}
	if !s.textField(field) {
		return "false", false, nil
	}
	tsq := tsAny(ts)
	if phrase {
		tsq = tsPhrase(ts)
	}
	if !negated && !s.findings { // the words of _all are marked in the turns too

		s.marks = append(s.marks, mark{terms: ts, phrase: phrase})
	}
	return s.textCond(field, tsq), false, nil
}

// numericRange is a range of score (calls) or turn (findings).
func (s *search) numericRange(r *query.NumericRangeQuery) string {
	col := ""
	switch {
	case r.FieldVal == "score" && !s.findings:
		col = "c.score"
	case r.FieldVal == "turn" && s.findings:
		col = "f.turn"
	default:
		return "false"
	}
	var parts []string
	if r.Min != nil {
		op := ">="
		if r.InclusiveMin != nil && !*r.InclusiveMin {
			op = ">"
		}
		parts = append(parts, col+"::float8 "+op+" "+s.arg(*r.Min)+"::float8")
	}
	if r.Max != nil {
		op := "<"
		if r.InclusiveMax != nil && *r.InclusiveMax {
			op = "<="
		}
		parts = append(parts, col+"::float8 "+op+" "+s.arg(*r.Max)+"::float8")
	}
	if len(parts) == 0 {
		return "false"
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// dateRange is a range of started_at.
func (s *search) dateRange(r *query.DateRangeQuery) string {
	if r.FieldVal != "started_at" {
		return "false"
	}
	col := s.alias() + ".started_at"
	parts := []string{col + " IS NOT NULL"}
	if t := time.Time(r.Start.Time); !t.IsZero() {
		op := ">="
		if r.InclusiveStart != nil && !*r.InclusiveStart {
			op = ">"
		}
		parts = append(parts, col+" "+op+" "+s.arg(t))
	}
	if t := time.Time(r.End.Time); !t.IsZero() {
		op := "<"
		if r.InclusiveEnd != nil && *r.InclusiveEnd {
			op = "<="
		}
		parts = append(parts, col+" "+op+" "+s.arg(t))
	}
	if len(parts) == 1 {
		return "false"
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}
