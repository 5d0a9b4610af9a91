package analyzer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-ego/gse"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/similar"
)

// benchCalls reads the sample calls under testdata/calls: a small fixed
// corpus, so the benchmark is reproducible on any checkout.
func benchCalls(b *testing.B) ([]*corpus.Call, int) {
	b.Helper()
	var calls []*corpus.Call
	corpus.ReadPaths([]string{filepath.Join("..", "testdata", "calls")}, nil, func(it corpus.Item) {
		if it.Err != nil {
			b.Fatal(it.Err)
		}
		calls = append(calls, it.Call)
	})
	bytes := 0
	for _, c := range calls {
		for _, t := range c.Turns {
			bytes += len(t.Text)
		}
	}
	return calls, bytes
}

// BenchmarkAnalyze measures the whole analysis of the sample calls, with
// scan's default options (no --explain); CALLQA_BENCH_SIMILAR=1 turns the
// similar-sentence pass on, as scan has it by default. Compare it with
// BenchmarkSegmentBaseline from the same run: the ratio says what the
// rules cost on top of segmentation, whatever the machine.
func BenchmarkAnalyze(b *testing.B) {
	a := benchAnalyzer(b)
	if os.Getenv("CALLQA_BENCH_SIMILAR") != "" {
		a.UseSimilar(similar.New(a.ViolationExamples()), 0)
	}
	calls, n := benchCalls(b)
	b.SetBytes(int64(n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range calls {
			a.Analyze(c)
		}
	}
	b.ReportMetric(float64(len(calls)*b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkSegmentBaseline is the floor: gse's Segment over the same turn
// texts, with nothing else.
func BenchmarkSegmentBaseline(b *testing.B) {
	seg, err := gse.NewEmbed("zh_s")
	if err != nil {
		b.Fatal(err)
	}
	calls, n := benchCalls(b)
	b.SetBytes(int64(n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range calls {
			for _, t := range c.Turns {
				seg.Segment([]byte(t.Text))
			}
		}
	}
	b.ReportMetric(float64(len(calls)*b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkAnalyzeGenerated measures the analysis of 400 calls from the
// generator scanbench uses (seed 1, 10–60 turns, 15% in speech-recognition
// style, 16% Traditional): longer and more varied calls than the samples.
func BenchmarkAnalyzeGenerated(b *testing.B) {
	a := benchAnalyzer(b)
	g := synth.NewGenerator(1, synth.Options{MinTurns: 10, MaxTurns: 60, ASR: 0.15})
	var calls []*corpus.Call
	n := 0
	for i := range 400 {
		c := g.Call(i)
		for _, t := range c.Turns {
			n += len(t.Text)
		}
		calls = append(calls, c)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range calls {
			a.Analyze(c)
		}
	}
}

// benchAnalyzer returns an analyzer of the built-in packs with scan's
// default options.
func benchAnalyzer(b *testing.B) *analyzer.Analyzer {
	b.Helper()
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		b.Fatal(err)
	}
	a, err := analyzer.New(set, analyzer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return a
}
