package index

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/lexicon"
)

// pairsField is the call field of adjacent word pairs (tokenizer.pairs):
// the turns' text again, one term for each two words that follow each
// other in a turn.
const pairsField = "pairs"

// hasPairs says whether an index of mapping m has the pairs field. An
// index built before it keeps term vectors (word positions) on the turns
// instead, and phrases there are Bleve's own.
func hasPairs(m mapping.IndexMapping) bool {
	return m.AnalyzerNameForPath(pairsField) == PairsAnalyzerName
}

// phraseQuery matches the call documents with the words of Phrase one
// after another in one turn, as Bleve's match-phrase query on the turns
// does, on either layout of the index. With the pairs field, a word is a
// term of the turns, two words are one term of the pairs, and three or
// more are the conjunction of their pairs, each candidate checked against
// its stored turn texts (a call can hold every pair of a phrase without
// the phrase). Scores are those of the term or conjunction, not of Bleve's
// phrase.
//
// The index keeps no word positions for the turns (their term vectors
// were 1.3 times the turn text, and reading them was most of the time of
// a phrase search); highlights are marked from the query's words
// (textMarks).
type phraseQuery struct {
	Phrase string       `json:"callqa_turns_phrase"`
	Boost  *query.Boost `json:"boost,omitempty"`

	errs *searchErrs
}

// searchErrs records the errors of a search's phrase checks, which a
// Bleve filter cannot return: Search reports them after the search.
type searchErrs struct {
	mu   sync.Mutex
	errs []error
}

func (e *searchErrs) add(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.errs) < 10 {
		e.errs = append(e.errs, err)
	}
}

func (e *searchErrs) err() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.errs...)
}

// Searcher implements query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, i bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if !hasPairs(m) {
		mp := query.NewMatchPhraseQuery(q.Phrase)
		mp.SetField("turns")
		mp.BoostVal = q.Boost
		return mp.Searcher(ctx, i, m, options)
	}
	words, err := Words(q.Phrase)
	if err != nil {
		return nil, err
	}
	terms := wordTerms(words)
	termOn := func(field, t string) query.Query {
		tq := query.NewTermQuery(t)
		tq.SetField(field)
		tq.BoostVal = q.Boost
		return tq
	}
	switch len(terms) {
	case 0:
		return searcher.NewMatchNoneSearcher(i)
	case 1:
		return termOn("turns", terms[0]).Searcher(ctx, i, m, options)
	case 2:
		return termOn(pairsField, pairTerm(terms[0], terms[1])).Searcher(ctx, i, m, options)
	}
	seen := map[string]bool{}
	var pairs []query.Query
	for k := 1; k < len(terms); k++ {
		p := pairTerm(terms[k-1], terms[k])
		if !seen[p] {
			seen[p] = true
			pairs = append(pairs, termOn(pairsField, p))
		}
	}
	cs, err := query.NewConjunctionQuery(pairs).Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return searcher.NewFilteringSearcher(ctx, cs, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		ok, err := storedHasRun(i, d.IndexInternalID, terms)
		if err != nil {
			q.errs.add(err)
		}
		return ok
	}), nil
}

// storedHasRun says whether a turn of the call document id holds terms
// as consecutive words.
func storedHasRun(i bindex.IndexReader, id bindex.IndexInternalID, terms []string) (bool, error) {
	ext, err := i.ExternalID(id)
	if err != nil {
		return false, err
	}
	doc, err := i.Document(ext)
	if err != nil {
		return false, fmt.Errorf("%s: %w", ext, err)
	}
	if doc == nil {
		return false, nil
	}
	var packed []byte
	doc.VisitFields(func(f bindex.Field) {
		if f.Name() == storedField {
			packed = f.Value()
		}
	})
	sh, err := unpackStored(packed)
	if err != nil {
		return false, fmt.Errorf("%s: %w", ext, err)
	}
	wt, err := sharedWords()
	if err != nil {
		return false, err
	}
	for _, t := range sh.turns {
		if runAt(wt.Words(t), terms) >= 0 {
			return true, nil
		}
	}
	return false, nil
}

// wordTerms are the terms of words.
func wordTerms(ws []analyzer.Word) []string {
	out := make([]string, len(ws))
	for k, w := range ws {
		out[k] = w.Term
	}
	return out
}

// runAt is the first index at which ws holds terms as consecutive words,
// or -1.
func runAt(ws []analyzer.Word, terms []string) int {
	return runFrom(ws, terms, 0)
}

func runFrom(ws []analyzer.Word, terms []string, from int) int {
	for k := from; k+len(terms) <= len(ws); k++ {
		ok := true
		for j, t := range terms {
			if ws[k+j].Term != t {
				ok = false
				break
			}
		}
		if ok {
			return k
		}
	}
	return -1
}

// Validate implements query.ValidatableQuery.
func (q *phraseQuery) Validate() error { return nil }

// usePhrases makes every match-phrase query of the turns in the tree q a
// phraseQuery, recording its errors in errs. Compound queries are changed
// in place.
func usePhrases(q query.Query, errs *searchErrs) query.Query {
	switch x := q.(type) {
	case *query.BooleanQuery:
		for _, c := range []*query.Query{&x.Must, &x.Should, &x.MustNot, &x.Filter} {
			if *c != nil {
				*c = usePhrases(*c, errs)
			}
		}
	case *query.ConjunctionQuery:
		for k, c := range x.Conjuncts {
			x.Conjuncts[k] = usePhrases(c, errs)
		}
	case *query.DisjunctionQuery:
		for k, c := range x.Disjuncts {
			x.Disjuncts[k] = usePhrases(c, errs)
		}
	case *query.MatchPhraseQuery:
		if x.FieldVal == "turns" {
			return &phraseQuery{Phrase: x.MatchPhrase, Boost: x.BoostVal, errs: errs}
		}
	}
	return q
}

// textMarks are what a query looks for in the turns, for marking it in
// a hit's turns when the index gives no word positions: words, runs of
// words (phrases) and tests of a term (prefix, wildcard, regular
// expression, fuzzy). Words a query excludes (must-not) are not marked.
type textMarks struct {
	words map[string]bool
	runs  [][]string
	tests []func(string) bool
}

// collectMarks gathers the marks of the turns queries in q.
func collectMarks(q query.Query, m *textMarks) error {
	addWords := func(text string, run bool) error {
		ws, err := Words(text)
		if err != nil {
			return err
		}
		terms := wordTerms(ws)
		if run && len(terms) > 1 {
			m.runs = append(m.runs, terms)
			return nil
		}
		for _, t := range terms {
			m.words[t] = true
		}
		return nil
	}
	switch x := q.(type) {
	case *query.BooleanQuery:
		for _, c := range []query.Query{x.Must, x.Should} {
			if c != nil {
				if err := collectMarks(c, m); err != nil {
					return err
				}
			}
		}
	case *query.ConjunctionQuery:
		for _, c := range x.Conjuncts {
			if err := collectMarks(c, m); err != nil {
				return err
			}
		}
	case *query.DisjunctionQuery:
		for _, c := range x.Disjuncts {
			if err := collectMarks(c, m); err != nil {
				return err
			}
		}
	case *phraseQuery:
		return addWords(x.Phrase, true)
	case *query.MatchPhraseQuery:
		if x.FieldVal == "turns" {
			return addWords(x.MatchPhrase, true)
		}
	case *query.MatchQuery:
		if x.FieldVal == "turns" {
			return addWords(x.Match, false)
		}
	case *query.TermQuery:
		if x.FieldVal == "turns" {
			m.words[x.Term] = true
		}
	case *query.PrefixQuery:
		if x.FieldVal == "turns" {
			p := x.Prefix
			m.tests = append(m.tests, func(t string) bool { return strings.HasPrefix(t, p) })
		}
	case *query.WildcardQuery:
		if x.FieldVal == "turns" {
			addRegexp(m, wildcardRegexp(x.Wildcard))
		}
	case *query.RegexpQuery:
		if x.FieldVal == "turns" {
			addRegexp(m, x.Regexp)
		}
	case *query.FuzzyQuery:
		if x.FieldVal == "turns" {
			term, prefix, fuzz := x.Term, x.Prefix, x.Fuzziness
			m.tests = append(m.tests, func(t string) bool {
				tr, r := []rune(term), []rune(t)
				if prefix > len(tr) || prefix > len(r) || string(r[:prefix]) != string(tr[:prefix]) {
					return false
				}
				return lexicon.EditDistance(term, t) <= fuzz
			})
		}
	}
	return nil
}

// addRegexp adds a test of a whole term against re (Bleve matches a
// regular expression against whole terms); one that does not compile
// marks nothing (the search itself reports it).
func addRegexp(m *textMarks, re string) {
	r, err := regexp.Compile(`^(?:` + re + `)$`)
	if err == nil {
		m.tests = append(m.tests, r.MatchString)
	}
}

// wildcardRegexp is the regular expression of a wildcard, as Bleve's
// wildcard query makes it: * any run, ? one character.
func wildcardRegexp(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

func (m *textMarks) empty() bool {
	return len(m.words) == 0 && len(m.runs) == 0 && len(m.tests) == 0
}

// spans marks the query's words in turns: byte ranges by turn index from
// 0, as Bleve's locations give them.
func (m *textMarks) spans(turns []string) (map[int][][2]int, error) {
	wt, err := sharedWords()
	if err != nil {
		return nil, err
	}
	out := map[int][][2]int{}
	for t, text := range turns {
		ws := wt.Words(text)
		marked := make([]bool, len(ws))
		for k, w := range ws {
			if m.words[w.Term] {
				marked[k] = true
				continue
			}
			for _, test := range m.tests {
				if test(w.Term) {
					marked[k] = true
					break
				}
			}
		}
		for _, run := range m.runs {
			for k := runFrom(ws, run, 0); k >= 0; k = runFrom(ws, run, k+1) {
				for j := range run {
					marked[k+j] = true
				}
			}
		}
		for k, on := range marked {
			if on {
				out[t] = append(out[t], [2]int{ws[k].Start, ws[k].End})
			}
		}
	}
	return out, nil
}
