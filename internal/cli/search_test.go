package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/termtab"
)

// facet builds facet counts from "value count" strings.
func facet(counts ...string) []index.FacetCount {
	out := []index.FacetCount{}
	for _, c := range counts {
		i := strings.LastIndex(c, " ")
		n, err := strconv.Atoi(c[i+1:])
		if err != nil {
			panic(c)
		}
		out = append(out, index.FacetCount{Value: c[:i], Count: n})
	}
	return out
}

func TestNewSearchCmd(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }
	yes, no := true, false
	defaults := func(q index.Query) index.Query {
		if q.Limit == 0 {
			q.Limit = 20
		}
		if q.Sort == "" {
			q.Sort = "date"
		}
		return q
	}
	tests := []struct {
		name    string
		args    string
		want    SearchOptions // From, To, PassOnly and FailOnly are checked through Query
		wantErr string
	}{
		{name: "defaults", args: "", want: SearchOptions{Format: "table", Query: defaults(index.Query{})}},
		{
			name: "every_filter",
			args: "--category threat --team M1-A --agent 李娜 --party third_party --limit 5 --offset 10 --sort score -f jsonl --findings 坐牢",
			want: SearchOptions{Format: "jsonl", Query: index.Query{
				Text: "坐牢", Category: "threat", Team: "M1-A", Agent: "李娜", Party: "third_party",
				Limit: 5, Offset: 10, Sort: "score", Findings: true,
			}},
		},
		{
			name: "dates_whole_days",
			args: "--from 2026-03-01 --to 2026-03-07",
			want: SearchOptions{Format: "table", Query: defaults(index.Query{From: day(2026, 3, 1), To: day(2026, 3, 8)})},
		},
		{
			name: "rfc3339_is_exact",
			args: "--from 2026-03-01T08:00:00+08:00 --to 2026-03-07T10:30:00Z",
			want: SearchOptions{Format: "table", Query: defaults(index.Query{
				From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 7, 10, 30, 0, 0, time.UTC),
			})},
		},
		{name: "pass", args: "--pass", want: SearchOptions{Format: "table", Query: defaults(index.Query{Pass: &yes})}},
		{name: "fail", args: "--fail", want: SearchOptions{Format: "table", Query: defaults(index.Query{Pass: &no})}},
		{name: "relevance", args: "--sort relevance 老赖", want: SearchOptions{Format: "table", Query: defaults(index.Query{Text: "老赖", Sort: "relevance"})}},
		{
			name: "several_indexes_and_globs",
			args: "--index a.bleve --index archive/2026-*.bleve",
			want: SearchOptions{Format: "table", Indexes: []string{"a.bleve", "archive/2026-*.bleve"}, Query: defaults(index.Query{})},
		},
		{name: "candidates", args: "--candidates --team M1-A", want: SearchOptions{Format: "table", Query: defaults(index.Query{Candidates: true, Team: "M1-A"})}},
		{name: "candidates_and_findings", args: "--candidates --findings", wantErr: "--candidates and --findings exclude each other: candidates are turns no rule flagged, not findings"},
		{name: "pass_and_fail", args: "--pass --fail", wantErr: "--pass and --fail exclude each other"},
		{name: "bad_from", args: "--from 03/01/2026", wantErr: `--from: "03/01/2026" is not a date like 2026-03-01 or an RFC 3339 time`},
		{name: "bad_to", args: "--to 2026-02-30", wantErr: `--to: "2026-02-30" is not a date like 2026-03-01 or an RFC 3339 time`},
		{name: "bad_sort", args: "--sort agent", wantErr: `invalid --sort "agent"; want one of date, score, relevance`},
		{name: "misspelt_sort", args: "--sort scores", wantErr: `invalid --sort "scores" (did you mean "score"?); want one of date, score, relevance`},
		{name: "bad_format", args: "--format csv", wantErr: `invalid --format "csv"; want one of table, json, jsonl`},
		{name: "misspelt_format", args: "--format jsnl", wantErr: `invalid --format "jsnl" (did you mean "jsonl"?); want one of table, json, jsonl`},
		{name: "misspelt_category", args: "--category insults", wantErr: `invalid --category "insults" (did you mean "insult"?); want one of insult, threat, false_legal_claim, third_party_disclosure`},
		{name: "unknown_category", args: "--category rude", wantErr: `invalid --category "rude"; want one of insult, threat, false_legal_claim, third_party_disclosure`},
		{
			name: "customer_abuse_of_calls", args: "--category customer_abuse",
			wantErr: `invalid --category "customer_abuse" (customer abuse is not a violation, so no call is filtered by it; search findings for it); want one of insult, threat, false_legal_claim, third_party_disclosure`,
		},
		{
			name: "customer_abuse_of_findings", args: "--findings --category customer_abuse",
			want: SearchOptions{Format: "table", Query: defaults(index.Query{Category: "customer_abuse", Findings: true})},
		},
		{name: "misspelt_party", args: "--party debitor", wantErr: `invalid --party "debitor" (did you mean "debtor"?); want one of debtor, third_party`},
		{name: "misspelt_party_code", args: "--party third-party", wantErr: `invalid --party "third-party" (did you mean "third_party"?); want one of debtor, third_party`},
		{name: "zero_limit", args: "--limit 0", wantErr: "--limit must be at least 1"},
		{name: "unknown_flag", args: "--categroy threat", wantErr: "unknown flag: --categroy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newSearchCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			assert.True(t, tt.want.Query.From.Equal(got.Query.From), "from: %v", got.Query.From)
			assert.True(t, tt.want.Query.To.Equal(got.Query.To), "to: %v", got.Query.To)
			gotQ, wantQ := got.Query, tt.want.Query
			gotQ.From, gotQ.To, wantQ.From, wantQ.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			assert.Equal(t, wantQ, gotQ)
			assert.Equal(t, tt.want.Format, got.Format)
			assert.Equal(t, tt.want.Indexes, got.Indexes)
		})
	}
	t.Run("two_queries", func(t *testing.T) {
		got, _, err := parseFlags(newSearchCmd, "坐牢 老赖")
		assert.Error(t, err)
		assert.Nil(t, got)
	})
}

func TestNewStatsCmd(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    StatsOptions
		wantErr string
	}{
		{name: "defaults", args: "", want: StatsOptions{By: "team", Format: "table"}},
		{name: "every_flag", args: "--index a.bleve --index b/*.bleve --by month -f json", want: StatsOptions{Indexes: []string{"a.bleve", "b/*.bleve"}, By: "month", Format: "json"}},
		{name: "category", args: "--by category", want: StatsOptions{By: "category", Format: "table"}},
		{name: "bad_by", args: "--by rule", wantErr: `invalid --by "rule" (want one of team, agent, month, category)`},
		{name: "bad_format", args: "--format jsonl", wantErr: `invalid --format "jsonl" (want table or json)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newStatsCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			got.IO = nil
			assert.Equal(t, tt.want, *got)
		})
	}
	t.Run("no_arguments", func(t *testing.T) {
		got, _, err := parseFlags(newStatsCmd, "team")
		assert.Error(t, err)
		assert.Nil(t, got)
	})
}

func TestExpandIndexes(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"m-2026-03.bleve", "m-2026-04.bleve", "other.bleve"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr string
	}{
		{name: "default", in: nil, want: []string{"callqa.bleve"}},
		{name: "plain_names_kept", in: []string{"a.bleve", "missing.bleve"}, want: []string{"a.bleve", "missing.bleve"}},
		{name: "glob", in: []string{root + "/m-*.bleve"}, want: []string{root + "/m-2026-03.bleve", root + "/m-2026-04.bleve"}},
		{name: "glob_and_name", in: []string{root + "/other.bleve", root + "/m-2026-0[4].bleve"}, want: []string{root + "/other.bleve", root + "/m-2026-04.bleve"}},
		{name: "glob_matches_nothing", in: []string{root + "/x-*.bleve"}, wantErr: fmt.Sprintf(`--index %q matches no folder`, root+"/x-*.bleve")},
		{name: "bad_pattern", in: []string{root + "/[.bleve"}, wantErr: "syntax error in pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expandIndexes(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// sample returns the path of one of the README's sample calls.
func sample(name string) string {
	return filepath.Join("..", "..", "testdata", "calls", name)
}

// indexSamples indexes the README's sample calls (S01–S07) into two
// shards, m-1.bleve (S01–S03) and m-2.bleve (S04–S07), and returns their
// folder.
func indexSamples(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	shards := map[string][]string{
		"m-1.bleve": {sample("S01_compliant.txt"), sample("S02_insult_threat.txt"), sample("S03_false_legal.txt")},
		"m-2.bleve": {sample("S04_third_party.txt"), sample("S05_third_party_ok.txt"), sample("S06_traditional.txt"), sample("S07_asr.json")},
	}
	for name, paths := range shards {
		code, _, errOut := callqa(append([]string{"index", "--index", filepath.Join(root, name)}, paths...)...)
		require.Equal(t, exitOK, code, errOut)
	}
	return root
}

// TestRunSearch searches the sample calls across two shards given as a
// glob, in each output format.
func TestRunSearch(t *testing.T) {
	root := indexSamples(t)
	shards := filepath.Join(root, "m-*.bleve")

	t.Run("json_union_of_shards", func(t *testing.T) {
		code, out, errOut := callqa("search", "--index", shards, "--format", "json", "--limit", "2")
		require.Equal(t, exitOK, code, errOut)
		var doc map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
		for _, key := range []string{"total", "hits", "facets"} {
			assert.Contains(t, doc, key)
		}
		var res index.Results
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		assert.EqualValues(t, 7, res.Total, "all matches, not the page")
		assert.Equal(t, []string{"S07", "S06"}, hitIDs(res), "newest first")
		assert.Equal(t, facet("M1-A 3", "M1-B 1", "M1-C 1", "M2-B 1", "TW-1 1"), res.Facets["team"])
		assert.Equal(t, facet("false_legal_claim 2", "insult 2", "third_party_disclosure 1", "threat 1"), res.Facets["category"])
		assert.Equal(t, facet("2026-03 7"), res.Facets["month"])
	})
	t.Run("repeated_index_flag", func(t *testing.T) {
		res := searchJSON(t, "--index", filepath.Join(root, "m-1.bleve"), "--index", filepath.Join(root, "m-2.bleve"), "--category", "insult")
		assert.Equal(t, []string{"S06", "S02"}, hitIDs(res))
	})
	t.Run("jsonl_fields", func(t *testing.T) {
		code, out, errOut := callqa("search", "--index", shards, "--format", "jsonl", "--category", "threat")
		require.Equal(t, exitOK, code, errOut)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		require.Len(t, lines, 1, out)
		var hit map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[0]), &hit))
		for _, key := range []string{"call_id", "started_at", "team", "agent", "score", "pass", "categories", "highlights"} {
			assert.Contains(t, hit, key)
		}
		assert.Equal(t, "S02", hit["call_id"])
		assert.Equal(t, "2026-03-03T15:20:00+08:00", hit["started_at"])
		assert.Equal(t, []any{"insult", "threat"}, hit["categories"])
		hl := hit["highlights"].([]any)
		require.Len(t, hl, 1)
		assert.Equal(t, float64(7), hl[0].(map[string]any)["turn"])
		assert.Contains(t, hl[0].(map[string]any)["marked"], "【出门最好小心】")
	})
	t.Run("table_traditional_query", func(t *testing.T) {
		code, out, errOut := callqa("search", "--index", shards, "骗子")
		require.Equal(t, exitOK, code, errOut)
		assert.True(t, strings.HasPrefix(out, "1 matching calls, showing 1 from 1 ("), out)
		assert.Contains(t, out, "S06  2026-03-06T14:00:00+08:00  TW-1  陳怡君  score 25  FAIL  insult,false_legal_claim\n")
		assert.Contains(t, out, "  t5  你就是個【騙子】，")
		assert.Contains(t, out, "\nby category  false_legal_claim 1 · insult 1\nby team      TW-1 1\n")
	})
	t.Run("findings_jsonl", func(t *testing.T) {
		code, out, errOut := callqa("search", "--index", shards, "--findings", "--format", "jsonl", "--category", "false_legal_claim")
		require.Equal(t, exitOK, code, errOut)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		require.Len(t, lines, 3, out)
		var got []string
		for _, l := range lines {
			var f index.FindingHit
			require.NoError(t, json.Unmarshal([]byte(l), &f))
			got = append(got, fmt.Sprintf("%s/%d/%s", f.CallID, f.Turn, f.Rule))
		}
		assert.Equal(t, []string{"S06/5/false_legal_claim.crime", "S03/5/false_legal_claim.crime", "S03/7/false_legal_claim.certain_action"}, got)
	})
	t.Run("dates", func(t *testing.T) {
		// A bare date is a day in the local zone; pin it to the calls' zone
		// so the test does not depend on the machine's.
		local := time.Local
		time.Local = time.FixedZone("CST", 8*3600)
		t.Cleanup(func() { time.Local = local })
		res := searchJSON(t, "--index", shards, "--from", "2026-03-04", "--to", "2026-03-05")
		assert.Equal(t, []string{"S05", "S04", "S03"}, hitIDs(res), "--to includes the whole day")
	})
	t.Run("bad_filter_is_a_usage_error", func(t *testing.T) {
		for _, args := range [][]string{{"--category", "insults"}, {"--party", "debitor"}} {
			code, out, errOut := callqa(append([]string{"search", "--index", shards}, args...)...)
			assert.Equal(t, exitTrouble, code, "%v", args)
			assert.Empty(t, out, "no results printed for %v", args)
			assert.Contains(t, errOut, "did you mean", "%v", args)
		}
	})
	t.Run("query_syntax_error_says_why", func(t *testing.T) {
		code, out, errOut := callqa("search", "--index", shards, "坐牢 +")
		assert.Equal(t, exitTrouble, code)
		assert.Empty(t, out)
		assert.Equal(t, `callqa: syntax error in "坐牢 +": text holding + is read as Bleve query-string syntax; to search the words as written, escape it with a backslash (坐牢 \+) or leave it out`+"\n", errOut)
	})
	t.Run("escaped_query_searches_as_written", func(t *testing.T) {
		res := searchJSON(t, "--index", shards, `出门最好小心 \+`)
		assert.Equal(t, []string{"S02"}, hitIDs(res))
	})
	t.Run("missing_index", func(t *testing.T) {
		code, _, errOut := callqa("search", "--index", filepath.Join(root, "none.bleve"))
		assert.Equal(t, exitTrouble, code)
		assert.Contains(t, errOut, "no index here (create one with callqa index)")
	})
	t.Run("glob_matches_nothing", func(t *testing.T) {
		code, _, errOut := callqa("search", "--index", filepath.Join(root, "x-*.bleve"))
		assert.Equal(t, exitTrouble, code)
		assert.Contains(t, errOut, "matches no folder")
	})
}

func TestRunStats(t *testing.T) {
	root := indexSamples(t)
	code, out, errOut := callqa("stats", "--index", filepath.Join(root, "m-*.bleve"), "--by", "team")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, strings.Join([]string{
		"  TEAM  calls  failed  pass rate  violations",
		"  M1-B      1       1       0.0%           2",
		"  M2-B      1       1       0.0%           2",
		"  TW-1      1       1       0.0%           2",
		"  M1-A      3       1      66.7%           1",
		"  M1-C      1       0     100.0%           0",
		"",
	}, "\n"), strings.ReplaceAll(out, " \n", "\n"))

	// Chinese names of two and three characters line up on the screen:
	// every row ends in the same display column.
	code, out, errOut = callqa("stats", "--index", filepath.Join(root, "m-*.bleve"), "--by", "agent")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, strings.Join([]string{
		"   AGENT  calls  failed  pass rate  violations",
		"    孙磊      1       1       0.0%           2",
		"    赵强      1       1       0.0%           2",
		"  陳怡君      1       1       0.0%           2",
		"    周敏      2       1      50.0%           1",
		"    李娜      1       0     100.0%           0",
		"    王磊      1       0     100.0%           0",
		"",
	}, "\n"), out)
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		assert.Equal(t, termtab.Width("   AGENT  calls  failed  pass rate  violations"), termtab.Width(line), "%q", line)
	}

	code, out, errOut = callqa("stats", "--index", filepath.Join(root, "m-*.bleve"), "--by", "category", "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	var rows []index.StatsRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows), out)
	assert.Equal(t, []index.StatsRow{
		{Group: "false_legal_claim", Calls: 2, Failed: 2, Violations: 3},
		{Group: "insult", Calls: 2, Failed: 2, Violations: 2},
		{Group: "third_party_disclosure", Calls: 1, Failed: 1, Violations: 1},
		{Group: "threat", Calls: 1, Failed: 1, Violations: 1},
	}, rows)
}
