package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/report"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/similar"
)

// scanner runs the part that scan and eval share: read the inputs, analyze
// the calls on a pool of workers, and hand the results on in input order.
type scanner struct {
	// read calls emit once per input item, in input order; it is used when
	// inputs is nil (tests feed items this way).
	read func(emit func(corpus.Item))
	// inputs, when set, is used instead of read: it hands over each input's
	// reader in order (corpus.StreamInputs), so that inputs are read and
	// parsed on several goroutines while their items still go on in input
	// order.
	inputs func(visit func(read func(emit func(corpus.Item))))
	// count returns the number of inputs read will read (for the progress
	// display); nil when unknown.
	count func() int
	// analyze checks one call; it must be safe for concurrent use.
	analyze func(*corpus.Call) *result.Result
	workers int
	// ahead bounds the calls between the reader and the writer, per
	// worker; 0 is inFlightPerWorker.
	ahead int
	// redact masks personal data in every result (result.Result.Redacted).
	redact bool
	// dropCall leaves the transcript out of every result
	// (scannerOptions.TranscriptUnused).
	dropCall bool
	// quiet turns the progress display off.
	quiet  bool
	errOut io.Writer
	// set is the rule set the analyzer was built from (nil in tests that
	// fake the analyzer).
	set *lexicon.Set
	// skipped counts the files of the folders read that were skipped for
	// their type (nil in tests that feed items).
	skipped *corpus.Skipped
}

// scannerOptions say what a scanner reads and how it analyzes it.
type scannerOptions struct {
	// Paths are the transcript files and folders to read; "-" is the
	// standard input.
	Paths []string
	// BatchOptions are the rules, the workers, how to read the inputs,
	// masking and progress, as the command's flags gave them.
	BatchOptions
	// Explain records the matches that did not count
	// (analyzer.Options.Explain).
	Explain bool
	// Extra packs are loaded after the rules (a scorecard's required
	// items).
	Extra []*lexicon.Pack
	// SimilarOptions turn the similar-sentence pass on.
	SimilarOptions
	// Confirmed are examples the pass uses beside the packs' own: the
	// violations reviewers confirmed (confirmedExamples).
	Confirmed []similar.Example
	// KeepWords keeps each turn's words in the results for the search
	// index (analyzer.KeepWords), when the rules' vocabulary is the
	// index's.
	KeepWords bool
	// Ahead bounds the calls between the reader and the writer, per
	// worker (0: inFlightPerWorker).
	Ahead int
	// TranscriptUnused says that nothing after the scanner reads a
	// result's transcript (result.Result.Call): the results come without
	// it, and masking skips its turns (a scan's output but for
	// --with-call).
	TranscriptUnused bool
}

// analyzerOptions are the analyzer options the scanner options give.
func (o scannerOptions) analyzerOptions() analyzer.Options {
	minASR := o.MinASRConfidence
	if minASR == 0 {
		minASR = -1 // --min-asr-confidence 0: never
	}
	return analyzer.Options{Explain: o.Explain, MinASRConfidence: minASR}
}

// newScanner loads the rule set (built-in packs, then opts.Rules, then
// opts.Extra), builds the analyzer once and returns a scanner over
// opts.Paths ("-" is ios.In).
func newScanner(ios *IOStreams, opts scannerOptions) (*scanner, error) {
	an, err := loadAnalyzer(opts.Rules, opts.analyzerOptions(), opts.Extra...)
	if err != nil {
		return nil, err
	}
	if opts.Similar {
		an.UseSimilar(similar.New(append(an.ViolationExamples(), opts.Confirmed...)), opts.SimilarThreshold)
	}
	if opts.KeepWords {
		tok, err := index.Tokenizer()
		if err != nil {
			return nil, err
		}
		an.KeepWords(tok)
	}
	skipped := &corpus.Skipped{}
	input, paths := opts.Input, opts.Paths
	input.Skip = skipped.Add
	return &scanner{
		read: func(emit func(corpus.Item)) { corpus.ReadPathsWith(paths, ios.In, input, emit) },
		inputs: func(visit func(read func(emit func(corpus.Item)))) {
			corpus.StreamInputs(paths, ios.In, input, visit)
		},
		count:    func() int { return corpus.CountInputs(paths, input) },
		analyze:  an.Analyze,
		workers:  opts.Workers,
		ahead:    opts.Ahead,
		redact:   !opts.NoRedact,
		dropCall: opts.TranscriptUnused,
		quiet:    opts.Quiet,
		errOut:   ios.ErrOut,
		set:      an.Set(),
		skipped:  skipped,
	}, nil
}

// outcome is what became of one input item: its call and then its result,
// or its error.
type outcome struct {
	seq   int
	input int // corpus.Item.Input
	call  *corpus.Call
	res   *result.Result
	err   error
}

// inFlightPerWorker bounds the calls between the reader and the writer
// of a scan, per worker (scanner.run).
const inFlightPerWorker = 32

// run analyzes every input and calls emit with each result in input order,
// as soon as every earlier input is done, so output streams. An input that
// fails is printed to errOut as "callqa: <error>" at its place in the
// order and counted. At most a fixed number of inputs a worker are in
// flight (s.ahead, by default inFlightPerWorker), so memory does not grow
// with the batch even when one call is slow.
//
// When emit fails, run stops analyzing and emitting, drains the rest of the
// input (still printing its errors) and returns that error. The summary
// counts the results emitted and every input error.
func (s *scanner) run(emit func(*result.Result) error) (report.Summary, error) {
	workers := max(s.workers, 1)
	// At most inFlight calls are between the reader and the writer (the
	// window), and the channels hold as many: a worker that finishes a
	// call takes the next one, and hands its result on, without waiting
	// for the reader or the writer, which share the cores with the
	// workers, to be scheduled (the scheduler's slice is 10 ms, tens of
	// calls). A two-job scan of 8,000 calls (runtime/trace, go tool trace
	// -pprof=sync): its workers waited 470–560 ms on unbuffered channels
	// and a window of 8 calls, 300 ms with buffers of 8, 190 ms with 32,
	// 90–100 ms with 64.
	inFlight := cmp.Or(s.ahead, inFlightPerWorker) * workers
	jobs := make(chan outcome, inFlight)
	done := make(chan outcome, inFlight)
	window := make(chan struct{}, inFlight)
	var stop atomic.Bool

	go func() {
		seq := 0
		s.readItems(workers, func(it corpus.Item) {
			window <- struct{}{}
			jobs <- outcome{seq: seq, input: it.Input, call: it.Call, err: it.Err}
			seq++
		})
		close(jobs)
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if j.err == nil && !stop.Load() {
					j.res, j.err = s.analyzeCall(j.call)
				}
				done <- j
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	var prog *progress
	if s.count != nil && !s.quiet && isTerminal(s.errOut) {
		prog = newProgress(s.errOut, s.count(), wantPlainProgress())
	}
	defer prog.finish()
	// Inputs are done when the first item of a later one is handed on.
	curInput, curCalls, curFailed := 0, 0, false
	inputDone := func() {
		if curInput > 0 {
			prog.fileDone(curCalls, curFailed)
		}
	}
	defer inputDone()

	var tally report.Tally
	var emitErr error
	pending := make(map[int]outcome)
	next := 0
	for o := range done {
		pending[o.seq] = o
		for {
			o, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if o.input != curInput {
				inputDone()
				curInput, curCalls, curFailed = o.input, 0, false
			}
			switch {
			case o.err != nil:
				tally.AddInputError()
				curFailed = true
				prog.print(func() { printError(s.errOut, o.err) })
			case emitErr == nil:
				curCalls++
				if inf := o.res.RolesInferred; inf != nil && inf.Weak {
					prog.print(func() {
						fmt.Fprintf(s.errOut, "callqa: %s: warning: who is the agent is uncertain (took speaker %q, confidence %.2f); check the result or give --roles\n", o.res.Source, inf.Agent, inf.Confidence)
					})
				}
				if d := o.res.RolesDisputed; d != nil {
					prog.print(func() { printDispute(s.errOut, o.res.Source, d) })
				}
				tally.Add(o.res)
				if emitErr = emit(o.res); emitErr != nil {
					stop.Store(true)
				}
			}
			// Only now is the call out of the window: freed before the
			// write, one more call could start while this one is still
			// being written (TestScannerBoundsInFlight saw 65 of 64).
			<-window
		}
	}
	summary := tally.Summary()
	if s.skipped != nil {
		// The walk is over: every input was read before done closed.
		summary.SkippedFiles = s.skipped.ByExtension()
	}
	return summary, emitErr
}

// printDispute warns that the evidence of a call goes against its --roles
// mapping, naming the file and both speakers.
func printDispute(w io.Writer, source string, d *result.RoleDispute) {
	fmt.Fprintf(w, "callqa: %s: warning: --roles makes speaker %q the agent, but %q speaks like the customer and %q like the agent (confidence %.2f); the scan uses the mapping: check --roles\n",
		source, d.Given, d.Given, d.Inferred.Agent, d.Inferred.Confidence)
}

// itemsAhead is how many items of one input may be read ahead of the
// analysis.
const itemsAhead = 16

// readItems calls emit with every input item in input order. With
// s.inputs, up to workers inputs are read and parsed at once, ahead of the
// one whose items are being handed on (parsing JSON is a quarter of the
// analysis's cost: on one goroutine it would hold the others back); the
// call ids are checked in order.
func (s *scanner) readItems(workers int, emit func(corpus.Item)) {
	if s.inputs == nil {
		s.read(emit)
		return
	}
	ahead := make(chan chan corpus.Item, workers)
	go func() {
		s.inputs(func(read func(emit func(corpus.Item))) {
			// An input's items wait here, a few at a time: a big file
			// is read as its calls are analyzed, not all at once.
			items := make(chan corpus.Item, itemsAhead)
			ahead <- items // waits while workers inputs are ahead
			go func() {
				read(func(it corpus.Item) { items <- it })
				close(items)
			}()
		})
		close(ahead)
	}()
	var ids corpus.IDCheck
	for items := range ahead {
		for it := range items {
			emit(ids.Check(it))
		}
	}
}

// analyzeCall runs the analyzer on one call. A panic in the analyzer is a
// bug, but it should cost one call, not the batch: it becomes an error for
// this input.
func (s *scanner) analyzeCall(c *corpus.Call) (res *result.Result, err error) {
	if c == nil {
		return nil, errors.New("internal error: the reader returned neither a call nor an error")
	}
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%s: internal error: the analyzer failed on this call: %v", c.Source, p)
		}
	}()
	res = s.analyze(c)
	if res == nil {
		return nil, fmt.Errorf("%s: internal error: the analyzer returned no result", c.Source)
	}
	if s.dropCall {
		// Nothing reads it, so its turns need no masking: that was most
		// of what masking a result cost.
		r := *res
		r.Call = nil
		res = &r
	}
	if s.redact {
		res = res.Redacted()
	}
	return res, nil
}

// noteSkipped prints "callqa: skipped 3 files: 2 .mp3, 1 .xlsx (…)" when
// files were skipped for their type.
func noteSkipped(w io.Writer, s report.Summary) {
	if len(s.SkippedFiles) > 0 {
		fmt.Fprintf(w, "callqa: skipped %s (not transcripts by their extension; callqa reads %s)\n", corpus.SkippedString(s.SkippedFiles), corpus.Extensions())
	}
}

// checkInputs prints "callqa: N of M inputs failed; K calls analyzed" (or
// "…; no call was read" when every input failed) and returns an
// exit-status-2 error when any input failed.
func checkInputs(w io.Writer, s report.Summary) error {
	if s.InputErrors == 0 {
		return nil
	}
	if s.Calls == 0 {
		fmt.Fprintf(w, "callqa: %d of %d inputs failed; no call was read\n", s.InputErrors, s.InputErrors)
		return &exitError{code: exitTrouble}
	}
	fmt.Fprintf(w, "callqa: %d of %d inputs failed; %d calls analyzed\n", s.InputErrors, s.InputErrors+s.Calls, s.Calls)
	return &exitError{code: exitTrouble}
}
