// Package backendtest is the test suite every store of results runs: the
// Bleve index (package index) and PostgreSQL (package pgindex) must give
// the same answers to the same questions.
//
// Load analyzes the sample calls (testdata/calls) and the dev set's calls
// (when the shared folder is there), Queries is the table of questions,
// Compare asks two index.Readers every one of them and reports where they
// differ, and Check asks one Reader questions whose answers it works out
// from the results themselves.
package backendtest

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/specdata"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/similar"
)

// The analyzer loads the segmenter's dictionary (about a second), so a
// test binary builds it once.
var (
	once    sync.Once
	engine  *analyzer.Analyzer
	version string
	loadErr error
)

// Analyzer returns the built-in rules' analyzer, with the similar-sentence
// pass on (so that some calls have candidates), and the rules version.
func Analyzer(t testing.TB) (*analyzer.Analyzer, string) {
	t.Helper()
	once.Do(func() {
		var set *lexicon.Set
		if set, loadErr = lexicon.LoadSet(nil); loadErr != nil {
			return
		}
		if engine, loadErr = analyzer.New(set, analyzer.Options{}); loadErr != nil {
			return
		}
		engine.UseSimilar(similar.New(engine.ViolationExamples()), similar.DefaultThreshold)
		version = index.RulesVersion(set)
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return engine, version
}

// analyzeDir reads and analyzes every call under dir.
func analyzeDir(t testing.TB, dir string) []*result.Result {
	t.Helper()
	an, _ := Analyzer(t)
	var out []*result.Result
	corpus.ReadPaths([]string{dir}, nil, func(it corpus.Item) {
		if it.Err != nil {
			t.Fatalf("reading %s: %v", dir, it.Err)
		}
		out = append(out, an.Analyze(it.Call))
	})
	if len(out) == 0 {
		t.Fatalf("no calls in %s", dir)
	}
	return out
}

// Sample returns the analyzed sample calls (testdata/calls).
func Sample(t testing.TB) []*result.Result {
	t.Helper()
	root, err := specdata.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return analyzeDir(t, filepath.Join(root, "testdata", "calls"))
}

// Dev returns the analyzed dev-set calls, or ends t with a skip that says
// where it looked (a failure with CALLQA_REQUIRE_DATA=1) when the shared
// folder is not there.
func Dev(t testing.TB) []*result.Result {
	t.Helper()
	return analyzeDir(t, specdata.DevSet(t))
}

// Store adds the results to w with the analyzer's rules version and
// closes it.
func Store(t testing.TB, w index.Writer, results []*result.Result) {
	t.Helper()
	_, v := Analyzer(t)
	for _, r := range results {
		if _, err := w.Add(r, v); err != nil {
			t.Fatalf("storing %s: %v", r.CallID, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
