// Command indexbench measures the search index (issue 4) on a generated
// corpus: indexing throughput with and without the analysis, index size on
// disk, and search latency for filtered, faceted and free-text phrase
// queries, next to baselines measured in the same run.
//
//	go run ./bench/indexbench [-calls 20000] [-seed 1] [-dir DIR] [-runs 1]
//	go run ./bench/indexbench -http 20000,100000 [-dir DIR]   # search over HTTP (http.go)
//
// It prints a markdown table on standard output and progress on standard
// error. Without -dir the indexes go to a temporary folder that is removed
// at the end.
package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/textnorm"
)

type config struct {
	calls, queries, batch, workers, runs int
	seed                                 int64
	dir                                  string
	baselines, e2e                       bool
	cpuProfile, searchProfile, corpusOut string
	// cli measures callqa index (built, or bin) against plain Bleve + gse
	// (cliindex.go); gen generates calls as callqa gen does (10–60 turns).
	cli, gen bool
	bin, vs  string
}

func main() {
	var c config
	// A flag set of our own: a dependency defines flags on the global one.
	fs := flag.NewFlagSet("indexbench", flag.ExitOnError)
	fs.IntVar(&c.calls, "calls", 20000, "calls in the generated corpus")
	fs.Int64Var(&c.seed, "seed", 1, "corpus seed")
	fs.StringVar(&c.dir, "dir", "", "folder for the indexes (default: a temporary folder, removed)")
	fs.IntVar(&c.queries, "queries", 200, "timed queries of each kind")
	fs.IntVar(&c.batch, "batch", index.DefaultBatchSize, "calls per committed batch")
	fs.IntVar(&c.workers, "workers", 2, "analysis workers")
	fs.IntVar(&c.runs, "runs", 1, "repeat the measurements and report medians")
	fs.BoolVar(&c.baselines, "baselines", true, "measure the baselines")
	fs.BoolVar(&c.e2e, "e2e", true, "measure end to end indexing (analysis feeding the writer)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the indexing (analysis excluded) to `FILE`")
	fs.StringVar(&c.searchProfile, "searchprofile", "", "write a CPU profile of the searches to `FILE`")
	fs.StringVar(&c.corpusOut, "corpus", "", "also write the generated corpus as JSONL to `FILE`")
	addHTTPFlags(fs)
	fs.BoolVar(&c.cli, "cli", true, "measure `callqa index` as a child process against plain Bleve + gse")
	fs.StringVar(&c.bin, "bin", "", "callqa binary for -cli (default: go build ./cmd/callqa)")
	fs.StringVar(&c.vs, "vs", "", "with -cli, also run `callqa index` of this older binary on the same corpus (before/after in one run)")
	fs.BoolVar(&c.gen, "gen", false, "generate calls as callqa gen does (10–60 turns a call, 15% speech-recognition style)")
	fs.Parse(os.Args[1:])
	log.SetFlags(0)
	log.SetPrefix("indexbench: ")
	runner := run
	if httpSizes != "" {
		runner = runHTTP
	}
	if err := runner(c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// metric is one row of the table: a value per run.
type metric struct {
	name   string
	format string
	vals   []float64
}

type table struct {
	rows  []*metric
	byKey map[string]*metric
}

func (t *table) add(name, format string, v float64) {
	if t.byKey == nil {
		t.byKey = map[string]*metric{}
	}
	m, ok := t.byKey[name]
	if !ok {
		m = &metric{name: name, format: format}
		t.byKey[name] = m
		t.rows = append(t.rows, m)
	}
	m.vals = append(m.vals, v)
}

func (t *table) median(name string) float64 {
	m := t.byKey[name]
	if m == nil {
		return math.NaN()
	}
	return median(m.vals)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	if len(s) == 0 {
		return math.NaN()
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Row names.
const (
	rGen        = "generate corpus, s"
	rIndexCPU   = "index, analysis excluded: CPU time (user + sys), ms/call"
	rAnalyze    = "analysis, %d workers, calls/s"
	rIndex      = "**index, analysis excluded, calls/s**"
	rE2E        = "index end to end (analysis %d workers → one writer), calls/s"
	rSize       = "index size on disk, KB/call"
	rDocs       = "documents (calls + findings)"
	rBaseStd    = "baseline: Bleve, `standard` analyzer, one doc per call (turns), calls/s"
	rBaseZh     = "baseline: Bleve, `callqa_zh` analyzer, one doc per call (turns), calls/s"
	rBaseTok    = "baseline: callqa_zh tokenizer alone, 1 goroutine, calls/s"
	rRatioStd   = "ratio index / `standard` baseline"
	rRatioZh    = "ratio index / `callqa_zh` baseline"
	rFiltered50 = "**filtered** (category + team + date range) p50, ms"
	rFiltered99 = "**filtered** p99, ms"
	rFaceted50  = "**faceted** (category, 4 facets) p50, ms"
	rFaceted99  = "**faceted** p99, ms"
	rPhrase50   = "**free-text phrase** (two words) p50, ms"
	rPhrase99   = "**free-text phrase** p99, ms"
	rHitsF      = "filtered: mean total hits"
	rHitsC      = "faceted: mean total hits"
	rHitsP      = "phrase: mean total hits"
)

func run(c config, out io.Writer) error {
	root := c.dir
	if root == "" {
		d, err := os.MkdirTemp("", "indexbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		root = d
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	var t table
	var st corpusStats
	for i := 1; i <= c.runs; i++ {
		log.Printf("run %d of %d", i, c.runs)
		s, err := runOnce(c, filepath.Join(root, fmt.Sprintf("run%d", i)), i == 1, &t)
		if err != nil {
			return err
		}
		st = s
	}
	printReport(out, c, st, &t)
	return nil
}

type corpusStats struct {
	calls, turns, bytes, runes         int
	violating, thirdParty, traditional int
	byCategory                         map[string]int
	startup                            float64
}

// st0 keeps what only the first run measures.
var st0 corpusStats

func runOnce(c config, dir string, first bool, t *table) (corpusStats, error) {
	if err := os.RemoveAll(dir); err != nil {
		return corpusStats{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return corpusStats{}, err
	}

	start := time.Now()
	calls := generate(c)
	t.add(rGen, "%.2f", time.Since(start).Seconds())
	if first && c.corpusOut != "" {
		f, err := os.Create(c.corpusOut)
		if err != nil {
			return corpusStats{}, err
		}
		if err := synth.WriteJSONL(f, calls); err != nil {
			return corpusStats{}, err
		}
		if err := f.Close(); err != nil {
			return corpusStats{}, err
		}
	}

	start = time.Now()
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		return corpusStats{}, err
	}
	a, err := analyzer.New(set, analyzer.Options{})
	if err != nil {
		return corpusStats{}, err
	}
	version := index.RulesVersion(set)
	// Load the index tokenizer's segmenter too (shared with the analyzer
	// when the word lists agree), so no timed phase pays for it.
	words, err := analyzer.NewWordTokenizer(set.Words)
	if err != nil {
		return corpusStats{}, err
	}
	words.Words("预热")
	if first {
		st0.startup = time.Since(start).Seconds()
	}

	// Analysis alone.
	log.Printf("analyzing %d calls with %d workers", len(calls), c.workers)
	runtime.GC()
	start = time.Now()
	results := analyzeAll(a, calls, c.workers)
	t.add(fmt.Sprintf(rAnalyze, c.workers), "%.0f", float64(len(calls))/time.Since(start).Seconds())
	st := stats(calls, results)
	st.startup = st0.startup

	// Indexing, analysis excluded.
	log.Printf("indexing")
	mainDir := filepath.Join(dir, "calls.bleve")
	runtime.GC()
	var prof *os.File
	if first && c.cpuProfile != "" {
		if prof, err = os.Create(c.cpuProfile); err != nil {
			return st, err
		}
		if err := pprof.StartCPUProfile(prof); err != nil {
			return st, err
		}
	}
	start, cpu0 := time.Now(), cpuTime()
	ix, err := index.Open(mainDir, index.Options{BatchSize: c.batch})
	if err != nil {
		return st, err
	}
	for _, r := range results {
		if _, err := ix.Add(r, version); err != nil {
			return st, err
		}
	}
	if err := ix.Close(); err != nil {
		return st, err
	}
	indexRate := float64(len(calls)) / time.Since(start).Seconds()
	indexCPU := (cpuTime() - cpu0).Seconds() * 1000 / float64(len(calls))
	if prof != nil {
		pprof.StopCPUProfile()
		prof.Close()
	}
	if ix.Counts.Added != len(calls) {
		return st, fmt.Errorf("indexed %d calls, want %d (%+v)", ix.Counts.Added, len(calls), ix.Counts)
	}
	t.add(rIndex, "%.0f", indexRate)
	t.add(rIndexCPU, "%.3f", indexCPU)
	size, err := dirSize(mainDir)
	if err != nil {
		return st, err
	}
	t.add(rSize, "%.2f", float64(size)/1024/float64(len(calls)))

	// End to end: analysis workers feeding the single writer, as callqa
	// index does.
	if c.e2e {
		log.Printf("indexing end to end")
		runtime.GC()
		start = time.Now()
		if err := endToEnd(a, calls, c, version, filepath.Join(dir, "e2e.bleve")); err != nil {
			return st, err
		}
		t.add(fmt.Sprintf(rE2E, c.workers), "%.0f", float64(len(calls))/time.Since(start).Seconds())
		os.RemoveAll(filepath.Join(dir, "e2e.bleve"))
	}

	if c.baselines {
		log.Printf("baselines")
		std, err := baselineBleve(calls, filepath.Join(dir, "std.bleve"), "standard", c.batch)
		if err != nil {
			return st, err
		}
		t.add(rBaseStd, "%.0f", std)
		zh, err := baselineBleve(calls, filepath.Join(dir, "zh.bleve"), index.AnalyzerName, c.batch)
		if err != nil {
			return st, err
		}
		t.add(rBaseZh, "%.0f", zh)
		t.add(rBaseTok, "%.0f", baselineTokenizer(words, calls))
		t.add(rRatioStd, "%.2f", indexRate/std)
		t.add(rRatioZh, "%.2f", indexRate/zh)
	}
	if c.cli {
		if err := measureCLI(c, calls, dir, st.bytes, t); err != nil {
			return st, err
		}
	}

	// Searches on the index built above, opened read-only as callqa
	// search does.
	log.Printf("searching")
	ro, err := index.Open(mainDir, index.Options{ReadOnly: true})
	if err != nil {
		return st, err
	}
	defer ro.Close()
	n, err := ro.Bleve().DocCount()
	if err != nil {
		return st, err
	}
	t.add(rDocs, "%.0f", float64(n))
	if first && c.searchProfile != "" {
		if prof, err = os.Create(c.searchProfile); err != nil {
			return st, err
		}
		if err := pprof.StartCPUProfile(prof); err != nil {
			return st, err
		}
		defer func() { pprof.StopCPUProfile(); prof.Close() }()
	}
	qs := makeQueries(calls, words, c.queries, c.seed)
	for _, k := range []struct {
		qs              []index.Query
		p50, p99, total string
	}{
		{qs.filtered, rFiltered50, rFiltered99, rHitsF},
		{qs.faceted, rFaceted50, rFaceted99, rHitsC},
		{qs.phrase, rPhrase50, rPhrase99, rHitsP},
	} {
		lat, hits, err := measure(ro.Bleve(), k.qs)
		if err != nil {
			return st, err
		}
		t.add(k.p50, "%.2f", percentile(lat, 0.50))
		t.add(k.p99, "%.2f", percentile(lat, 0.99))
		t.add(k.total, "%.0f", hits)
	}
	return st, nil
}

// analyzeAll analyzes calls with n workers, results in input order.
func analyzeAll(a *analyzer.Analyzer, calls []*corpus.Call, n int) []*result.Result {
	out := make([]*result.Result, len(calls))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(calls) {
					return
				}
				out[i] = a.Analyze(calls[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// endToEnd analyzes with c.workers goroutines feeding one writer in input
// order, with a bounded window, like the scan pipeline of callqa index.
func endToEnd(a *analyzer.Analyzer, calls []*corpus.Call, c config, version, dir string) error {
	ix, err := index.Open(dir, index.Options{BatchSize: c.batch})
	if err != nil {
		return err
	}
	workers := max(c.workers, 1)
	slots := make([]chan *result.Result, len(calls))
	for i := range slots {
		slots[i] = make(chan *result.Result, 1)
	}
	window := make(chan struct{}, 8*workers)
	jobs := make(chan int)
	go func() {
		for i := range calls {
			window <- struct{}{}
			jobs <- i
		}
		close(jobs)
	}()
	for range workers {
		go func() {
			for i := range jobs {
				slots[i] <- a.Analyze(calls[i])
			}
		}()
	}
	for i := range calls {
		r := <-slots[i]
		<-window
		if _, err := ix.Add(r, version); err != nil {
			ix.Close()
			return err
		}
	}
	return ix.Close()
}

// baselineBleve indexes one document per call holding its turn texts with
// the named analyzer, in batches, with Bleve's defaults otherwise (stored,
// term vectors): plain Bleve on the same text.
func baselineBleve(calls []*corpus.Call, dir, analyzerName string, batch int) (float64, error) {
	m := bleve.NewIndexMapping()
	if analyzerName == index.AnalyzerName {
		if err := m.AddCustomAnalyzer(index.AnalyzerName, map[string]interface{}{
			"type": "custom", "tokenizer": index.TokenizerName,
		}); err != nil {
			return 0, err
		}
	}
	m.DefaultAnalyzer = analyzerName
	runtime.GC()
	start := time.Now()
	bi, err := bleve.New(dir, m)
	if err != nil {
		return 0, err
	}
	b := bi.NewBatch()
	for _, c := range calls {
		turns := make([]string, len(c.Turns))
		for i, t := range c.Turns {
			turns[i] = t.Text
		}
		if err := b.Index(c.ID, map[string]interface{}{"turns": turns}); err != nil {
			return 0, err
		}
		if b.Size() >= batch {
			if err := bi.Batch(b); err != nil {
				return 0, err
			}
			b = bi.NewBatch()
		}
	}
	if err := bi.Batch(b); err != nil {
		return 0, err
	}
	if err := bi.Close(); err != nil {
		return 0, err
	}
	rate := float64(len(calls)) / time.Since(start).Seconds()
	return rate, os.RemoveAll(dir)
}

// baselineTokenizer runs the index's tokenizer over every turn on one
// goroutine.
func baselineTokenizer(w *analyzer.WordTokenizer, calls []*corpus.Call) float64 {
	runtime.GC()
	start := time.Now()
	for _, c := range calls {
		for _, t := range c.Turns {
			w.Words(t.Text)
		}
	}
	return float64(len(calls)) / time.Since(start).Seconds()
}

type querySet struct{ filtered, faceted, phrase []index.Query }

// makeQueries draws n queries of each kind, deterministically.
func makeQueries(calls []*corpus.Call, w *analyzer.WordTokenizer, n int, seed int64) querySet {
	r := rand.New(rand.NewPCG(uint64(seed), 42))
	cats := result.ViolationCategories
	var qs querySet
	end := synth.Start.AddDate(1, 0, 0)
	for range n {
		from := synth.Start.AddDate(0, 0, r.IntN(330))
		to := from.AddDate(0, 0, 7+r.IntN(60))
		if to.After(end) {
			to = end
		}
		qs.filtered = append(qs.filtered, index.Query{
			Category: cats[r.IntN(len(cats))], Team: synth.Teams[r.IntN(len(synth.Teams))],
			From: from, To: to,
		})
		qs.faceted = append(qs.faceted, index.Query{Category: cats[r.IntN(len(cats))]})
	}
	for len(qs.phrase) < n {
		c := calls[r.IntN(len(calls))]
		text := c.Turns[r.IntN(len(c.Turns))].Text
		ws := w.Words(text)
		if len(ws) < 2 {
			continue
		}
		i := r.IntN(len(ws) - 1)
		if !han(ws[i].Term) || !han(ws[i+1].Term) {
			continue
		}
		phrase := text[ws[i].Start:ws[i+1].End]
		if strings.ContainsAny(phrase, ":+-\"*~^ \t，。？！、") {
			continue
		}
		qs.phrase = append(qs.phrase, index.Query{Text: phrase})
	}
	return qs
}

func han(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// measure runs every query once untimed (warm-up) and once timed, and
// returns the latencies in ms and the mean total of hits.
func measure(bi bleve.Index, qs []index.Query) ([]float64, float64, error) {
	for _, q := range qs[:min(len(qs), 20)] {
		if _, err := index.Search(bi, q); err != nil {
			return nil, 0, err
		}
	}
	lat := make([]float64, 0, len(qs))
	total := 0.0
	for _, q := range qs {
		start := time.Now()
		res, err := index.Search(bi, q)
		if err != nil {
			return nil, 0, fmt.Errorf("%+v: %w", q, err)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		total += float64(res.Total)
	}
	return lat, total / float64(len(qs)), nil
}

// percentile is the nearest-rank percentile p (0–1) of v.
func percentile(v []float64, p float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	k := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}

// cpuTime is the user + system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n += fi.Size()
		return nil
	})
	return n, err
}

func stats(calls []*corpus.Call, results []*result.Result) corpusStats {
	st := corpusStats{calls: len(calls), byCategory: map[string]int{}}
	for i, c := range calls {
		for _, t := range c.Turns {
			st.turns++
			st.bytes += len(t.Text)
			st.runes += len([]rune(t.Text))
		}
		if textnorm.ToSimplified(c.Turns[0].Text) != c.Turns[0].Text {
			st.traditional++
		}
		res := results[i]
		if res.Party == "third_party" {
			st.thirdParty++
		}
		seen := map[string]bool{}
		for _, f := range res.Violations() {
			if !seen[f.Category] {
				seen[f.Category] = true
				st.byCategory[f.Category]++
			}
		}
		if len(seen) > 0 {
			st.violating++
		}
	}
	return st
}

func printReport(w io.Writer, c config, st corpusStats, t *table) {
	fmt.Fprintf(w, "indexbench: %d calls, seed %d, batch %d, %d runs; %d CPUs (GOMAXPROCS %d), %s %s/%s\n\n",
		c.calls, c.seed, c.batch, c.runs, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	pct := func(n int) string { return fmt.Sprintf("%d (%.0f%%)", n, 100*float64(n)/float64(st.calls)) }
	fmt.Fprintf(w, "Corpus: %d calls, %d turns (%.1f a call, %.1f characters a turn), %.2f MB of turn text; "+
		"calls with a violation (analyzer): %s — insult %d, threat %d, false_legal_claim %d, third_party_disclosure %d; "+
		"third-party calls: %s; Traditional: %s. Analyzer start-up (dictionary + packs, once): %.2f s.\n\n",
		st.calls, st.turns, float64(st.turns)/float64(st.calls), float64(st.runes)/float64(st.turns), float64(st.bytes)/1e6,
		pct(st.violating), st.byCategory[result.CategoryInsult], st.byCategory[result.CategoryThreat],
		st.byCategory[result.CategoryFalseLegal], st.byCategory[result.CategoryDisclosure],
		pct(st.thirdParty), pct(st.traditional), st.startup)

	fmt.Fprint(w, "| measure |")
	for i := 1; i <= c.runs; i++ {
		fmt.Fprintf(w, " run %d |", i)
	}
	if c.runs > 1 {
		fmt.Fprint(w, " median |")
	}
	fmt.Fprint(w, "\n|---|")
	for i := 0; i < c.runs; i++ {
		fmt.Fprint(w, "---:|")
	}
	if c.runs > 1 {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, m := range t.rows {
		fmt.Fprintf(w, "| %s |", m.name)
		for _, v := range m.vals {
			fmt.Fprintf(w, " "+m.format+" |", v)
		}
		if c.runs > 1 {
			fmt.Fprintf(w, " "+m.format+" |", median(m.vals))
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w)
	check := func(name string, ok bool, got string) {
		mark := "met"
		if !ok {
			mark = "**missed**"
		}
		fmt.Fprintf(w, "- %s: %s (%s)\n", name, mark, got)
	}
	fmt.Fprintf(w, "Targets (issue 4, stated for 20,000 calls; this run: %d calls, medians of %d runs):\n", c.calls, c.runs)
	ir := t.median(rIndex)
	check("indexing ≥ 1,000 calls/s", ir >= 1000, fmt.Sprintf("%.0f calls/s", ir))
	f, fc, p := t.median(rFiltered99), t.median(rFaceted99), t.median(rPhrase99)
	check("filtered p99 < 25 ms", f < 25, fmt.Sprintf("%.2f ms", f))
	check("faceted p99 < 25 ms", fc < 25, fmt.Sprintf("%.2f ms", fc))
	check("free-text phrase p99 < 100 ms", p < 100, fmt.Sprintf("%.2f ms", p))
}
