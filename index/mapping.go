package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Document types.
const (
	TypeCall    = "call"
	TypeFinding = "finding"
)

// newMapping describes both document types. Every field is indexed for
// filters and query-string searches, but a field is stored only when
// something reads it back (fieldUse), and keeps doc values only when
// something sorts or counts facets on it: the rest of a call is in its
// stored result. Keyword fields are for filters and facets, started_at is
// a date for ranges (and sort_at a keyword for sorting by date), score a
// number, and the Chinese text fields use callqa_zh. A finding's text
// and match keep term vectors (word positions) for phrases and
// highlights; a call's turns do not (they were 1.3 times the turn text,
// and reading them was most of a phrase search): its pairs field holds
// each two adjacent words of a turn as one term, phrases are looked up
// there (phraseQuery) and highlights marked from the query's words. There
// is no composite _all field (it indexed the turn texts a second time):
// query-string words without a field search the text fields instead
// (routeDefaultField).
func newMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzer(m); err != nil {
		return nil, err
	}
	m.TypeField = "type"
	m.DefaultAnalyzer = AnalyzerName
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()

	keywordField := func(u fieldUse) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Index = u&indexed != 0
		f.Store = u&stored != 0
		f.IncludeInAll = false
		f.DocValues = u&docValues != 0
		return f
	}
	textField := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store = true
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false // never sorted or faceted on
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dateField := func() *mapping.FieldMapping {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = false // the stored result and started_at_text hold it as written
		f.IncludeInAll = false
		f.DocValues = false // ranges use the terms; sorting uses sort_at
		return f
	}
	// sortField holds started_at as one fixed-width UTC keyword (sortKey)
	// for sorting by date: one doc value a document to read, where a date
	// field has sixteen (its prefix-coded precision steps); sorting on the
	// date field took half the time of a faceted search at 20,000 calls.
	sortField := func() *mapping.FieldMapping { return keywordField(indexed | docValues) }
	numberField := func(u fieldUse) *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = u&stored != 0
		f.IncludeInAll = false
		f.DocValues = u&docValues != 0
		return f
	}

	call := bleve.NewDocumentStaticMapping()
	for _, name := range sortedKeys(callKeywords) {
		call.AddFieldMappingsAt(name, keywordField(callKeywords[name]))
	}
	call.AddFieldMappingsAt("started_at", dateField())
	call.AddFieldMappingsAt("sort_at", sortField())
	call.AddFieldMappingsAt("score", numberField(indexed|docValues)) // sorted on; shown from the stored result
	turns := textField()
	turns.Store = false // in storedField, with the result and each turn's role and label
	turns.IncludeTermVectors = false
	call.AddFieldMappingsAt("turns", turns)
	pairs := textField()
	pairs.Analyzer = PairsAnalyzerName
	pairs.Store = false
	pairs.IncludeTermVectors = false
	call.AddFieldMappingsAt(pairsField, pairs)
	call.AddFieldMappingsAt(storedField, storedOnly())
	call.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.AddDocumentMapping(TypeCall, call)

	finding := bleve.NewDocumentStaticMapping()
	for _, name := range sortedKeys(findingKeywords) {
		finding.AddFieldMappingsAt(name, keywordField(findingKeywords[name]))
	}
	finding.AddFieldMappingsAt("started_at_text", storedOnly()) // as written, with its offset
	finding.AddFieldMappingsAt("review_reason", storedOnly())
	finding.AddFieldMappingsAt("turn", numberField(indexed|stored))
	finding.AddFieldMappingsAt("started_at", dateField())
	finding.AddFieldMappingsAt("sort_at", sortField())
	finding.AddFieldMappingsAt("match", textField())
	finding.AddFieldMappingsAt("text", textField())
	finding.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.AddDocumentMapping(TypeFinding, finding)
	return m, m.Validate()
}
