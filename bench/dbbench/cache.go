package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// cached is one line of the cache: a result as scan --format jsonl
// prints it, with the analyzed call and the rules version beside it (the
// fields `scan --with-call` adds), which is what a store needs to load it.
type cached struct {
	*result.Result
	Call         *corpus.Call `json:"call"`
	RulesVersion string       `json:"rules_version"`
}

// cacheReport says where the analyzed calls of a size came from.
type cacheReport struct {
	Path         string  `json:"path"`
	Reused       bool    `json:"reused"`
	Bytes        int64   `json:"bytes"`
	RulesVersion string  `json:"rules_version"`
	AnalysisSecs float64 `json:"analysis_seconds,omitempty"`
	AnalysisRate float64 `json:"analysis_calls_per_second,omitempty"`
	Workers      int     `json:"workers,omitempty"`
}

// rulesVersion is the version of the built-in rules, which the cache
// file's name carries so that a change of rules analyzes again.
func rulesVersion() (*lexicon.Set, string, error) {
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		return nil, "", err
	}
	return set, index.RulesVersion(set), nil
}

// cachePath names the cache of n calls: everything that changes the
// results is in the name.
func cachePath(c config, n int, version string) string {
	h := sha256.Sum256([]byte(version))
	return filepath.Join(c.dir, fmt.Sprintf("results-n%d-seed%d-turns%d-%d-asr%g-rules%s.jsonl",
		n, c.seed, c.gen.MinTurns, c.gen.MaxTurns, c.gen.ASR, hex.EncodeToString(h[:4])))
}

// ensureCache returns the cache of n analyzed calls, analyzing them when
// no complete cache is there. The file is written under a temporary name
// and renamed when complete, so a killed run leaves no half cache behind.
func ensureCache(c config, n int) (*cacheReport, error) {
	set, version, err := rulesVersion()
	if err != nil {
		return nil, err
	}
	path := cachePath(c, n, version)
	rep := &cacheReport{Path: path, RulesVersion: version}
	if fi, err := os.Stat(path); err == nil {
		log.Printf("%d calls: reusing the analyzed calls in %s", n, path)
		rep.Reused, rep.Bytes = true, fi.Size()
		return rep, nil
	}
	a, err := analyzer.New(set, analyzer.Options{})
	if err != nil {
		return nil, err
	}
	tmp := path + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	w := bufio.NewWriterSize(f, 1<<20)
	log.Printf("%d calls: generating and analyzing with %d workers into %s", n, c.workers, path)
	start := time.Now()
	if err := analyzeInto(w, a, synth.NewGenerator(c.seed, c.gen), n, c.workers, version); err != nil {
		f.Close()
		return nil, err
	}
	secs := time.Since(start).Seconds()
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	rep.Bytes, rep.AnalysisSecs, rep.AnalysisRate, rep.Workers = fi.Size(), secs, float64(n)/secs, c.workers
	log.Printf("%d calls: analyzed in %.0f s (%.0f calls/s)", n, secs, rep.AnalysisRate)
	return rep, nil
}

// analyzeInto generates calls 0..n-1, analyzes them on workers goroutines
// and writes them to w in order, one JSON line each. At most a window of
// calls is in flight, so memory does not grow with n.
func analyzeInto(w io.Writer, a *analyzer.Analyzer, g *synth.Generator, n, workers int, version string) error {
	type line struct {
		i   int
		b   []byte
		err error
	}
	window := make(chan struct{}, 64*workers)
	jobs := make(chan int)
	lines := make(chan line, 64*workers)
	go func() {
		for i := range n {
			window <- struct{}{}
			jobs <- i
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				call := g.Call(i)
				b, err := json.Marshal(cached{Result: a.Analyze(call), Call: call, RulesVersion: version})
				if err != nil {
					err = fmt.Errorf("call %s: %w", call.ID, err)
				}
				lines <- line{i, append(b, '\n'), err}
			}
		}()
	}
	go func() { wg.Wait(); close(lines) }()
	pending := map[int][]byte{}
	next := 0
	start := time.Now()
	for l := range lines {
		if l.err != nil {
			return l.err // the process ends: the goroutines with it
		}
		pending[l.i] = l.b
		for b, ok := pending[next]; ok; b, ok = pending[next] {
			if _, err := w.Write(b); err != nil {
				return err
			}
			delete(pending, next)
			<-window
			next++
			if next%progressEvery == 0 {
				log.Printf("analyzed %d of %d calls (%.0f calls/s)", next, n, float64(next)/time.Since(start).Seconds())
			}
		}
	}
	if next != n {
		return fmt.Errorf("analyzed %d calls of %d", next, n)
	}
	return nil
}

// readCache calls fn with each result of the cache file in order, its
// call attached, streaming: one line in memory at a time.
func readCache(path string, fn func(res *result.Result, rulesVersion string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for n := 1; ; n++ {
		b, err := r.ReadBytes('\n')
		if len(b) > 0 {
			c := cached{Result: new(result.Result)}
			if jerr := json.Unmarshal(b, &c); jerr != nil {
				return fmt.Errorf("%s:%d: %w", path, n, jerr)
			}
			if c.Call == nil {
				return fmt.Errorf("%s:%d: no call transcript", path, n)
			}
			c.Result.Call = c.Call
			if ferr := fn(c.Result, c.RulesVersion); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
