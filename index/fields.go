package index

import "sort"

// fieldUse says what the index keeps of a keyword field.
type fieldUse uint8

const (
	// indexed: the field's terms, for filters and query-string searches.
	indexed fieldUse = 1 << iota
	// stored: the value, for a reader that loads it (Search, Call,
	// RulesVersionOf, Add's look-up of what is stored).
	stored
	// docValues: the value per document, for sorting and facets (Search,
	// Count, Stats).
	docValues
)

// callKeywords are the keyword fields of a call document and what each is
// for. The stored result holds the call's metadata, so only the fields
// that are not in it (hash, rules_version, finding_ids: read by Add and
// RulesVersionOf) are stored; facets are category (categories), team,
// agent, party, pass, month and day.
var callKeywords = map[string]fieldUse{
	"type": indexed, "call_id": indexed, "kind": indexed, "source": indexed,
	"tasks": indexed, "needs_review": indexed, "has_candidates": indexed,
	"agent": indexed | docValues, "team": indexed | docValues, "party": indexed | docValues,
	"categories": indexed | docValues, "pass": indexed | docValues,
	"month": indexed | docValues, "day": indexed | docValues,
	"hash": stored, "rules_version": indexed | stored, "finding_ids": stored,
}

// findingKeywords are the keyword fields of a finding document and what
// each is for: a finding hit is made of its stored fields (findingHit),
// and Count's facets for findings are category, rule, severity, team,
// agent, party, month and day.
var findingKeywords = map[string]fieldUse{
	"type": indexed, "speaker": indexed, "pack_version": indexed,
	"call_id": indexed | stored, "needs_review": indexed | stored,
	"category": indexed | stored | docValues, "severity": indexed | stored | docValues,
	"rule": indexed | stored | docValues, "agent": indexed | stored | docValues,
	"team": indexed | stored | docValues, "party": indexed | docValues,
	"month": indexed | docValues, "day": indexed | docValues,
}

func sortedKeys(m map[string]fieldUse) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
