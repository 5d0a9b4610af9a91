package cli

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/report"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// fakeScanner reads n items; item i is an error when bad(i), and the fake
// analyzer takes longer on early calls so that they finish out of order.
func fakeScanner(n, workers int, bad func(int) bool, analyze func(*corpus.Call) *result.Result) (*scanner, *bytes.Buffer) {
	var errOut bytes.Buffer
	if analyze == nil {
		analyze = func(c *corpus.Call) *result.Result {
			i, _ := strconv.Atoi(strings.TrimPrefix(c.ID, "F"))
			time.Sleep(time.Duration((n-i)%5) * 200 * time.Microsecond)
			return &result.Result{CallID: c.ID, Source: c.Source, Pass: true}
		}
	}
	return &scanner{
		read: func(emit func(corpus.Item)) {
			for i := range n {
				src := fmt.Sprintf("calls/F%d.txt", i)
				if bad != nil && bad(i) {
					emit(corpus.Item{Err: &corpus.ParseError{Path: src, Line: 2, Err: errors.New("not a turn")}})
					continue
				}
				emit(corpus.Item{Call: &corpus.Call{ID: fmt.Sprintf("F%d", i), Source: src}})
			}
		},
		analyze: analyze,
		workers: workers,
		errOut:  &errOut,
	}, &errOut
}

func TestScannerKeepsInputOrder(t *testing.T) {
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("workers_%d", workers), func(t *testing.T) {
			sc, errOut := fakeScanner(60, workers, func(i int) bool { return i%7 == 3 }, nil)
			var got []string
			summary, err := sc.run(func(r *result.Result) error {
				got = append(got, r.CallID)
				return nil
			})
			require.NoError(t, err)

			var want, wantErrs []string
			for i := range 60 {
				if i%7 == 3 {
					wantErrs = append(wantErrs, fmt.Sprintf("callqa: calls/F%d.txt:2: not a turn", i))
				} else {
					want = append(want, fmt.Sprintf("F%d", i))
				}
			}
			assert.Equal(t, want, got)
			assert.Equal(t, strings.Join(wantErrs, "\n")+"\n", errOut.String())
			assert.Equal(t, len(want), summary.Calls)
			assert.Equal(t, len(wantErrs), summary.InputErrors)
		})
	}
}

func TestScannerBoundsInFlight(t *testing.T) {
	const workers = 2
	var inFlight, peak atomic.Int64
	release := make(chan struct{})
	const calls = 3 * inFlightPerWorker * workers
	sc, _ := fakeScanner(calls, workers, nil, func(c *corpus.Call) *result.Result {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if c.ID == "F0" {
			<-release // the head of the line is slow
		}
		return &result.Result{CallID: c.ID}
	})
	// Without the window the other worker would analyze all the calls
	// behind the slow head while it waits.
	time.AfterFunc(20*time.Millisecond, func() { close(release) })
	var emitted int
	_, err := sc.run(func(r *result.Result) error {
		emitted++
		inFlight.Add(-1)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, calls, emitted)
	assert.LessOrEqual(t, peak.Load(), int64(inFlightPerWorker*workers), "items analyzed but not yet written")
}

func TestScannerRecoversFromAnalyzerPanic(t *testing.T) {
	sc, errOut := fakeScanner(3, 2, nil, func(c *corpus.Call) *result.Result {
		switch c.ID {
		case "F1":
			panic("index out of range")
		case "F2":
			return nil
		}
		return &result.Result{CallID: c.ID}
	})
	var got []string
	summary, err := sc.run(func(r *result.Result) error {
		got = append(got, r.CallID)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"F0"}, got)
	assert.Equal(t, 2, summary.InputErrors)
	assert.Equal(t,
		"callqa: calls/F1.txt: internal error: the analyzer failed on this call: index out of range\n"+
			"callqa: calls/F2.txt: internal error: the analyzer returned no result\n",
		errOut.String())
}

func TestScannerStopsOnWriteError(t *testing.T) {
	var analyzed atomic.Int64
	sc, _ := fakeScanner(200, 2, nil, func(c *corpus.Call) *result.Result {
		analyzed.Add(1)
		return &result.Result{CallID: c.ID}
	})
	writeErr := errors.New("broken pipe")
	calls := 0
	_, err := sc.run(func(r *result.Result) error {
		calls++
		return writeErr
	})
	assert.ErrorIs(t, err, writeErr)
	assert.Equal(t, 1, calls, "nothing is written after the first failure")
	assert.Less(t, analyzed.Load(), int64(200), "analysis stops")
}

func TestCheckInputs(t *testing.T) {
	var buf bytes.Buffer
	assert.NoError(t, checkInputs(&buf, report.Summary{Calls: 5}))
	assert.Empty(t, buf.String())

	err := checkInputs(&buf, report.Summary{Calls: 138, InputErrors: 2})
	assert.Equal(t, exitTrouble, exitStatus(&bytes.Buffer{}, nil, err))
	assert.Equal(t, "callqa: 2 of 140 inputs failed; 138 calls analyzed\n", buf.String())
}

// TestNewScanner builds real scanners from scannerOptions and checks that
// each option reaches the scanner: the paths, the rules and extra packs,
// --explain, the input options, the workers, masking and progress.
func TestNewScanner(t *testing.T) {
	team, err := score.LoadScorecard(filepath.Join("..", "..", "score", "testdata", "team.yaml"))
	require.NoError(t, err)
	s01, s07 := sample("S01_compliant.txt"), sample("S07_asr.json")
	tests := []struct {
		name           string
		opts           scannerOptions
		wantCalls      []string
		wantErrs       int
		wantSuppressed bool
		wantRule       string // a rule id the rule set has
		wantRedact     bool
	}{
		{
			name:       "defaults",
			opts:       scannerOptions{Paths: []string{s01, s07}, BatchOptions: BatchOptions{Workers: 2}},
			wantCalls:  []string{"S01", "S07"},
			wantRedact: true,
		},
		{
			name:           "explain_no_redact_quiet",
			opts:           scannerOptions{Paths: []string{s01}, Explain: true, BatchOptions: BatchOptions{Workers: 1, NoRedact: true, Quiet: true}},
			wantCalls:      []string{"S01"},
			wantSuppressed: true,
		},
		{
			name:       "extra_pack",
			opts:       scannerOptions{Paths: []string{s01}, Extra: []*lexicon.Pack{team.Required}, BatchOptions: BatchOptions{Workers: 1}},
			wantCalls:  []string{"S01"},
			wantRule:   "required.recording_notice",
			wantRedact: true,
		},
		{
			name: "input_options",
			opts: scannerOptions{Paths: []string{s01, s07}, BatchOptions: BatchOptions{
				Workers: 1,
				Input:   corpus.ReadOptions{Limits: corpus.Limits{Turns: 5}},
			}},
			wantErrs:   2, // S01 has 10 turns, S07 more than 5
			wantRedact: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, errOut := testIO("")
			sc, err := newScanner(ios, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.opts.Workers, sc.workers)
			assert.Equal(t, tt.wantRedact, sc.redact)
			assert.Equal(t, tt.opts.Quiet, sc.quiet)
			assert.Equal(t, len(tt.opts.Paths), sc.count())
			if tt.wantRule != "" {
				var ids []string
				for _, r := range sc.set.Rules {
					ids = append(ids, r.ID)
				}
				assert.Contains(t, ids, tt.wantRule)
			}
			var calls []string
			summary, err := sc.run(func(res *result.Result) error {
				calls = append(calls, res.CallID)
				assert.Equal(t, tt.wantSuppressed, len(res.Suppressed) > 0, "suppressed matches recorded only with Explain")
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, tt.wantCalls, calls)
			assert.Equal(t, tt.wantErrs, summary.InputErrors, errOut.String())
		})
	}
}
