package cli

import (
	"runtime"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
)

// batchParser parses the flags of a batch command (args, then the
// command's required flags, then a path) and returns its BatchOptions.
type batchParser func(args string) (*BatchOptions, error)

func parseBatch[O any](newCmd func(*IOStreams, func(*O) error) *cobra.Command, required string, batch func(*O) *BatchOptions) batchParser {
	return func(args string) (*BatchOptions, error) {
		got, _, err := parseFlags(newCmd, args+" "+required+" a.txt")
		if got == nil {
			return nil, err
		}
		return batch(got), err
	}
}

// TestBatchFlagsEveryCommand checks that the five batch commands take the
// same rules, input, jobs, masking and progress flags into the same
// embedded BatchOptions, and reject a bad one with the same usage error.
func TestBatchFlagsEveryCommand(t *testing.T) {
	commands := map[string]batchParser{
		"scan":   parseBatch(newScanCmd, "", func(o *ScanOptions) *BatchOptions { return &o.BatchOptions }),
		"eval":   parseBatch(newEvalCmd, "--labels gold.jsonl", func(o *EvalOptions) *BatchOptions { return &o.BatchOptions }),
		"index":  parseBatch(newIndexCmd, "", func(o *IndexOptions) *BatchOptions { return &o.BatchOptions }),
		"score":  parseBatch(newScoreCmd, "", func(o *ScoreOptions) *BatchOptions { return &o.BatchOptions }),
		"report": parseBatch(newReportCmd, "--out r.html", func(o *ReportOptions) *BatchOptions { return &o.BatchOptions }),
	}
	every := "--rules team/ --rules more.yaml -j 3 --no-redact -q" +
		" --input-format csv --roles 0=agent,1=customer --merge-gap 1.5" +
		" --csv-columns call_id=通话ID,speaker=2,text=3,unit=ms" +
		" --max-file-size 1MiB --max-line-length 4KiB --max-turns 100 --min-asr-confidence 0.75"
	want := BatchOptions{
		Rules:   []string{"team/", "more.yaml"},
		Workers: 3,
		Input: corpus.ReadOptions{
			Format: "csv",
			Build:  corpus.BuildOptions{Roles: map[string]corpus.Role{"0": "agent", "1": "customer"}, MergeGap: 1.5},
			CSV:    corpus.CSVColumns{CallID: "通话ID", Speaker: "2", Text: "3", TimeUnit: "ms"},
			Limits: corpus.Limits{FileSize: 1 << 20, LineLength: 4 << 10, Turns: 100},
		},
		NoRedact:         true,
		Quiet:            true,
		MinASRConfidence: 0.75,
	}
	usageErrors := []struct{ args, want string }{
		{"--jobs 0", "invalid --jobs 0 (want 1 or more)"},
		{"--roles 0=boss", `--roles: "0": unknown role "boss" (want agent, customer or third_party)`},
		{"--csv-columns who=2", `--csv-columns: unknown key "who" (want call_id, speaker, text, start, end, unit)`},
		{"--max-turns 0", "invalid --max-turns 0 (want 1 or more)"},
		{"--min-asr-confidence 1.5", "invalid --min-asr-confidence 1.5 (want 0 to 1)"},
	}
	for name, parse := range commands {
		t.Run(name, func(t *testing.T) {
			got, err := parse(every)
			require.NoError(t, err)
			require.NotNil(t, got)
			assert.Equal(t, want, *got)

			got, err = parse("")
			require.NoError(t, err)
			assert.Equal(t, BatchOptions{Workers: runtime.GOMAXPROCS(0), MinASRConfidence: analyzer.DefaultMinASRConfidence}, *got, "no flag: the defaults, zero limits")

			for _, ue := range usageErrors {
				got, err := parse(ue.args)
				assert.Nil(t, got, ue.args)
				var fe *FlagError
				assert.ErrorAs(t, err, &fe, ue.args)
				assert.EqualError(t, err, ue.want, ue.args)
			}
		})
	}
}
