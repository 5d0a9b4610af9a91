package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
	"github.com/callqa/callqa/similar"
)

// confirmedExamples turns the reviewers' decisions into examples for the
// similar-sentence model: one per violation a reviewer confirmed (or
// added, or confirmed and under appeal), with source
// similar.SourceConfirmed. A machine finding gives the sentence of the
// turn that holds its match (the match alone when the turn does not hold
// it); an added violation, which has no match, gives the whole turn.
// Examples repeated in a category are given once, in decision order.
func confirmedExamples(ds []review.Decision) []similar.Example {
	var out []similar.Example
	seen := map[similar.Example]bool{}
	for _, d := range ds {
		if !d.Confirmed() || !result.IsViolation(d.Category) {
			continue
		}
		text := strings.TrimSpace(d.Text)
		if d.Match != "" {
			text = sentenceWith(d.Text, d.Match)
		}
		if text == "" {
			continue
		}
		e := similar.Example{Category: d.Category, Source: similar.SourceConfirmed, Text: text}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// sentenceWith returns the sentence of text that holds match, cut at
// sentence punctuation and line breaks (a match that spans several
// sentences gives all of them); match itself when text does not hold it.
func sentenceWith(text, match string) string {
	at := strings.Index(text, match)
	if at < 0 {
		return strings.TrimSpace(match)
	}
	start, end := 0, len(text)
	for i := at; i > 0; {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if sentenceEnd(r) {
			start = i
			break
		}
		i -= size
	}
	for i, r := range text[at+len(match):] {
		if sentenceEnd(r) {
			end = at + len(match) + i
			break
		}
	}
	if s := strings.TrimSpace(text[start:end]); s != "" {
		return s
	}
	return strings.TrimSpace(match)
}

// sentenceEnd reports whether r ends a sentence (or a line).
func sentenceEnd(r rune) bool {
	return strings.ContainsRune("。！？!?；;…\n\r", r)
}

// loadConfirmed reads the examples of the violations reviewers confirmed
// from the decisions database (db, else the SQLite file beside indexDir).
// A SQLite file that does not exist has none, and is not created.
func loadConfirmed(ctx context.Context, db, indexDir string) ([]similar.Example, error) {
	path := reviewDBPath(db, indexDir)
	if !review.IsURL(path) {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	st, err := openReview(ctx, path, "")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return confirmedFrom(ctx, st)
}

// confirmedFrom reads the confirmed examples of an open decisions
// database.
func confirmedFrom(ctx context.Context, st *review.Store) ([]similar.Example, error) {
	ds, err := st.Decisions(ctx, review.Filter{States: []review.State{review.StateConfirmed, review.StateAppealed}})
	if err != nil {
		return nil, fmt.Errorf("reading the reviewers' confirmed violations: %w", err)
	}
	return confirmedExamples(ds), nil
}
