package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/htmlreport"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// ReportOptions are the inputs of callqa report.
type ReportOptions struct {
	IO *IOStreams

	// Paths are transcript files or folders; "-" is standard input.
	Paths []string
	// Out is the HTML file to write.
	Out string
	// Scorecard is a scorecard file; empty means the default scorecard.
	Scorecard string
	// Title heads the report.
	Title string
	BatchOptions

	// now is the report's time; nil means time.Now (tests set it).
	now func() time.Time
}

func newReportCmd(ios *IOStreams, runF func(*ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "report --out FILE [--scorecard FILE] [--rules PATH]... PATH...",
		Short: "Score a batch of calls and write a self-contained HTML report",
		Long: `Scan and score calls as score does, and write one HTML file that a team lead
can open in any browser and share: totals and pass rate, violations by
category, agent and team, task coverage, a sortable table of the calls, and
one view per call with its turns, the violations highlighted in the text,
the task evidence marked and the coaching hints beside the turns.

The file is self-contained (no network, no external fonts or scripts) and
is written to a temporary file next to FILE and renamed onto it, so FILE is
either the old report or the whole new one. Inputs that cannot be read are
reported on stderr as in scan and left out of the report.

Exit status: 0 when every input was read; 2 when an input failed, on a
usage error, or when the scorecard, the rules or the output did not work.`,
		Example: `  callqa report --out report.html calls/2026-03-03/
  callqa report --out m2.html --scorecard team.yaml --title "M2 practice, 3 March" practice/`,
		Args: requirePaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			switch opts.Out {
			case "":
				return flagErrorf("--out FILE is required")
			case "-":
				return flagErrorf("--out must name a file (callqa score --format html writes the report to standard output)")
			}
			if runF != nil {
				return runF(opts)
			}
			return runReport(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Out, "out", "o", "", "write the report to `FILE` (required)")
	f.StringVar(&opts.Scorecard, "scorecard", "", "scorecard `FILE` (default: the built-in policy.md scorecard)")
	f.StringVar(&opts.Title, "title", "", "report `TITLE` (default \"callqa report\")")
	addBatchFlags(cmd, &opts.BatchOptions)
	return cmd
}

func runReport(opts *ReportOptions) error {
	// Fail before a long scan when the report could not be written.
	dir := filepath.Dir(opts.Out)
	if st, err := os.Stat(dir); err != nil {
		return &exitError{code: exitTrouble, err: fmt.Errorf("--out %s: %w", opts.Out, err)}
	} else if !st.IsDir() {
		return &exitError{code: exitTrouble, err: fmt.Errorf("--out %s: %s is not a folder", opts.Out, dir)}
	}
	if st, err := os.Stat(opts.Out); err == nil && st.IsDir() {
		return &exitError{code: exitTrouble, err: fmt.Errorf("--out %s is a folder; name the HTML file to write", opts.Out)}
	}

	sc, extra, err := loadScorecard(opts.Scorecard)
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	s, err := newScanner(opts.IO, scannerOptions{Paths: opts.Paths, BatchOptions: opts.BatchOptions, Extra: extra})
	if err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	var calls []*score.CallScore
	summary, err := s.run(func(res *result.Result) error {
		calls = append(calls, score.Score(res, sc))
		return nil
	})
	if err != nil {
		return err
	}

	now := time.Now
	if opts.now != nil {
		now = opts.now
	}
	ro := htmlreport.Options{Title: opts.Title, Generated: now(), Scorecard: sc.Label()}
	if err := writeFileAtomic(opts.Out, func(f *os.File) error {
		w := bufio.NewWriter(f)
		if err := htmlreport.Write(w, calls, ro); err != nil {
			return err
		}
		return w.Flush()
	}); err != nil {
		return &exitError{code: exitTrouble, err: err}
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s (%d %s)\n", opts.Out, len(calls), plural(len(calls), "call", "calls"))
	return checkInputs(opts.IO.ErrOut, summary)
}

// writeFileAtomic writes path through write into a temporary file in the
// same folder, syncs it and renames it onto path, so that a crash leaves
// either the old file or the whole new one, never a partial file. The
// temporary file is removed when anything fails.
func writeFileAtomic(path string, write func(*os.File) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	// CreateTemp makes the file readable by its owner only; a report is
	// meant to be shared.
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename in dir durable, as far as the system allows:
// not every system can sync a folder, and the report is written either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
