// Command scanbench measures scanning (issue 5) on a generated corpus,
// next to the cost it is compared with, all in the same run:
//
//   - the baseline: gse's own Segment (zh_s dictionary, with offsets) over
//     the corpus's turn texts on one core, and callqa's segment package
//     (the same segmentation from the compact dictionary);
//
//   - callqa scan as a child process on one core (--jobs 1, GOMAXPROCS=1)
//     and with --jobs N, its ratio to the baseline, calls/s, MB/s, peak
//     RSS, and the scaling from 1 to N jobs;
//
//   - start-up: scan of one call, wall time and peak RSS;
//
//   - peak RSS on a small and a large corpus (memory must not grow with the
//     number of calls);
//
//   - the same scan with the rule count doubled by generated rules;
//
//   - with -vs OLD, the one-core scan of another callqa binary (a build
//     of an earlier commit) against this one, run alternately, so that
//     the drift of a shared machine falls on both alike: the median ratio
//     of CPU time (user and system) and of wall time, new to old.
//
//     go run ./bench/scanbench [-calls 20000] [-rss-calls 100000] [-jobs 2] [-vs OLD -vs-runs 8]
//
// It builds the callqa binary, writes the corpora (callqa gen's generator:
// 10–60 turns a call, 15% in speech-recognition style) into a temporary
// folder, prints a markdown table on standard output and progress on
// standard error. Each timing is the best of -runs runs.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/go-ego/gse"

	"github.com/callqa/callqa/internal/procmem"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/segment"
	"github.com/callqa/callqa/textnorm"
)

type config struct {
	calls, rssCalls, smallCalls, jobs, runs, perFile, vsRuns int
	seed                                                     int64
	bin, dir, vs                                             string
}

func main() {
	var c config
	fs := flag.NewFlagSet("scanbench", flag.ExitOnError)
	fs.IntVar(&c.calls, "calls", 20000, "calls in the throughput corpus")
	fs.IntVar(&c.rssCalls, "rss-calls", 100000, "calls in the large corpus of the memory check (0: skip)")
	fs.IntVar(&c.smallCalls, "small-calls", 1000, "calls in the small corpus of the memory check")
	fs.IntVar(&c.jobs, "jobs", runtime.NumCPU(), "jobs of the parallel scan")
	fs.IntVar(&c.runs, "runs", 3, "runs of each timing (the best counts)")
	fs.IntVar(&c.perFile, "per-file", 100, "calls in one corpus file (a day's export of one agent, say)")
	fs.Int64Var(&c.seed, "seed", 1, "corpus seed")
	fs.StringVar(&c.bin, "bin", "", "callqa binary to measure (default: go build ./cmd/callqa)")
	fs.StringVar(&c.dir, "dir", "", "folder for the corpora (default: a temporary folder, removed)")
	fs.StringVar(&c.vs, "vs", "", "another callqa binary to compare the one-core scan with, run alternately")
	fs.IntVar(&c.vsRuns, "vs-runs", 8, "runs of each binary in the -vs comparison (the median counts)")
	fs.Parse(os.Args[1:])
	log.SetFlags(0)
	log.SetPrefix("scanbench: ")
	if err := run(c); err != nil {
		log.Fatal(err)
	}
}

func run(c config) error {
	if c.dir == "" {
		d, err := os.MkdirTemp("", "scanbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		c.dir = d
	}
	if c.bin == "" {
		c.bin = filepath.Join(c.dir, "callqa")
		log.Printf("building %s", c.bin)
		if out, err := exec.Command("go", "build", "-o", c.bin, "./cmd/callqa").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	opts := synth.Options{MinTurns: 10, MaxTurns: 60, ASR: 0.15}
	log.Printf("writing %d calls", c.calls)
	main := filepath.Join(c.dir, "main")
	st, err := writeCorpus(main, c.calls, c.seed, c.perFile, opts)
	if err != nil {
		return err
	}
	texts := st.texts
	mb := float64(st.bytes) / 1e6

	// The baseline, in this process, on one core.
	runtime.GOMAXPROCS(1)
	log.Printf("loading gse's zh_s dictionary")
	t0 := time.Now()
	g, err := gse.NewEmbed("zh_s")
	if err != nil {
		return err
	}
	gseLoad := time.Since(t0)
	gseSec := best(c.runs, func() {
		for _, t := range texts {
			g.Segment([]byte(t))
		}
	})
	t0 = time.Now()
	seg, err := segment.New(nil, 0)
	if err != nil {
		return err
	}
	ownLoad := time.Since(t0)
	ownSec := best(c.runs, func() {
		var out []segment.Span
		for _, t := range texts {
			out = seg.Segment(t, out[:0])
		}
	})
	runtime.GOMAXPROCS(runtime.NumCPU())
	g = gse.Segmenter{} // let the collector have it before the children run
	runtime.GC()

	// Start-up: one call.
	one := filepath.Join(c.dir, "one.txt")
	var buf bytes.Buffer
	if err := synth.Write(&buf, "txt", synth.NewGenerator(c.seed, opts).Call(0)); err != nil {
		return err
	}
	if err := os.WriteFile(one, buf.Bytes(), 0o644); err != nil {
		return err
	}
	log.Printf("start-up")
	startup, err := scanBest(c, 5, nil, one)
	if err != nil {
		return err
	}

	log.Printf("scan, 1 job")
	single, err := scanBest(c, c.runs, []string{"GOMAXPROCS=1"}, "--jobs", "1", main)
	if err != nil {
		return err
	}
	log.Printf("scan, %d jobs", c.jobs)
	multi, err := scanBest(c, c.runs, nil, "--jobs", fmt.Sprint(c.jobs), main)
	if err != nil {
		return err
	}

	log.Printf("scan with the rule count doubled")
	rules := filepath.Join(c.dir, "doubled.yaml")
	added, err := writeSyntheticRules(rules, texts, c.seed)
	if err != nil {
		return err
	}
	doubled, err := scanBest(c, c.runs, []string{"GOMAXPROCS=1"}, "--jobs", "1", "--rules", rules, main)
	if err != nil {
		return err
	}

	var vs comparison
	if c.vs != "" {
		log.Printf("%d alternate one-core scans of %s and %s", 2*c.vsRuns, c.bin, c.vs)
		if vs, err = compare(c, main); err != nil {
			return err
		}
	}

	var small, large result
	if c.rssCalls > 0 {
		log.Printf("memory: %d calls", c.smallCalls)
		smallDir := filepath.Join(c.dir, "small")
		if _, err := writeCorpus(smallDir, c.smallCalls, c.seed+1, c.perFile, opts); err != nil {
			return err
		}
		if small, err = scanBest(c, 1, nil, smallDir); err != nil {
			return err
		}
		log.Printf("memory: %d calls", c.rssCalls)
		largeDir := filepath.Join(c.dir, "large")
		if _, err := writeCorpus(largeDir, c.rssCalls, c.seed+2, c.perFile, opts); err != nil {
			return err
		}
		if large, err = scanBest(c, 1, nil, largeDir); err != nil {
			return err
		}
		os.RemoveAll(largeDir)
	}

	// Scan throughput leaves the start-up out: it is measured on its own.
	net := func(r result) float64 { return max(r.sec-startup.sec, 1e-9) }
	rate := func(sec float64) string { return fmt.Sprintf("%.2f MB/s", mb/sec) }
	calls := func(sec float64) string { return fmt.Sprintf("%.0f", float64(c.calls)/sec) }
	fmt.Printf("corpus: %d calls, %d turns, %.1f MB of turn text (%d files; seed %d; 10–60 turns, 15%% ASR-style)\n",
		c.calls, len(texts), mb, (c.calls+c.perFile-1)/c.perFile, c.seed)
	fmt.Printf("machine: %d CPUs, %s\n\n", runtime.NumCPU(), runtime.Version())
	fmt.Printf("| measure | time | throughput | calls/s | ratio | peak RSS |\n|---|---|---|---|---|---|\n")
	fmt.Printf("| gse Segment, 1 core (baseline) | %.2f s | %s | %s | 1 | |\n", gseSec, rate(gseSec), calls(gseSec))
	fmt.Printf("| callqa segment, 1 core | %.2f s | %s | %s | %.2f | |\n", ownSec, rate(ownSec), calls(ownSec), gseSec/ownSec)
	fmt.Printf("| scan, 1 job, 1 core (net of start-up) | %.2f s | %s | %s | %.2f | %s |\n", net(single), rate(net(single)), calls(net(single)), gseSec/net(single), mib(single.rss))
	fmt.Printf("| scan, %d jobs (net of start-up) | %.2f s | %s | %s | %.2f | %s |\n", c.jobs, net(multi), rate(net(multi)), calls(net(multi)), gseSec/net(multi), mib(multi.rss))
	fmt.Printf("| scan, 1 job, rules doubled (+%d rules) | %.2f s | %s | %s | %.2f | %s |\n", added, net(doubled), rate(net(doubled)), calls(net(doubled)), gseSec/net(doubled), mib(doubled.rss))
	fmt.Printf("\n")
	fmt.Printf("- scaling 1 → %d jobs: %.2f×\n", c.jobs, net(single)/net(multi))
	fmt.Printf("- rules doubled: %+.1f%% time\n", 100*(net(doubled)/net(single)-1))
	fmt.Printf("- start-up (scan of one call): %.3f s wall, %s peak RSS; gse's own dictionary load here: %.2f s; segment's: %.3f s\n",
		startup.sec, mib(startup.rss), gseLoad.Seconds(), ownLoad.Seconds())
	if c.vs != "" {
		fmt.Printf("- against %s, one core, %d alternate runs each: CPU time %.2f s vs %.2f s (medians), ratio %.3f (%+.1f%%); wall ratio %.3f\n",
			c.vs, c.vsRuns, vs.newCPU, vs.oldCPU, vs.newCPU/vs.oldCPU, 100*(vs.newCPU/vs.oldCPU-1), vs.newWall/vs.oldWall)
	}
	if c.rssCalls > 0 {
		fmt.Printf("- peak RSS: %d calls %s, %d calls %s (ratio %.2f)\n", c.smallCalls, mib(small.rss), c.rssCalls, mib(large.rss), float64(large.rss)/float64(small.rss))
	}
	return nil
}

// comparison holds the medians of the -vs runs.
type comparison struct {
	newCPU, oldCPU, newWall, oldWall float64
}

// compare runs the one-core scan of c.bin and c.vs alternately, each
// c.vsRuns times, the first of each pair swapping every round, and
// returns the medians of CPU and wall time.
func compare(c config, dir string) (comparison, error) {
	var newCPU, oldCPU, newWall, oldWall []float64
	for i := range 2 * c.vsRuns {
		isNew := i%2 == (i/2)%2
		bin := c.vs
		if isNew {
			bin = c.bin
		}
		cmd := exec.Command(bin, "scan", "--format", "jsonl", "--jobs", "1", dir)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			return comparison{}, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
		}
		wall := time.Since(t0).Seconds()
		cpu := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		if isNew {
			newCPU, newWall = append(newCPU, cpu), append(newWall, wall)
		} else {
			oldCPU, oldWall = append(oldCPU, cpu), append(oldWall, wall)
		}
	}
	return comparison{median(newCPU), median(oldCPU), median(newWall), median(oldWall)}, nil
}

func median(xs []float64) float64 {
	xs = slices.Sorted(slices.Values(xs))
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

type result struct {
	sec float64
	rss int64 // bytes
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// scanBest runs callqa scan --format jsonl args… n times as a child process
// and returns the best wall time and the highest peak RSS.
//
// The peak is the child's VmHWM, polled from /proc while it runs: the
// rusage of a child counts the memory of the parent it was forked from
// (Linux keeps the high-water mark across exec), and this process holds
// gse's dictionary. VmHWM only rises, so the last reading is the peak up to
// a few milliseconds before the end.
func scanBest(c config, n int, env []string, args ...string) (result, error) {
	r := result{sec: 1e18}
	exe, err := filepath.EvalSymlinks(c.bin)
	if err != nil {
		return r, err
	}
	for range n {
		cmd := exec.Command(c.bin, append([]string{"scan", "--format", "jsonl"}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = nil, &stderr // stdout to /dev/null
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return r, err
		}
		hwm, err := procmem.Wait(cmd, exe)
		sec := time.Since(t0).Seconds()
		if err != nil {
			return r, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
		}
		r.sec = min(r.sec, sec)
		r.rss = max(r.rss, hwm)
	}
	return r, nil
}

func best(n int, f func()) float64 {
	b := 1e18
	for range n {
		t0 := time.Now()
		f()
		b = min(b, time.Since(t0).Seconds())
	}
	return b
}

type corpusStats struct {
	texts []string
	bytes int
}

// writeCorpus writes n calls as jsonl files of perFile calls into dir and
// returns the turn texts.
func writeCorpus(dir string, n int, seed int64, perFile int, opts synth.Options) (corpusStats, error) {
	var st corpusStats
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	g := synth.NewGenerator(seed, opts)
	keep := n <= 50000 // the large memory corpus needs no texts
	for start := 0; start < n; start += perFile {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("calls-%05d.jsonl", start/perFile)))
		if err != nil {
			return st, err
		}
		w, _ := synth.NewWriter(f, "jsonl")
		for i := start; i < min(start+perFile, n); i++ {
			call := g.Call(i)
			for _, t := range call.Turns {
				st.bytes += len(t.Text)
				if keep {
					st.texts = append(st.texts, t.Text)
				}
			}
			if err := w.Write(call); err != nil {
				f.Close()
				return st, err
			}
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return st, err
		}
		if err := f.Close(); err != nil {
			return st, err
		}
	}
	return st, nil
}

// writeSyntheticRules writes a pack with as many rules as the built-in
// packs, shaped like them: as many terms a rule on average (two words cut
// from the corpus, joined: real words for the term index to meet, in pairs
// that rarely occur), a two-step pattern whose first step is eight corpus
// words and second eight pairs, and as many regular expressions, each
// starting with a corpus word. Terms, second steps and expressions end with
// a character no call says (rare): the rules are tried on many turns and
// never fire, so what is measured is the cost of matching more rules. It returns the number of rules.
func writeSyntheticRules(path string, texts []string, seed int64) (int, error) {
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		return 0, err
	}
	terms, regexes := 0, 0
	for _, r := range set.Rules {
		terms += len(r.Terms)
		regexes += len(r.Regex)
	}
	n := len(set.Rules)
	perRule := max(terms/n, 1)
	// Words: two-character runs of Han characters from the corpus, as the
	// matcher sees it (normalized: packs must write what it sees).
	seen := map[string]bool{}
	var words []string
	for _, t := range texts {
		rs := []rune(textnorm.Normalize(t).Text)
		for i := 0; i+1 < len(rs) && len(words) < 5000; i += 3 {
			w := string(rs[i : i+2])
			if isHan(rs[i]) && isHan(rs[i+1]) && !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	if len(words) < 10 {
		return 0, fmt.Errorf("corpus too small for synthetic rules")
	}
	r := rand.New(rand.NewPCG(uint64(seed), 99))
	var b strings.Builder
	b.WriteString("# Generated by bench/scanbench: rules shaped like the built-in ones.\npack: synthetic\nversion: \"1\"\ncategory: insult\n\nrules:\n")
	for i := range n {
		ts := make([]string, perRule)
		for j := range ts {
			ts[j] = words[r.IntN(len(words))] + words[r.IntN(len(words))] + rare
		}
		slices.Sort(ts)
		ts = slices.Compact(ts)
		fmt.Fprintf(&b, "  - id: synthetic.r%03d\n    terms: [%s]\n", i, strings.Join(ts, ", "))
		pick := func(k, n int) string {
			ws := make([]string, k)
			for j := range ws {
				for range n {
					ws[j] += words[r.IntN(len(words))]
				}
				if n > 1 {
					ws[j] += rare
				}
			}
			slices.Sort(ws)
			return strings.Join(slices.Compact(ws), ", ")
		}
		// The first step is common words (the pattern is tried on many
		// turns), the second rare pairs (it seldom matches).
		fmt.Fprintf(&b, "    patterns:\n      - [{any: [%s]}, {gap: 0-4}, {any: [%s]}]\n", pick(8, 1), pick(8, 2))
		if i < regexes {
			fmt.Fprintf(&b, "    regex: ['(%s|%s)[^，。]{0,6}%s']\n", words[r.IntN(len(words))], words[r.IntN(len(words))], words[r.IntN(len(words))]+words[r.IntN(len(words))]+rare)
		}
		fmt.Fprintf(&b, "    examples:\n      match: [\"坐席: %s\"]\n\n", ts[0])
	}
	return n, os.WriteFile(path, []byte(b.String()), 0o644)
}

func isHan(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }

// rare ends every synthetic term, second pattern step and expression: a
// character no call says, so the rules are tried (their first words are
// common) but never fire, and the time measured is the matching alone.
const rare = "乂"
