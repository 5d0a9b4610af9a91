package analyzer

import (
	"math"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/similar"
)

// Candidate is an agent turn like a violation example (result.Candidate).
type Candidate = result.Candidate

// UseSimilar turns the similar-sentence pass on with model m and the least
// cosine threshold (0: similar.DefaultThreshold), as Options.Similar and
// Options.SimilarThreshold do. Call it before the analyzer is shared.
func (a *Analyzer) UseSimilar(m *similar.Model, threshold float64) {
	a.opts.Similar, a.opts.SimilarThreshold = m, threshold
}

// ViolationExamples returns the sentences of the violation rules' `match`
// examples that the rule fires on, for similar.New: each example is read
// as a transcript and run, and the turns the rule fires on are its
// sentences, with the rule's category and the rule as the source.
// Examples that cannot be read are left out (CheckExamples reports them).
func (a *Analyzer) ViolationExamples() []similar.Example {
	var out []similar.Example
	seen := map[string]bool{}
	for _, r := range a.set.Rules {
		if !result.IsViolation(r.Category) {
			continue
		}
		for _, ex := range r.Examples.Match {
			call, err := corpus.ReadText("example", ex)
			if err != nil {
				continue
			}
			_, hits := a.run(call, false)
			for _, h := range hits {
				text := call.Turns[h.turn-1].Text
				if h.rule != r || seen[r.ID+"\x00"+text] {
					continue
				}
				seen[r.ID+"\x00"+text] = true
				out = append(out, similar.Example{Category: r.Category, Source: r.ID, Text: text})
			}
		}
	}
	return out
}

// candidates runs the similar-sentence pass on the analyzed call: every
// agent turn without a violation finding whose best example reaches the
// threshold. It compares the turns' normalized text, made already.
func (st *state) candidates() []Candidate {
	flagged := map[int]bool{}
	for _, f := range st.res.Findings {
		if result.IsViolation(f.Category) {
			flagged[f.Turn] = true
		}
	}
	least := st.a.opts.SimilarThreshold
	if least == 0 {
		least = similar.DefaultThreshold
	}
	var out []Candidate
	for i, t := range st.call.Turns {
		if t.Role != corpus.RoleAgent || flagged[i+1] {
			continue
		}
		m, ok := st.a.opts.Similar.BestNormalized(st.turns[i].norm.Text)
		if !ok || m.Similarity < least {
			continue
		}
		out = append(out, Candidate{
			Turn: i + 1, Category: m.Category, Similarity: math.Round(m.Similarity*1000) / 1000,
			Example: m.Text, Source: m.Source, Text: t.Text,
		})
	}
	return out
}
