//go:build ignore

// Command cold measures insult recall and false alarms on the COLD sample
// (../shared/external/insult_sentences.jsonl): each sentence is scanned as a
// one-turn agent transcript, and counted as flagged when the analyzer
// reports insult on turn 1.
//
//	go run ./scripts/cold.go ../shared/external/insult_sentences.jsonl
//	go run ./scripts/cold.go -max-clean 0.015 -min-individual 0.40 insult_sentences.jsonl
//
// With -max-clean or -min-individual it exits 1 when the share of clean
// sentences flagged is above, or the recall on attack_individual below,
// the given figure (CI's floor against regressions).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

func main() {
	maxClean := flag.Float64("max-clean", 1, "exit 1 when more than this share of the clean sentences is flagged")
	minIndividual := flag.Float64("min-individual", 0, "exit 1 when the recall on attack_individual is below this")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/cold.go [-max-clean F] [-min-individual F] insult_sentences.jsonl")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	check(err)
	set, err := lexicon.LoadSet(nil)
	check(err)
	a, err := analyzer.New(set, analyzer.Options{})
	check(err)
	flagged, total := map[string]int{}, map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var row struct {
			ID        string `json:"id"`
			Text      string `json:"text"`
			Offensive bool   `json:"offensive"`
			FineLabel string `json:"fine_label"`
		}
		check(json.Unmarshal(sc.Bytes(), &row))
		call := &corpus.Call{ID: row.ID, Turns: []corpus.Turn{{N: 1, Role: corpus.RoleAgent, Label: "坐席", Text: row.Text}}}
		total[row.FineLabel]++
		for _, fd := range a.Analyze(call).Findings {
			if fd.Category == analyzer.CategoryInsult && fd.Turn == 1 {
				flagged[row.FineLabel]++
				break
			}
		}
	}
	check(sc.Err())
	for _, l := range []string{"attack_individual", "attack_group", "other_non_offensive", "anti_bias"} {
		fmt.Printf("%-20s %4d / %4d  %.3f\n", l, flagged[l], total[l], float64(flagged[l])/float64(max(total[l], 1)))
	}
	tp := flagged["attack_individual"] + flagged["attack_group"]
	fp := flagged["other_non_offensive"] + flagged["anti_bias"]
	pos := total["attack_individual"] + total["attack_group"]
	neg := total["other_non_offensive"] + total["anti_bias"]
	fmt.Printf("precision %.3f  recall %.3f  clean false alarms %d / %d (%.1f%%)\n",
		float64(tp)/float64(max(tp+fp, 1)), float64(tp)/float64(max(pos, 1)), fp, neg, 100*float64(fp)/float64(max(neg, 1)))
	clean := float64(fp) / float64(max(neg, 1))
	individual := float64(flagged["attack_individual"]) / float64(max(total["attack_individual"], 1))
	if clean > *maxClean || individual < *minIndividual {
		fmt.Fprintf(os.Stderr, "cold: clean flagged %.3f (max %.3f), attack_individual recall %.3f (min %.3f)\n", clean, *maxClean, individual, *minIndividual)
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
