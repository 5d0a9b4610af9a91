package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// RulesVersionOf returns the rules version a call was analyzed with when
// it was indexed (RulesVersion of the packs); an id the index does not
// hold gives an error wrapping ErrNotFound.
func RulesVersionOf(bi bleve.Index, callID string) (string, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{CallDocID(callID)}), 1, 0, false)
	req.Fields = []string{"rules_version"}
	sr, err := bi.Search(req)
	if err != nil {
		return "", err
	}
	if len(sr.Hits) == 0 {
		return "", fmt.Errorf("%s: %w", callID, ErrNotFound)
	}
	v, _ := sr.Hits[0].Fields["rules_version"].(string)
	return v, nil
}
