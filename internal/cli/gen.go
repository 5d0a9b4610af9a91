package cli

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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
	// (txt, json, srt, vtt: one file a call). A file is given the
	// format's extension when it has none, so that scan can read it back.
	Out string
	// Force overwrites an existing --out file, or removes the calls an
	// earlier gen wrote into the --out folder; without it gen refuses
	// to write over anything.
	Force bool
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
output); a FILE without an extension gets the format's (corpus becomes
corpus.jsonl), so that scan reads it back. txt, json, srt and vtt write one
file a call into the folder --out, in sub-folders of 1,000.

gen does not write over anything: an --out file that exists, or an --out
folder that holds files, is an error. --force overwrites the file, or
removes from the folder the calls an earlier gen wrote (NNNN/SYN*.txt and
the like) before writing the new ones; a folder that holds other files is
still refused, since scan would read them beside the new calls.`,
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
			if opts.Out != "-" && synth.MultiCall(opts.Format) {
				out, err := genFile(opts.Out, opts.Format)
				if err != nil {
					return err
				}
				opts.Out = out
			}
			if err := clearGenOut(opts); err != nil {
				return &exitError{code: exitTrouble, err: err}
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
	f.BoolVar(&opts.Force, "force", false, "overwrite the --out file, or remove the calls an earlier gen wrote into the --out folder")
	return cmd
}

// genFile is the file a one-file format (jsonl, csv) is written to: out,
// with ".FORMAT" added when it has no extension. An extension of another
// format is a usage error, since scan picks its reader by the extension
// and could not read the file back.
func genFile(out, format string) (string, error) {
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)) {
		return "", flagErrorf("--format %s writes every call into one file: give a file name as --out, such as corpus.%s", format, format)
	}
	switch ext := filepath.Ext(out); {
	case ext == "":
		return out + "." + format, nil
	case strings.EqualFold(ext, "."+format):
		return out, nil
	}
	return "", flagErrorf("--out %s: a %s corpus must be named .%s to be read back (scan picks the reader by the extension)", out, format, format)
}

// genCallFile matches the path, relative to --out, of a call gen wrote in
// a one-file-a-call format: a numbered sub-folder and SYN + the number.
var genCallFile = regexp.MustCompile(`^[0-9]{4,}/SYN[0-9]{6,}\.(txt|json|srt|vtt)$`)

// clearGenOut makes way for the output of gen: it refuses an --out file or
// folder that holds anything unless --force, and with --force removes
// the calls an earlier gen wrote into the folder (a one-file output is
// overwritten when it is written). A folder with files gen did not write
// is refused even with --force.
func clearGenOut(opts *GenOptions) error {
	if opts.Out == "-" {
		return nil
	}
	st, err := os.Stat(opts.Out)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return err
	case synth.MultiCall(opts.Format):
		if st.IsDir() {
			return fmt.Errorf("--out %s is a folder: --format %s writes every call into one file", opts.Out, opts.Format)
		}
		if !opts.Force {
			return fmt.Errorf("--out %s: file exists (--force overwrites it)", opts.Out)
		}
		return nil
	case !st.IsDir():
		return fmt.Errorf("--out %s is a file: --format %s writes one file a call into a folder", opts.Out, opts.Format)
	}
	ours, others, err := listGenOut(opts.Out)
	if err != nil {
		return err
	}
	switch {
	case len(others) > 0:
		return fmt.Errorf("--out %s: folder holds files gen did not write (%s); scan would read them beside the new calls: give an empty or a new folder", opts.Out, firstFew(others))
	case len(ours) > 0 && !opts.Force:
		return fmt.Errorf("--out %s: folder already holds %d calls of an earlier gen; scan would read them beside the new ones: give a new folder, or --force to remove them first", opts.Out, len(ours))
	}
	for _, p := range ours {
		if err := os.Remove(filepath.Join(opts.Out, p)); err != nil {
			return err
		}
	}
	// The numbered sub-folders, now empty; one that is not stays.
	entries, err := os.ReadDir(opts.Out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			_ = os.Remove(filepath.Join(opts.Out, e.Name()))
		}
	}
	return nil
}

// listGenOut lists the files under dir, relative to it with slashes:
// ours are calls gen wrote, others everything else (folders that hold
// nothing are not listed).
func listGenOut(dir string) (ours, others []string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.Type().IsRegular() && genCallFile.MatchString(rel) {
			ours = append(ours, rel)
		} else {
			others = append(others, rel)
		}
		return nil
	})
	return ours, others, err
}

// firstFew names up to three paths of list, and how many more there are.
func firstFew(list []string) string {
	const show = 3
	if len(list) <= show {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:show], ", "), len(list)-show)
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
