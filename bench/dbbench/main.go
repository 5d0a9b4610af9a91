// Command dbbench measures the two stores of analyzed calls side by side
// (issue 19): a Bleve index on disk and a PostgreSQL database (package
// pgindex). For each corpus size it reports the load rate (analysis
// excluded), the size on disk, the peak memory of the loading process and
// the latency of the same queries through index.Reader on both, and checks
// that both give the same totals.
//
//	go run ./bench/dbbench [-calls 100000,1000000] [-seed 1] [-backends bleve,pg]
//	    [-pg URL] [-dir DIR] [-reuse] [-keep] [-queries 200] [-json]
//
// For each size the calls are generated as `callqa gen --calls N --seed S`
// generates them and analyzed once, on every core, into a cache file of
// results with their transcripts (JSONL, under -dir); a later run with the
// same size, seed, generator options and rules reads the cache instead of
// analyzing again. Each backend is then loaded from the cache by a child
// process (so that its peak resident memory is that of the load alone):
// a Bleve folder through index.Open and Add, as `callqa index` does, and a
// fresh PostgreSQL database through pgindex.Open and Add. The database is
// created on the server -pg names (default: $CALLQA_TEST_PG) and dropped
// at the end, as is the Bleve folder, unless -keep. -reuse keeps a store
// an earlier run left (with -keep, or because it was killed): a complete
// one is queried without loading again (the load figures are those of the
// run that loaded it), an incomplete one is completed.
//
// The queries are drawn deterministically from the seed: filters with
// facets (category, team, agent, date range, pass), free text (words of
// the generated calls, in Simplified and in Traditional characters) and
// both at once. Every query is run once to warm up and to compare the
// backends' totals and first pages, then once timed.
//
// It prints a markdown table a size and a combined one on standard output
// (-json: the raw numbers as JSON instead), and progress on standard
// error, every 50,000 calls.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
)

// Backend names, as -backends takes them.
const (
	bleveName = "bleve"
	pgName    = "pg"
)

// progressEvery is how many calls go by between two progress lines.
const progressEvery = 50000

type config struct {
	sizes             []int
	seed              int64
	dir               string
	pg                string
	backends          []string
	reuse, keep, json bool
	queries, batch    int
	workers           int
	gen               synth.Options
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("dbbench: ")
	// The child that loads one backend (see load.go).
	if len(os.Args) > 1 && os.Args[1] == childArg {
		if err := runChild(os.Args[2:], os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	c, err := parseFlags(os.Args[1:])
	if err != nil {
		log.Fatal(err)
	}
	if err := run(c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	// A flag set of our own: a dependency defines flags on the global one.
	fs := flag.NewFlagSet("dbbench", flag.ExitOnError)
	sizes := fs.String("calls", "100000,1000000", "corpus sizes, comma-separated")
	fs.Int64Var(&c.seed, "seed", 1, "corpus seed (as callqa gen --seed)")
	defDir := filepath.Join(os.TempDir(), "callqa-dbbench")
	if d, err := os.UserCacheDir(); err == nil {
		defDir = filepath.Join(d, "callqa-dbbench")
	}
	fs.StringVar(&c.dir, "dir", defDir, "folder for the cache of analyzed calls, the Bleve indexes and the load records")
	fs.StringVar(&c.pg, "pg", os.Getenv("CALLQA_TEST_PG"), "PostgreSQL server URL (a database is created on it; default $CALLQA_TEST_PG)")
	backends := fs.String("backends", "bleve,pg", "backends to measure: bleve, pg or both")
	fs.BoolVar(&c.reuse, "reuse", false, "query a store an earlier run left instead of loading it again (an incomplete one is completed)")
	fs.BoolVar(&c.keep, "keep", false, "keep the Bleve folders and the PostgreSQL databases at the end")
	fs.BoolVar(&c.json, "json", false, "print the raw numbers as JSON instead of markdown tables")
	fs.IntVar(&c.queries, "queries", 200, "queries run on every backend")
	fs.IntVar(&c.batch, "batch", index.DefaultBatchSize, "calls per committed batch, both backends")
	fs.IntVar(&c.workers, "workers", runtime.NumCPU(), "analysis workers")
	fs.IntVar(&c.gen.MinTurns, "min-turns", 10, "fewest turns a call (callqa gen --min-turns)")
	fs.IntVar(&c.gen.MaxTurns, "max-turns", 60, "most turns a call (callqa gen --max-turns)")
	fs.Float64Var(&c.gen.ASR, "asr", 0.15, "share of calls in speech-recognition style (callqa gen --asr)")
	fs.Parse(args)
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(s, "_", "")))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-calls: %q is not a number of calls", s)
		}
		c.sizes = append(c.sizes, n)
	}
	for _, b := range strings.Split(*backends, ",") {
		switch b = strings.TrimSpace(b); b {
		case bleveName, pgName:
			c.backends = append(c.backends, b)
		default:
			return c, fmt.Errorf("-backends: unknown backend %q (want bleve, pg)", b)
		}
	}
	if c.has(pgName) && c.pg == "" {
		return c, fmt.Errorf("-backends pg: no server: give -pg postgres://user@host:port/db or set CALLQA_TEST_PG")
	}
	if c.queries < 1 || c.batch < 1 || c.workers < 1 {
		return c, fmt.Errorf("-queries, -batch and -workers must be at least 1")
	}
	if c.gen.MinTurns < 4 || c.gen.MaxTurns < c.gen.MinTurns+8 || c.gen.ASR < 0 || c.gen.ASR > 1 {
		return c, fmt.Errorf("-min-turns, -max-turns, -asr: as callqa gen takes them (min ≥ 4, max ≥ min + 8, asr 0 to 1)")
	}
	return c, nil
}

func (c config) has(backend string) bool {
	for _, b := range c.backends {
		if b == backend {
			return true
		}
	}
	return false
}

func run(c config, out io.Writer) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	rep := &report{
		Seed: c.seed, Backends: c.backends, Queries: c.queries, Batch: c.batch, Gen: c.gen,
		CPUs: runtime.NumCPU(), Go: runtime.Version(), Started: time.Now().Format(time.RFC3339),
	}
	if c.has(pgName) {
		v, err := serverVersion(c.pg)
		if err != nil {
			return err
		}
		rep.PostgreSQL = v
	}
	for _, n := range c.sizes {
		s, err := runSize(c, n)
		if err != nil {
			return err
		}
		rep.Sizes = append(rep.Sizes, s)
	}
	if c.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(out, rep)
	return nil
}

// runSize measures one corpus size on every backend.
func runSize(c config, n int) (*sizeReport, error) {
	s := &sizeReport{Calls: n}
	cache, err := ensureCache(c, n)
	if err != nil {
		return nil, err
	}
	s.Cache = cache
	qs, err := makeQueries(c, n)
	if err != nil {
		return nil, err
	}
	// The stores are removed once everything is measured (unless -keep);
	// after a failure they stay, for a rerun with -reuse.
	var cleanups []func()
	for _, b := range c.backends {
		st, err := newStore(c, b, n)
		if err != nil {
			return nil, err
		}
		br := &backendReport{Name: b, Store: st.describe()}
		if err := loadBackend(c, st, cache, n, br); err != nil {
			return nil, err
		}
		if !c.keep {
			cleanups = append(cleanups, func() {
				if err := st.remove(); err != nil {
					log.Printf("%s: removing the store: %v", b, err)
				}
			})
		}
		if err := st.size(br); err != nil {
			return nil, fmt.Errorf("%w (%s is kept: -reuse uses it)", err, st.describe())
		}
		if err := queryBackend(st, qs, br); err != nil {
			return nil, fmt.Errorf("%w (%s is kept: -reuse uses it)", err, st.describe())
		}
		s.Backends = append(s.Backends, br)
	}
	s.compare(qs)
	for _, f := range cleanups {
		f()
	}
	return s, nil
}
