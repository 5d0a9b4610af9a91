// Command similarloop measures the similar-sentence pass as the review
// loop feeds it (issue 18, item 6): how many violations the rules miss it
// puts in the review queue, and how many clean turns it queues with them,
// when its examples are the packs' own `match` examples only and when
// they also hold the violations reviewers confirmed in other calls.
//
// The labeled calls are cut into -folds folds (the call ids sorted, the
// i-th id in fold i mod folds). For each fold, the "reviewers" have
// confirmed every gold violation of the other folds: a decisions file
// (JSON lines of review.Decision, as `callqa verdicts export --format
// decisions` writes) with one added, confirmed decision per gold
// violation, its text the turn's text masked as the index stores it.
// Then, for each violation rule R in turn, a pack with `disable: [R]`
// stands for a rule nobody wrote, and
//
//	callqa eval --similar --similar-threshold T --rules PACK --only FOLD \
//	    [--decisions FILE] --format json --labels LABELS CALLS...
//
// scores the pass on the fold's calls at each threshold T, without and
// with the decisions file. The figures are summed over the rules and the
// folds; a row "all rules on" gives the same runs with no rule disabled
// (the queue's cost when the rules miss nothing).
//
//	go run ./bench/similarloop -labels DEVSET/labels.jsonl DEVSET/calls
//	go run ./bench/similarloop -folds 5 -thresholds 0.4,0.5 -labels testdata/probe/labels.jsonl testdata/probe/calls
//
// It builds the callqa binary (or runs -bin), writes the packs and the
// decisions files into a temporary folder it removes (-keep DIR: into DIR,
// kept), prints a markdown
// table on standard output and progress on standard error.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/eval"
	"github.com/callqa/callqa/redact"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

type config struct {
	bin, labels string
	calls       []string
	folds       int
	thresholds  []float64
	rules       []string
	dir         string
	keep        bool
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("similarloop: ")
	var cfg config
	var thresholds, rules string
	flag.StringVar(&cfg.bin, "bin", "", "callqa binary to run (default: build ./cmd/callqa)")
	flag.StringVar(&cfg.labels, "labels", "", "gold labels `FILE` (formats.md §3)")
	flag.IntVar(&cfg.folds, "folds", 2, "number of folds (2 or more)")
	flag.StringVar(&thresholds, "thresholds", "0.3,0.4,0.5,0.6", "comma-separated similarity thresholds")
	flag.StringVar(&rules, "rules", "", "comma-separated violation rules to disable in turn (default: every built-in violation rule)")
	flag.StringVar(&cfg.dir, "keep", "", "write the packs and decisions files into `DIR` and keep them (default: a temporary folder)")
	flag.Parse()
	cfg.calls = flag.Args()
	if cfg.labels == "" || len(cfg.calls) == 0 || cfg.folds < 2 {
		log.Fatal("usage: similarloop [-folds K] [-thresholds T,...] [-rules R,...] [-bin callqa] -labels FILE CALLS...")
	}
	for _, s := range strings.Split(thresholds, ",") {
		t, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || t <= 0 || t > 1 {
			log.Fatalf("invalid threshold %q", s)
		}
		cfg.thresholds = append(cfg.thresholds, t)
	}
	cfg.keep = cfg.dir != ""
	if cfg.keep {
		if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
			log.Fatal(err)
		}
	} else {
		dir, err := os.MkdirTemp("", "similarloop")
		if err != nil {
			log.Fatal(err)
		}
		cfg.dir = dir
	}
	err := run(&cfg, rules)
	if !cfg.keep {
		os.RemoveAll(cfg.dir)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// totals are the candidate figures summed over runs.
type totals struct {
	runs                                       int
	queued, surfaced, same, clean, missedTotal int
}

func (t *totals) add(s eval.CandidateScore) {
	t.runs++
	t.queued += s.Queued
	t.surfaced += s.Missed
	t.same += s.SameCategory
	t.clean += s.Clean
	t.missedTotal += s.MissedTotal
}

// per100 is surfaced violations per 100 clean turns queued, "—" when none
// was queued.
func (t totals) per100() string {
	if t.clean == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(t.surfaced)*100/float64(t.clean), 'f', 1, 64)
}

// key names one cell of the table: rules disabled in turn or all on,
// with or without the reviewers' decisions, at a threshold.
type key struct {
	allOn, confirmed bool
	threshold        float64
}

func run(cfg *config, ruleList string) error {
	if cfg.bin == "" {
		cfg.bin = filepath.Join(cfg.dir, "callqa")
		build := exec.Command("go", "build", "-o", cfg.bin, "./cmd/callqa")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building callqa: %w", err)
		}
	}
	labels, err := eval.ReadLabels(cfg.labels)
	if err != nil {
		return err
	}
	turns, err := readTurns(cfg.calls)
	if err != nil {
		return err
	}
	rules := splitList(ruleList)
	if len(rules) == 0 {
		if rules, err = violationRules(cfg.bin); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(labels))
	for id := range labels {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	sum := map[key]*totals{}
	cell := func(k key) *totals {
		if sum[k] == nil {
			sum[k] = &totals{}
		}
		return sum[k]
	}
	// byRule counts, per disabled rule, the missed violations surfaced
	// with the decisions at each threshold.
	byRule := map[string]map[float64]int{}
	start := time.Now()
	examples := 0
	for f := range cfg.folds {
		var in []string
		var others []eval.Label
		for i, id := range ids {
			if i%cfg.folds == f {
				in = append(in, id)
			} else {
				others = append(others, labels[id])
			}
		}
		decisions := filepath.Join(cfg.dir, fmt.Sprintf("decisions-%d.jsonl", f))
		n, err := writeDecisions(decisions, others, turns)
		if err != nil {
			return err
		}
		examples += n
		for _, rule := range append([]string{""}, rules...) {
			pack := ""
			if rule != "" {
				pack = filepath.Join(cfg.dir, "off.yaml")
				if err := os.WriteFile(pack, []byte("pack: similarloop-off\nversion: \"1\"\ndisable: ["+rule+"]\n"), 0o644); err != nil {
					return err
				}
			}
			for _, t := range cfg.thresholds {
				for _, confirmed := range []bool{false, true} {
					d := ""
					if confirmed {
						d = decisions
					}
					s, err := evalRun(cfg, pack, d, t, in)
					if err != nil {
						return fmt.Errorf("fold %d, rule %q, threshold %g: %w", f, rule, t, err)
					}
					cell(key{allOn: rule == "", confirmed: confirmed, threshold: t}).add(s)
					if confirmed && rule != "" && s.Missed > 0 {
						if byRule[rule] == nil {
							byRule[rule] = map[float64]int{}
						}
						byRule[rule][t] += s.Missed
					}
				}
			}
			fmt.Fprintf(os.Stderr, "\rfold %d/%d, rule %-45s %s", f+1, cfg.folds, rule, time.Since(start).Round(time.Second))
		}
	}
	fmt.Fprintln(os.Stderr)
	fmt.Printf("%s: %d labeled calls, %d folds, %d violation rules disabled in turn, %d confirmed violations over the folds' decisions files\n\n",
		cfg.labels, len(ids), cfg.folds, len(rules), examples)
	fmt.Println("| rules | examples | threshold | missed violations surfaced (same category) | clean turns queued | per 100 clean turns | missed violations |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, allOn := range []bool{false, true} {
		for _, confirmed := range []bool{false, true} {
			for _, t := range cfg.thresholds {
				s := cell(key{allOn, confirmed, t})
				what, ex := "each disabled in turn", "packs"
				if allOn {
					what = "all on"
				}
				if confirmed {
					ex = "packs + confirmed"
				}
				fmt.Printf("| %s | %s | %g | %d (%d) | %d | %s | %d |\n", what, ex, t, s.surfaced, s.same, s.clean, s.per100(), s.missedTotal)
			}
		}
	}
	fmt.Println()
	for _, rule := range rules {
		if byRule[rule] == nil {
			continue
		}
		var cells []string
		for _, t := range cfg.thresholds {
			cells = append(cells, fmt.Sprintf("%g: %d", t, byRule[rule][t]))
		}
		fmt.Printf("surfaced with the decisions, %s disabled: %s\n", rule, strings.Join(cells, ", "))
	}
	return nil
}

// evalRun runs callqa eval on the fold's calls and returns its candidate
// figures.
func evalRun(cfg *config, pack, decisions string, threshold float64, only []string) (eval.CandidateScore, error) {
	args := []string{"eval", "-q", "--format", "json", "--similar", "--similar-threshold", strconv.FormatFloat(threshold, 'g', -1, 64),
		"--labels", cfg.labels, "--only", strings.Join(only, ",")}
	if pack != "" {
		args = append(args, "--rules", pack)
	}
	if decisions != "" {
		args = append(args, "--decisions", decisions)
	}
	args = append(args, cfg.calls...)
	var out, errOut bytes.Buffer
	cmd := exec.Command(cfg.bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return eval.CandidateScore{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(errOut.String()))
	}
	var rep struct {
		Candidates *eval.CandidateScore `json:"candidates"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Candidates == nil {
		return eval.CandidateScore{}, fmt.Errorf("eval wrote no candidate figures (%v)", err)
	}
	return *rep.Candidates, nil
}

// readTurns reads the calls and returns each call's turn texts.
func readTurns(paths []string) (map[string][]string, error) {
	out := map[string][]string{}
	var firstErr error
	corpus.ReadPaths(paths, nil, func(it corpus.Item) {
		if it.Err != nil {
			if firstErr == nil {
				firstErr = it.Err
			}
			return
		}
		texts := make([]string, len(it.Call.Turns))
		for i, t := range it.Call.Turns {
			texts[i] = t.Text
		}
		out[it.Call.ID] = texts
	})
	return out, firstErr
}

// writeDecisions writes one added, confirmed decision per gold violation
// of labels, with the turn's masked text, and returns how many.
func writeDecisions(path string, labels []eval.Label, turns map[string][]string) (int, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	n := 0
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, lab := range labels {
		for _, v := range lab.Violations {
			texts, ok := turns[lab.CallID]
			if !ok || v.Turn < 1 || v.Turn > len(texts) {
				return 0, fmt.Errorf("%s: no turn %d of %s in the calls", path, v.Turn, lab.CallID)
			}
			d := review.Decision{
				Key:   review.Key{CallID: lab.CallID, Turn: v.Turn, Category: v.Category},
				State: review.StateConfirmed, Added: true, Text: redact.Mask(texts[v.Turn-1]),
				By: "similarloop", At: at, Version: 1,
			}
			if err := enc.Encode(d); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, os.WriteFile(path, buf.Bytes(), 0o644)
}

// violationRules lists the built-in violation rules (callqa rules list).
func violationRules(bin string) ([]string, error) {
	out, err := exec.Command(bin, "rules", "list").Output()
	if err != nil {
		return nil, fmt.Errorf("callqa rules list: %w", err)
	}
	var rules []string
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if i > 0 && len(f) > 1 && result.IsViolation(f[1]) {
			rules = append(rules, f[0])
		}
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("callqa rules list listed no violation rule")
	}
	return rules, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
