package cli

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/corpus"
	_ "github.com/callqa/callqa/corpus/asr" // the speech-recognition formats
)

// inputFlags are the raw values of the flags that say how to read inputs:
// speech-recognition outputs and the limits of one input. readOptions
// turns them into corpus.ReadOptions before the command runs.
type inputFlags struct {
	format   string
	roles    string
	mergeGap float64
	csv      string

	maxFileSize   sizeFlag
	maxLineLength sizeFlag
	maxTurns      int
	maxTurnsSet   bool
}

// addInputFlags adds --input-format, --roles, --merge-gap, --csv-columns
// and the limits --max-file-size, --max-line-length and --max-turns to
// cmd and returns where their values go (addBatchFlags reads them).
func addInputFlags(cmd *cobra.Command) *inputFlags {
	raw := &inputFlags{
		maxFileSize:   sizeFlag{n: corpus.MaxFileSize},
		maxLineLength: sizeFlag{n: corpus.MaxLineLength},
		maxTurns:      corpus.MaxTurns,
	}
	f := cmd.Flags()
	f.StringVar(&raw.format, "input-format", "auto", "read every input as `FORMAT`: "+strings.Join(corpus.FormatNames(), ", "))
	f.StringVar(&raw.roles, "roles", "", "speaker or channel to role for speech-recognition output, e.g. `0=agent,1=customer` (default: infer)")
	f.Float64Var(&raw.mergeGap, "merge-gap", 0, "merge a speaker's consecutive segments less than `SECONDS` apart into one turn (default 3; negative: never)")
	f.StringVar(&raw.csv, "csv-columns", "", "CSV export `COLUMNS`, e.g. call_id=通话ID,speaker=说话人,text=内容,start=开始时间,unit=ms")
	f.Var(&raw.maxFileSize, "max-file-size", "refuse an input larger than `SIZE` (e.g. 100MB, 64MiB), from its size, without reading it")
	f.Var(&raw.maxLineLength, "max-line-length", "refuse a transcript with a line, or a turn, longer than `SIZE`")
	f.IntVar(&raw.maxTurns, "max-turns", corpus.MaxTurns, "refuse a call with more than `N` turns")
	return raw
}

// readOptions checks the input flags of cmd and returns the ReadOptions
// they ask for: the zero ReadOptions, whose limits are the defaults,
// when none was given.
func (raw *inputFlags) readOptions(cmd *cobra.Command) (corpus.ReadOptions, error) {
	raw.maxTurnsSet = cmd.Flags().Changed("max-turns")
	var o corpus.ReadOptions
	if !slices.Contains(corpus.FormatNames(), raw.format) {
		return o, fmt.Errorf("invalid --input-format %q (want one of %s)", raw.format, strings.Join(corpus.FormatNames(), ", "))
	}
	if raw.format != "auto" {
		o.Format = raw.format
	}
	if raw.roles != "" {
		m, err := corpus.ParseRoleMap(raw.roles)
		if err != nil {
			return o, fmt.Errorf("--%w", err)
		}
		o.Build.Roles = m
	}
	o.Build.MergeGap = raw.mergeGap
	if raw.csv != "" {
		cols, err := parseCSVColumns(raw.csv)
		if err != nil {
			return o, err
		}
		o.CSV = cols
	}
	// Only limits given on the command line are set: zero means the default.
	if raw.maxFileSize.set {
		o.Limits.FileSize = raw.maxFileSize.n
	}
	if raw.maxLineLength.set {
		o.Limits.LineLength = int(min(raw.maxLineLength.n, math.MaxInt32))
	}
	if raw.maxTurnsSet {
		if raw.maxTurns < 1 {
			return o, fmt.Errorf("invalid --max-turns %d (want 1 or more)", raw.maxTurns)
		}
		o.Limits.Turns = raw.maxTurns
	}
	return o, nil
}

// sizeFlag is a flag holding a number of bytes, written as parseSize
// reads it: 1048576, 64MiB, 100MB (powers of 1000) or 1.5GiB. set tells
// whether it was given.
type sizeFlag struct {
	n   int64
	set bool
}

func (s *sizeFlag) String() string { return formatSize(s.n) }

func (s *sizeFlag) Type() string { return "size" }

func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	s.n, s.set = n, true
	return nil
}

// formatSize writes n bytes as parseSize reads them, in the largest binary
// unit that divides it.
func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10)
}

// parseCSVColumns reads KEY=COLUMN pairs; a column is a header name or a
// 1-based number.
func parseCSVColumns(s string) (corpus.CSVColumns, error) {
	var c corpus.CSVColumns
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || v == "" {
			return c, fmt.Errorf("--csv-columns: %q is not KEY=COLUMN", strings.TrimSpace(part))
		}
		switch k {
		case "call_id":
			c.CallID = v
		case "speaker":
			c.Speaker = v
		case "text":
			c.Text = v
		case "start":
			c.Start = v
		case "end":
			c.End = v
		case "unit":
			if v != "s" && v != "ms" {
				return c, fmt.Errorf("--csv-columns: unit must be s or ms, got %q", v)
			}
			c.TimeUnit = v
		default:
			return c, fmt.Errorf("--csv-columns: unknown key %q (want call_id, speaker, text, start, end, unit)", k)
		}
		if k != "unit" {
			if n, err := strconv.Atoi(v); err == nil && n < 1 {
				return c, fmt.Errorf("--csv-columns: column numbers start at 1, got %s=%d", k, n)
			}
		}
	}
	return c, nil
}
