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

// newMapping describes both document types. Keyword fields are for filters
// and facets, started_at is a date for ranges (and sort_at a keyword for
// sorting by date), score a number, and the Chinese text fields use
// callqa_zh with term vectors for highlights.
func newMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzer(m); err != nil {
		return nil, err
	}
	m.TypeField = "type"
	m.DefaultAnalyzer = AnalyzerName
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()

	keywordField := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	textField := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store = true
		f.IncludeTermVectors = true
		f.IncludeInAll = true
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
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false // ranges use the terms; sorting uses sort_at
		return f
	}
	// sortField holds started_at as one fixed-width UTC keyword (sortKey)
	// for sorting by date: one doc value a document to read, where a date
	// field has sixteen (its prefix-coded precision steps); sorting on the
	// date field took half the time of a faceted search at 20,000 calls.
	sortField := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	numberField := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = true
		f.IncludeInAll = false
		return f
	}

	call := bleve.NewDocumentStaticMapping()
	for _, name := range []string{"type", "call_id", "agent", "team", "kind", "party", "source", "categories", "tasks", "month", "day", "hash", "rules_version", "finding_ids", "pass", "needs_review", "has_candidates"} {
		call.AddFieldMappingsAt(name, keywordField())
	}
	call.AddFieldMappingsAt("started_at", dateField())
	call.AddFieldMappingsAt("sort_at", sortField())
	call.AddFieldMappingsAt("score", numberField())
	call.AddFieldMappingsAt("turns", textField())
	call.AddFieldMappingsAt("result", storedOnly())
	call.AddFieldMappingsAt("turn_roles", storedOnly()) // the role of each turn, for showing a call
	// The label each turn was written under and the party the transcript
	// gave, so that a call rebuilt from the index analyzes as it did.
	call.AddFieldMappingsAt("turn_labels", storedOnly())
	call.AddFieldMappingsAt("given_party", storedOnly())
	m.AddDocumentMapping(TypeCall, call)

	finding := bleve.NewDocumentStaticMapping()
	for _, name := range []string{"type", "call_id", "category", "severity", "rule", "speaker", "agent", "team", "party", "month", "day", "pack_version", "needs_review"} {
		finding.AddFieldMappingsAt(name, keywordField())
	}
	finding.AddFieldMappingsAt("started_at_text", storedOnly()) // as written, with its offset
	finding.AddFieldMappingsAt("review_reason", storedOnly())
	finding.AddFieldMappingsAt("turn", numberField())
	finding.AddFieldMappingsAt("started_at", dateField())
	finding.AddFieldMappingsAt("sort_at", sortField())
	finding.AddFieldMappingsAt("match", textField())
	finding.AddFieldMappingsAt("text", textField())
	m.AddDocumentMapping(TypeFinding, finding)
	return m, m.Validate()
}
