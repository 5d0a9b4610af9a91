package index

import (
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// textFields are the text fields of a document type: where free text and
// query-string words without a field are searched.
func textFields(docType string) []string {
	if docType == TypeFinding {
		return []string{"text", "match"}
	}
	return []string{"turns"}
}

// routeDefaultField makes every query of the tree q that names no field
// (or _all) search fields instead: the field itself when there is one, a
// disjunction over them otherwise, word by word, so that `+坐牢 -骗子`
// keeps its meaning (a finding matches 坐牢 in its text or its match, and
// 骗子 in neither). The index keeps no composite _all field (mapping.go);
// an index built with one answers the same, since _all held exactly these
// fields. Compound queries are changed in place, so that a query-string
// query keeps its own boolean semantics.
func routeDefaultField(q query.Query, fields []string) (query.Query, error) {
	switch x := q.(type) {
	case *query.BooleanQuery:
		for _, c := range []*query.Query{&x.Must, &x.Should, &x.MustNot, &x.Filter} {
			if *c == nil {
				continue
			}
			r, err := routeDefaultField(*c, fields)
			if err != nil {
				return nil, err
			}
			*c = r
		}
		return x, nil
	case *query.ConjunctionQuery:
		return x, routeEach(x.Conjuncts, fields)
	case *query.DisjunctionQuery:
		return x, routeEach(x.Disjuncts, fields)
	case query.FieldableQuery:
		if f := x.Field(); f != "" && f != "_all" {
			return x, nil
		}
		if len(fields) == 1 {
			x.SetField(fields[0])
			return x, nil
		}
		b, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		alts := make([]query.Query, 0, len(fields))
		for _, f := range fields {
			c, err := query.ParseQuery(b)
			if err != nil {
				return nil, err
			}
			fq, ok := c.(query.FieldableQuery)
			if !ok {
				return nil, fmt.Errorf("query %s: a copy of it takes no field", b)
			}
			fq.SetField(f)
			alts = append(alts, fq)
		}
		return bleve.NewDisjunctionQuery(alts...), nil
	}
	return q, nil
}

func routeEach(qs []query.Query, fields []string) error {
	for i, c := range qs {
		r, err := routeDefaultField(c, fields)
		if err != nil {
			return err
		}
		qs[i] = r
	}
	return nil
}
