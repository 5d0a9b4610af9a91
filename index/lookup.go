package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
)

// ErrNotFound is returned (wrapped) by Call for a call id the index does
// not hold.
var ErrNotFound = errors.New("no such call in the index")

// Call returns the stored result of one call, with Result.Call rebuilt from
// the index: the call's metadata (with the party the transcript gave, not
// the one the analysis decided) and its turns, numbered from 1, with their
// original text, their role and the label they were written under, so
// that analyzing Result.Call again gives what the index holds for the same
// rules. An index built before turn roles (or labels, or the given party)
// were stored gives turns without them. An id the index does not hold gives an
// error wrapping ErrNotFound; an alias over shards that hold the same call
// id gives any one of them.
func Call(bi bleve.Index, callID string) (*result.Result, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{CallDocID(callID)}), 1, 0, false)
	req.Fields = storedFields
	sr, err := searchBleve(context.Background(), bi, req)
	if err != nil {
		return nil, err
	}
	if len(sr.Hits) == 0 {
		return nil, fmt.Errorf("%s: %w", callID, ErrNotFound)
	}
	h := sr.Hits[0]
	sh, err := readShown(h.Fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", h.ID, err)
	}
	var res result.Result
	if err := json.Unmarshal(sh.result, &res); err != nil {
		return nil, fmt.Errorf("%s: stored result does not decode: %w", h.ID, err)
	}
	turns, roles, labels, party := sh.turns, sh.roles, sh.labels, sh.givenParty
	if len(roles) != len(turns) {
		roles = nil
	}
	if len(labels) != len(turns) {
		labels = nil
	}
	c := &corpus.Call{
		ID: res.CallID, Agent: res.Agent, Team: res.Team, StartedAt: res.StartedAt,
		Kind: res.Kind, Party: party, Source: res.Source, Turns: make([]corpus.Turn, len(turns)),
	}
	for i, text := range turns {
		c.Turns[i] = corpus.Turn{N: i + 1, Text: text}
		if roles != nil {
			c.Turns[i].Role = corpus.Role(roles[i])
		}
		if labels != nil {
			c.Turns[i].Label = labels[i]
		}
	}
	res.Call = c
	return &res, nil
}

// IDs returns the call ids of one page of q's results (q.Limit of them
// from q.Offset, in q.Sort order, as Search returns them) and the total
// number of matches, without loading the stored calls, marking highlights
// or counting facets: the cheap way to walk through a search, e.g. to find
// the calls before and after one hit. It always returns calls, whatever
// q.Findings says.
func IDs(bi bleve.Index, q Query) ([]string, uint64, error) {
	bq, errs, err := buildQuery(q, TypeCall)
	if err != nil {
		return nil, 0, err
	}
	order, err := sortOrder(q.Sort)
	if err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Offset < 0 || q.Offset > math.MaxInt-1-q.Limit { // as in Search
		return nil, 0, fmt.Errorf("offset %d with limit %d is out of range (want an offset from 0)", q.Offset, q.Limit)
	}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, q.Offset, false)
	req.SortBy(order)
	sr, err := searchBleve(context.Background(), bi, req)
	if err == nil {
		err = errs.err()
	}
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, 0, len(sr.Hits))
	for _, h := range sr.Hits {
		ids = append(ids, strings.TrimPrefix(h.ID, "call/"))
	}
	return ids, sr.Total, nil
}

// Count returns how many documents q matches and, for each field named,
// the values of that field over all of them with their counts: at most size
// values a field, most frequent first, ties in value order. Documents are
// calls, or with q.Findings finding documents, of which only violations
// count unless q.Category names another category (customer_abuse). Paging
// and sorting in q are ignored; no document is loaded. Fields are those of
// the index's documents: for calls category (the violation categories),
// team, agent, party, pass, month and day; for findings category, rule,
// severity, team, agent, party, month and day.
func Count(bi bleve.Index, q Query, size int, fields ...string) (uint64, map[string][]FacetCount, error) {
	docType := TypeCall
	if q.Findings {
		docType = TypeFinding
	}
	bq, errs, err := buildQuery(q, docType)
	if err != nil {
		return 0, nil, err
	}
	if q.Findings && q.Category == "" {
		var cats []query.Query
		for _, c := range result.ViolationCategories {
			cats = append(cats, term("category", c))
		}
		bq = bleve.NewConjunctionQuery(bq, bleve.NewDisjunctionQuery(cats...))
	}
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	for _, name := range fields {
		field := name
		if name == "category" && docType == TypeCall {
			field = "categories"
		}
		req.AddFacet(name, bleve.NewFacetRequest(field, max(size, 1)))
	}
	sr, err := searchBleve(context.Background(), bi, req)
	if err == nil {
		err = errs.err()
	}
	if err != nil {
		return 0, nil, err
	}
	out := make(map[string][]FacetCount, len(fields))
	for _, name := range fields {
		counts := []FacetCount{}
		if f := sr.Facets[name]; f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		sort.SliceStable(counts, func(i, j int) bool {
			if counts[i].Count != counts[j].Count {
				return counts[i].Count > counts[j].Count
			}
			return counts[i].Value < counts[j].Value
		})
		out[name] = counts
	}
	return sr.Total, out, nil
}
