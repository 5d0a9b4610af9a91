package index_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
)

// TestSegmenterLoadsOnlyForText: a search with filters only (the
// console's and the CLI's commonest) does not load the segmenter's
// dictionary, which cost a CLI search most of its time; a text query
// does, and finds its words. Each search runs in a new process, since the
// segmenter is loaded once per process.
func TestSegmenterLoadsOnlyForText(t *testing.T) {
	if dir := os.Getenv("CALLQA_LAZY_TEST_INDEX"); dir != "" {
		lazyChild(t, dir, os.Getenv("CALLQA_LAZY_TEST_QUERY"))
		return
	}
	dir := build(t, samples...)
	for _, tc := range []struct {
		name, query, want string
	}{
		{"filters only", "", "loaded=false total=2"},
		{"keyword field in query-string syntax", "team:M1-B", "loaded=false total=2"},
		{"free text", "坐牢", "loaded=true total=1"},
		{"text field in query-string syntax", "+turns:老赖", "loaded=true total=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSegmenterLoadsOnlyForText$")
			cmd.Env = append(os.Environ(), "CALLQA_LAZY_TEST_INDEX="+dir, "CALLQA_LAZY_TEST_QUERY="+tc.query)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			require.Contains(t, string(out), tc.want+"\n")
		})
	}
}

// lazyChild opens the index read-only, runs one search of M1-A or M1-B
// calls with the text query and prints what it found.
func lazyChild(t *testing.T, dir, text string) {
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ix.Close()
	q := index.Query{Team: "M1-B", Text: text}
	if text != "" && !strings.Contains(text, "team:") {
		q.Team = "M1-A"
	}
	res, err := index.Search(ix.Bleve(), q)
	require.NoError(t, err)
	fmt.Printf("loaded=%v total=%d\n", index.SegmenterLoaded(), res.Total)
}
