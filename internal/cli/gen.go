package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/internal/synth"
)

// GenOptions are the inputs of callqa gen.
type GenOptions struct {
	IO *IOStreams

	Calls              int
	Seed               int64
	Format             string
	MinTurns, MaxTurns int
	ASR                float64
	// Out is a file (jsonl, csv; "-" is standard output) or a folder
	// (txt, json, srt, vtt: one file a call).
	Out string
}

func newGenCmd(ios *IOStreams) *cobra.Command {
	opts := &GenOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "gen [flags]",
		Short: "Write a reproducible synthetic corpus of calls (for benchmarks and load tests)",
		Long: `Write synthetic debt-collection calls: the same seed and options always give
the same calls. The mix is realistic in shape: about 40% of the calls hold a
violation (insult, threat, false legal claim, disclosure), 14% reach a third
party, 16% are in Traditional characters, and --asr of them are written the
way speech recognition writes (no punctuation, fillers, repeated words).
Every name is invented; no text holds a phone, ID or card number.

jsonl and csv write every call into one file (--out FILE, or - for standard
output); txt, json, srt and vtt write one file a call into the folder
--out, in sub-folders of 1,000.`,
		Example: `  callqa gen --calls 20000 --out corpus.jsonl
  callqa gen --calls 500 --format txt --out calls/
  callqa gen --calls 100 --format srt --asr 1 --out asr/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(synth.Formats, opts.Format) {
				return flagErrorf("invalid --format %q (want one of %s)", opts.Format, strings.Join(synth.Formats, ", "))
			}
			switch {
			case opts.Calls < 1:
				return flagErrorf("invalid --calls %d (want 1 or more)", opts.Calls)
			case opts.MinTurns < 4:
				return flagErrorf("invalid --min-turns %d (want 4 or more)", opts.MinTurns)
			case opts.MaxTurns < opts.MinTurns+8:
				return flagErrorf("invalid --max-turns %d (want at least --min-turns + 8 = %d: a call opens and closes in several turns)", opts.MaxTurns, opts.MinTurns+8)
			case opts.ASR < 0 || opts.ASR > 1:
				return flagErrorf("invalid --asr %g (want a share from 0 to 1)", opts.ASR)
			case opts.Out == "":
				return flagErrorf("no --out given")
			case opts.Out == "-" && !synth.MultiCall(opts.Format):
				return flagErrorf("--format %s writes one file a call: give a folder as --out", opts.Format)
			}
			return runGen(opts)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&opts.Calls, "calls", "n", 1000, "number of calls")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed")
	f.StringVarP(&opts.Format, "format", "f", "jsonl", "file format: "+strings.Join(synth.Formats, ", "))
	f.IntVar(&opts.MinTurns, "min-turns", 10, "fewest turns a call")
	f.IntVar(&opts.MaxTurns, "max-turns", 60, "most turns a call")
	f.Float64Var(&opts.ASR, "asr", 0.15, "share of calls in speech-recognition style")
	f.StringVarP(&opts.Out, "out", "o", "", "output `FILE` (jsonl, csv; - for standard output) or folder (txt, json, srt, vtt)")
	return cmd
}

func runGen(opts *GenOptions) error {
	g := synth.NewGenerator(opts.Seed, synth.Options{MinTurns: opts.MinTurns, MaxTurns: opts.MaxTurns, ASR: opts.ASR})
	if synth.MultiCall(opts.Format) {
		write := func(w io.Writer) error {
			sw, err := synth.NewWriter(w, opts.Format)
			if err != nil {
				return err
			}
			for i := range opts.Calls {
				if err := sw.Write(g.Call(i)); err != nil {
					return err
				}
			}
			return sw.Flush()
		}
		if opts.Out == "-" {
			return write(opts.IO.Out)
		}
		if err := writeFileAtomic(opts.Out, func(f *os.File) error { return write(f) }); err != nil {
			return &exitError{code: exitTrouble, err: err}
		}
	} else {
		// One small file a call: written whole at once, without the
		// rename and sync of a single output file, which would cost more
		// than the call.
		var buf bytes.Buffer
		for i := range opts.Calls {
			c := g.Call(i)
			dir := filepath.Join(opts.Out, fmt.Sprintf("%04d", i/1000))
			if i%1000 == 0 {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return &exitError{code: exitTrouble, err: err}
				}
			}
			buf.Reset()
			if err := synth.Write(&buf, opts.Format, c); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, c.ID+"."+opts.Format), buf.Bytes(), 0o644); err != nil {
				return &exitError{code: exitTrouble, err: err}
			}
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "callqa: wrote %d calls (%s) to %s\n", opts.Calls, opts.Format, opts.Out)
	return nil
}
