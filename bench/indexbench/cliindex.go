package main

// The issue 20 measurements: `callqa index` itself, run as a child
// process on the corpus written as JSONL (reading, analysis and indexing,
// end to end, with its own peak RSS), against a plain Bleve + gse indexer
// of the same documents in the same run.

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/procmem"
	"github.com/callqa/callqa/internal/synth"
)

// Row names of the issue 20 measurements.
const (
	rCLI         = "**`callqa index`** (child process: read, analyze, index), calls/s"
	rCLICPU      = "`callqa index` CPU time (user + sys), ms/call"
	rCLIRSS      = "`callqa index` peak RSS (VmHWM), MiB"
	rCLISize     = "`callqa index` size on disk, KB/call"
	rCLISizeX    = "`callqa index` size ÷ turn text bytes"
	rGse         = "baseline: plain Bleve + gse `Segment` (defaults), turns + metadata, calls/s"
	rGseCPU      = "baseline: plain Bleve + gse CPU time (user + sys), ms/call"
	rGseSize     = "baseline: plain Bleve + gse, size ÷ turn text bytes"
	rRatioGse    = "**ratio `callqa index` / plain Bleve + gse**"
	rRatioGseCPU = "ratio of CPU a call, plain Bleve + gse ÷ `callqa index`"
	rOldCLI      = "before (-vs): `callqa index`, calls/s"
	rOldCLIRSS   = "before (-vs): `callqa index` peak RSS, MiB"
	rOldCLISizeX = "before (-vs): `callqa index` size ÷ turn text bytes"
	rCLIvsOld    = "**`callqa index` after ÷ before, calls/s**"
	gseTokenizer = "indexbench_gse"
)

// buildCLI builds callqa into dir, unless bin is given.
func buildCLI(bin, dir string) (string, error) {
	if bin != "" {
		return filepath.Abs(bin)
	}
	bin = filepath.Join(dir, "callqa")
	log.Printf("building %s", bin)
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/callqa").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// measureCLI writes calls as JSONL, indexes them with `callqa index` in a
// child process (wall time, peak RSS polled from /proc, size on disk) and
// with the plain Bleve + gse indexer, and adds the rows to t. textBytes is
// the corpus's turn text in bytes.
func measureCLI(c config, calls []*corpus.Call, dir string, textBytes int, t *table) error {
	bin, err := buildCLI(c.bin, dir)
	if err != nil {
		return err
	}
	exe, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return err
	}
	jsonl := filepath.Join(dir, "corpus.jsonl")
	f, err := os.Create(jsonl)
	if err != nil {
		return err
	}
	if err := synth.WriteJSONL(f, calls); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}

	log.Printf("callqa index (child process)")
	cliRate, cliCPU, hwm, size, err := runCLIIndex(bin, exe, jsonl, filepath.Join(dir, "cli.bleve"), c.batch, len(calls))
	if err != nil {
		return err
	}
	t.add(rCLI, "%.0f", cliRate)
	t.add(rCLICPU, "%.3f", cliCPU)
	t.add(rCLIRSS, "%.0f", float64(hwm)/(1<<20))
	t.add(rCLISize, "%.2f", float64(size)/1024/float64(len(calls)))
	t.add(rCLISizeX, "%.2f", float64(size)/float64(textBytes))
	if c.vs != "" {
		log.Printf("callqa index of %s (child process, before)", c.vs)
		old, err := filepath.Abs(c.vs)
		if err != nil {
			return err
		}
		oldExe, err := filepath.EvalSymlinks(old)
		if err != nil {
			return err
		}
		oldRate, _, oldHWM, oldSize, err := runCLIIndex(old, oldExe, jsonl, filepath.Join(dir, "cli-old.bleve"), c.batch, len(calls))
		if err != nil {
			return err
		}
		t.add(rOldCLI, "%.0f", oldRate)
		t.add(rOldCLIRSS, "%.0f", float64(oldHWM)/(1<<20))
		t.add(rOldCLISizeX, "%.2f", float64(oldSize)/float64(textBytes))
		t.add(rCLIvsOld, "%.2f", cliRate/oldRate)
	}
	os.Remove(jsonl)

	log.Printf("baseline: plain Bleve + gse")
	rate, gseCPU, gsize, err := baselineGse(calls, filepath.Join(dir, "gse.bleve"), c.batch)
	if err != nil {
		return err
	}
	t.add(rGse, "%.0f", rate)
	t.add(rGseCPU, "%.3f", gseCPU)
	t.add(rGseSize, "%.2f", float64(gsize)/float64(textBytes))
	t.add(rRatioGse, "%.2f", cliRate/rate)
	t.add(rRatioGseCPU, "%.2f", gseCPU/cliCPU)
	return nil
}

// runCLIIndex indexes jsonl with `callqa index` of bin (exe: its resolved
// path, for /proc) into out, a new folder removed afterwards, and returns
// calls/s, the child's CPU time (user + system) in ms a call, its peak RSS
// in bytes and the size on disk. CPU time is the steadier figure on a
// shared machine: a neighbour's load stretches the wall time of the same
// work far more than its CPU time.
func runCLIIndex(bin, exe, jsonl, out string, batch, calls int) (rate, cpuMs float64, hwm, size int64, err error) {
	cmd := exec.Command(bin, "index", "--similar=false", "--max-file-size", "64GiB",
		"--batch-size", fmt.Sprint(batch), "--index", out, jsonl)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runtime.GC()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, 0, err
	}
	peak, err := procmem.Wait(cmd, exe)
	sec := time.Since(start).Seconds()
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	size, err = dirSize(out)
	os.RemoveAll(out)
	return float64(calls) / sec, cpu.Seconds() * 1000 / float64(calls), int64(peak), size, err
}

var (
	gseOnce sync.Once
	gseSeg  *gse.Segmenter
	gseErr  error
)

// loadGse loads gse's embedded Simplified dictionary, as bench/scanbench
// does, once.
func loadGse() (*gse.Segmenter, error) {
	gseOnce.Do(func() {
		g, err := gse.NewEmbed("zh_s")
		gseSeg, gseErr = &g, err
	})
	return gseSeg, gseErr
}

func init() {
	err := registry.RegisterTokenizer(gseTokenizer, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		g, err := loadGse()
		if err != nil {
			return nil, err
		}
		return gseTok{g}, nil
	})
	if err != nil {
		panic(err)
	}
}

// gseTok is a Bleve tokenizer calling gse's own Segment: one token a word
// holding a letter or a digit (punctuation and spaces left out, as
// callqa_zh does), with byte offsets.
type gseTok struct{ g *gse.Segmenter }

func (t gseTok) Tokenize(input []byte) analysis.TokenStream {
	segs := t.g.Segment(input)
	out := make(analysis.TokenStream, 0, len(segs))
	for _, s := range segs {
		text := input[s.Start():s.End()]
		if bytes.IndexFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			continue
		}
		out = append(out, &analysis.Token{
			Term: text, Start: s.Start(), End: s.End(),
			Position: len(out) + 1, Type: analysis.Ideographic,
		})
	}
	return out
}

// baselineGse indexes one document per call, its turn texts and its
// keyword metadata (agent, team, kind, party, started_at, source), with
// Bleve's default mapping (every field stored, with term vectors and doc
// values, and the composite _all field) and an analyzer on gse's Segment,
// in batches: plain Bleve + gse on the same documents. It returns calls/s,
// the process's CPU time in ms a call (nothing else runs meanwhile) and
// the size on disk.
func baselineGse(calls []*corpus.Call, dir string, batch int) (float64, float64, int64, error) {
	if _, err := loadGse(); err != nil { // not timed, like callqa's dictionary in its start-up
		return 0, 0, 0, err
	}
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer("gse", map[string]interface{}{"type": "custom", "tokenizer": gseTokenizer}); err != nil {
		return 0, 0, 0, err
	}
	m.DefaultAnalyzer = "gse"
	runtime.GC()
	start, cpu0 := time.Now(), cpuTime()
	bi, err := bleve.New(dir, m)
	if err != nil {
		return 0, 0, 0, err
	}
	b := bi.NewBatch()
	for _, c := range calls {
		turns := make([]string, len(c.Turns))
		for i, tu := range c.Turns {
			turns[i] = tu.Text
		}
		doc := map[string]interface{}{
			"turns": turns, "agent": c.Agent, "team": c.Team, "kind": c.Kind,
			"party": c.Party, "started_at": c.StartedAt, "source": c.Source,
		}
		if err := b.Index(c.ID, doc); err != nil {
			return 0, 0, 0, err
		}
		if b.Size() >= batch {
			if err := bi.Batch(b); err != nil {
				return 0, 0, 0, err
			}
			b = bi.NewBatch()
		}
	}
	if err := bi.Batch(b); err != nil {
		return 0, 0, 0, err
	}
	if err := bi.Close(); err != nil {
		return 0, 0, 0, err
	}
	rate := float64(len(calls)) / time.Since(start).Seconds()
	cpuMs := (cpuTime() - cpu0).Seconds() * 1000 / float64(len(calls))
	size, err := dirSize(dir)
	if err != nil {
		return 0, 0, 0, err
	}
	return rate, cpuMs, size, os.RemoveAll(dir)
}

// generate makes the corpus: synth.Generate's calls, or with -gen those
// of callqa gen's defaults.
func generate(c config) []*corpus.Call {
	if !c.gen {
		return synth.Generate(c.calls, c.seed)
	}
	g := synth.NewGenerator(c.seed, synth.Options{MinTurns: 10, MaxTurns: 60, ASR: 0.15})
	calls := make([]*corpus.Call, c.calls)
	for i := range calls {
		calls[i] = g.Call(i)
	}
	return calls
}
