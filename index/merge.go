package index

import (
	"os"
	"strconv"
)

// maxSegmentDocs is the most documents (calls and findings) a merge of
// Bleve's segments produces. Bleve's default (5,000,000) merges the
// whole index into one segment as it grows, and a merge keeps the
// segments it reads mapped and touched: at 100,000 calls the last merges
// read the whole index, and the process peaked at 1.3 GB. Segments of at
// most this many documents keep a merge to tens of megabytes of files
// while leaving few segments to search (about one per 12,000 calls).
const maxSegmentDocs = 20000

// writerConfig is the runtime configuration of Bleve's scorch index for a
// writer: merges bounded by maxSegmentDocs (CALLQA_MAX_SEGMENT_DOCS
// overrides it, for measuring).
func writerConfig(cfg map[string]interface{}) map[string]interface{} {
	n := maxSegmentDocs
	if v, err := strconv.Atoi(os.Getenv("CALLQA_MAX_SEGMENT_DOCS")); err == nil && v > 0 {
		n = v
	}
	if cfg == nil {
		cfg = map[string]interface{}{}
	}
	cfg["scorchMergePlanOptions"] = map[string]interface{}{"MaxSegmentSize": n}
	return cfg
}
