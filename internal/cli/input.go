package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/callqa/callqa/corpus"
)

// inputFlags are the raw values of the flags that say how to read
// speech-recognition outputs; PreRunE turns them into corpus.ReadOptions.
type inputFlags struct {
	format   string
	roles    string
	mergeGap float64
	csv      string
}

// addInputFlags adds --input-format, --roles, --merge-gap and
// --csv-columns to a command that reads transcripts, and fills *into before
// the command runs. Without the flags *into stays the zero ReadOptions.
func addInputFlags(cmd *cobra.Command, into *corpus.ReadOptions) {
	raw := &inputFlags{}
	f := cmd.Flags()
	f.StringVar(&raw.format, "input-format", "auto", "read every input as `FORMAT`: "+strings.Join(corpus.FormatNames(), ", "))
	f.StringVar(&raw.roles, "roles", "", "speaker or channel to role for speech-recognition output, e.g. `0=agent,1=customer` (default: infer)")
	f.Float64Var(&raw.mergeGap, "merge-gap", 0, "merge a speaker's consecutive segments less than `SECONDS` apart into one turn (default 3; negative: never)")
	f.StringVar(&raw.csv, "csv-columns", "", "CSV export columns, e.g. `call_id=通话ID,speaker=说话人,text=内容,start=开始时间,unit=ms`")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if prev != nil {
			if err := prev(c, args); err != nil {
				return err
			}
		}
		opts, err := raw.readOptions()
		if err != nil {
			return &FlagError{Err: err}
		}
		*into = opts
		return nil
	}
}

func (raw *inputFlags) readOptions() (corpus.ReadOptions, error) {
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
	return o, nil
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
