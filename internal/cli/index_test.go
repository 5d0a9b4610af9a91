package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/specdata"
	"github.com/callqa/callqa/similar"
)

// childEnv makes the test binary run callqa instead of the tests: the
// kill -9 test starts it as a real child process and kills it.
const childEnv = "CALLQA_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// callqa runs a command line in process and returns the exit status,
// stdout and stderr.
func callqa(args ...string) (int, string, string) {
	ios, out, errOut := testIO("")
	code := run(args, ios)
	return code, out.String(), errOut.String()
}

func TestNewIndexCmd(t *testing.T) {
	workers := runtime.GOMAXPROCS(0)
	tests := []struct {
		name    string
		args    string
		want    IndexOptions
		wantErr string
	}{
		{
			name: "defaults",
			args: "calls/",
			want: IndexOptions{Paths: []string{"calls/"}, Dir: "callqa.bleve", BatchOptions: BatchOptions{Workers: workers, MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{Similar: true, SimilarThreshold: similar.DefaultThreshold}, BatchSize: 500},
		},
		{
			name: "every_flag",
			args: "--index archive/2026-03.bleve --rules team/ --rules more.yaml --workers 3 --batch-size 50 --progress --db qa.db a.txt b/",
			want: IndexOptions{
				Paths: []string{"a.txt", "b/"}, Dir: "archive/2026-03.bleve",
				BatchOptions: BatchOptions{Rules: []string{"team/", "more.yaml"}, Workers: 3, MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{Similar: true, SimilarThreshold: similar.DefaultThreshold}, BatchSize: 50, Progress: true,
				DB: "qa.db", IndexGiven: true,
			},
		},
		{
			name: "from_jsonl_into_postgres",
			args: "--from-jsonl --db postgres://qa@db/callqa -",
			want: IndexOptions{Paths: []string{"-"}, Dir: "callqa.bleve", BatchOptions: BatchOptions{Workers: workers, MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{Similar: true, SimilarThreshold: similar.DefaultThreshold}, BatchSize: 500,
				DB: "postgres://qa@db/callqa", FromJSONL: true},
		},
		{
			name: "similar_off",
			args: "--similar=false a.txt",
			want: IndexOptions{Paths: []string{"a.txt"}, Dir: "callqa.bleve", BatchOptions: BatchOptions{Workers: workers, MinASRConfidence: analyzer.DefaultMinASRConfidence}, SimilarOptions: SimilarOptions{SimilarThreshold: similar.DefaultThreshold}, BatchSize: 500},
		},
		{name: "no_path", args: "--index x.bleve", wantErr: "no PATH given (name transcript files or folders, or - for standard input)"},
		{name: "zero_batch", args: "--batch-size 0 a.txt", wantErr: "--batch-size must be at least 1"},
		{name: "zero_workers", args: "--workers 0 a.txt", wantErr: "invalid --jobs 0 (want 1 or more)"},
		{name: "batch_not_a_number", args: "--batch-size many a.txt", wantErr: `invalid argument "many" for "--batch-size" flag: strconv.ParseInt: parsing "many": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ios, err := parseFlags(newIndexCmd, tt.args)
			if !parsed(t, got, err, tt.wantErr) {
				return
			}
			assert.Same(t, ios, got.IO)
			got.IO = nil
			assert.Equal(t, tt.want, *got)
		})
	}
}

// copyInto copies the files of the given folders into dir.
func copyInto(t *testing.T, dir string, folders ...string) {
	t.Helper()
	for _, f := range folders {
		entries, err := os.ReadDir(f)
		require.NoError(t, err)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(f, e.Name()))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
		}
	}
}

// scanIDs runs callqa scan --format jsonl on paths and returns the call ids
// by violation category ("" lists every call), the calls that pass, and
// the number of inputs that failed.
func scanIDs(t *testing.T, paths ...string) (byCategory map[string][]string, passed []string, failed int) {
	t.Helper()
	code, out, errOut := callqa(append([]string{"scan", "--format", "jsonl"}, paths...)...)
	require.Contains(t, []int{exitOK, exitTrouble}, code, errOut)
	byCategory = map[string][]string{}
	for _, r := range decodeJSONL(t, out) {
		byCategory[""] = append(byCategory[""], r.CallID)
		if r.Pass {
			passed = append(passed, r.CallID)
		}
		seen := map[string]bool{}
		for _, f := range r.Violations() {
			if !seen[f.Category] {
				seen[f.Category] = true
				byCategory[f.Category] = append(byCategory[f.Category], r.CallID)
			}
		}
	}
	if code == exitTrouble {
		_, err := fmt.Sscanf(errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:], "callqa: %d of", &failed)
		require.NoError(t, err, errOut)
	}
	return byCategory, passed, failed
}

// searchJSON runs callqa search --format json and decodes the result.
func searchJSON(t *testing.T, args ...string) index.Results {
	t.Helper()
	code, out, errOut := callqa(append([]string{"search", "--format", "json", "--limit", "1000"}, args...)...)
	require.Equal(t, exitOK, code, errOut)
	var res index.Results
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	return res
}

func hitIDs(res index.Results) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.CallID)
	}
	return out
}

// TestRunIndex indexes a folder of good and bad inputs: the bad ones are
// reported as scan reports them, the good ones are searchable, a second
// run changes nothing, and a bad input with the id of an indexed call
// leaves that call alone.
func TestRunIndex(t *testing.T) {
	in := t.TempDir()
	copyInto(t, in, "../../corpus/testdata/calls", "../../corpus/testdata/bad")
	dir := filepath.Join(t.TempDir(), "callqa.bleve")

	byCategory, _, failed := scanIDs(t, in)
	good := byCategory[""]
	require.NotEmpty(t, good)
	require.Positive(t, failed)
	_, _, scanErrOut := callqa("scan", "--format", "jsonl", in)

	code, out, errOut := callqa("index", "--index", dir, in)
	assert.Equal(t, exitTrouble, code, "an input failed")
	assert.Equal(t, fmt.Sprintf("%s: %d added, 0 updated, 0 unchanged, %d failed\n", dir, len(good), failed), out)
	assert.Equal(t, scanErrOut, errOut, "bad inputs are reported as scan reports them")

	res := searchJSON(t, "--index", dir)
	assert.EqualValues(t, len(good), res.Total)
	assert.ElementsMatch(t, good, hitIDs(res))
	res = searchJSON(t, "--index", dir, "周海涛")
	assert.Equal(t, []string{"T001"}, hitIDs(res), "utf8.txt")

	t.Run("again_unchanged", func(t *testing.T) {
		code, out, _ := callqa("index", "--index", dir, in)
		assert.Equal(t, exitTrouble, code)
		assert.Equal(t, fmt.Sprintf("%s: 0 added, 0 updated, %d unchanged, %d failed\n", dir, len(good), failed), out)
	})

	t.Run("bad_input_with_an_indexed_id", func(t *testing.T) {
		before := docCountOf(t, dir)
		// T001 again, but with a role nobody can resolve: it fails to read
		// and must not replace or remove the T001 already indexed.
		require.NoError(t, os.WriteFile(filepath.Join(in, "zz_T001_bad.txt"), []byte("# call_id: T001\n孙经理：你好\n"), 0o644))
		code, out, errOut := callqa("index", "--index", dir, in)
		assert.Equal(t, exitTrouble, code)
		assert.Equal(t, fmt.Sprintf("%s: 0 added, 0 updated, %d unchanged, %d failed\n", dir, len(good), failed+1), out)
		assert.Contains(t, errOut, "zz_T001_bad.txt:2: unknown role")
		assert.Equal(t, before, docCountOf(t, dir))
		res := searchJSON(t, "--index", dir, "周海涛")
		assert.Equal(t, []string{"T001"}, hitIDs(res))
	})
}

func docCountOf(t *testing.T, dir string) uint64 {
	t.Helper()
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ix.Close()
	n, err := ix.Bleve().DocCount()
	require.NoError(t, err)
	return n
}

// TestIndexSecondWriter: while another writer holds the index, callqa
// index fails fast with a clear message instead of waiting.
func TestIndexSecondWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	defer ix.Close()

	start := time.Now()
	code, out, errOut := callqa("index", "--index", dir, "../../corpus/testdata/calls")
	assert.Equal(t, exitTrouble, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "callqa: "+dir+": index is in use by another process")
	assert.Less(t, time.Since(start), 10*time.Second)
}

// generateCalls writes n small distinct calls to a JSONL file: every third
// has one insult, the others none.
func generateCalls(t *testing.T, path string, n int) (insults int) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w := bufio.NewWriter(f)
	agents := []string{"李娜", "赵强", "周敏", "王磊", "孙磊"}
	teams := []string{"M1-A", "M1-B", "M2-A"}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	type turn struct {
		Speaker string `json:"speaker"`
		Text    string `json:"text"`
	}
	for i := range n {
		last := fmt.Sprintf("您有一笔%d元的账单今天到期，请按时处理。", 1000+i)
		if i%3 == 0 {
			last = fmt.Sprintf("你就是个老赖，%d元拖了这么久。", 1000+i)
			insults++
		}
		require.NoError(t, enc.Encode(map[string]any{
			"call_id":    fmt.Sprintf("G%05d", i),
			"agent":      agents[i%len(agents)],
			"team":       teams[i%len(teams)],
			"started_at": base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			"party":      "debtor",
			"turns": []turn{
				{"agent", fmt.Sprintf("您好，请问是%d号客户吗？", i)},
				{"customer", "是我。"},
				{"agent", last},
			},
		}))
	}
	require.NoError(t, w.Flush())
	return insults
}

// indexedDocs returns, from an index, each call document's finding ids
// and the set of finding document ids.
func indexedDocs(t *testing.T, dir string) (calls map[string][]string, findings map[string]string) {
	t.Helper()
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ix.Close()
	all := func(docType string, fields ...string) []map[string]any {
		q := bleve.NewTermQuery(docType)
		q.SetField("type")
		req := bleve.NewSearchRequestOptions(q, 100000, 0, false)
		req.Fields = fields
		sr, err := ix.Bleve().Search(req)
		require.NoError(t, err)
		require.EqualValues(t, len(sr.Hits), sr.Total)
		var out []map[string]any
		for _, h := range sr.Hits {
			if h.Fields == nil { // a call with no finding stores none of fields
				h.Fields = map[string]any{}
			}
			h.Fields["_id"] = h.ID
			out = append(out, h.Fields)
		}
		return out
	}
	calls = map[string][]string{}
	for _, d := range all(index.TypeCall, "finding_ids") {
		var ids []string
		switch v := d["finding_ids"].(type) {
		case string:
			ids = []string{v}
		case []any:
			for _, x := range v {
				ids = append(ids, x.(string))
			}
		}
		calls[strings.TrimPrefix(d["_id"].(string), "call/")] = ids // call_id is not stored: the result holds it
	}
	findings = map[string]string{}
	for _, d := range all(index.TypeFinding, "call_id") {
		findings[d["_id"].(string)] = d["call_id"].(string)
	}
	return calls, findings
}

// TestIndexKilledMidway kills a real callqa index process with SIGKILL
// once it has committed some batches. The index must open, hold whole
// batches of calls, each with its findings, and a second run completes it.
func TestIndexKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes and indexes 1,500 calls")
	}
	const total, batch = 1500, 50
	corpusFile := filepath.Join(t.TempDir(), "calls.jsonl")
	insults := generateCalls(t, corpusFile, total)

	tests := []struct {
		name string
		// The child is killed after its commits-th "committed" line, and
		// delay later: 0 kills it while it fills the next batch, a delay
		// lets the kill land anywhere, a commit in progress included.
		commits int
		delay   time.Duration
	}{
		{name: "after_first_commit", commits: 1},
		{name: "later", commits: 3, delay: 25 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "callqa.bleve")
			args := []string{"index", "--progress", "--batch-size", fmt.Sprint(batch), "--index", dir, corpusFile}
			stderr := killChild(t, args, tt.commits, tt.delay)
			assert.Contains(t, stderr, fmt.Sprintf("callqa: committed %d calls\n", tt.commits*batch))

			calls, findings := indexedDocs(t, dir)
			got := len(calls)
			t.Logf("%d of %d calls committed when the child was killed", got, total)
			require.GreaterOrEqual(t, got, tt.commits*batch, "the committed batches survived")
			require.Less(t, got, total, "the child was killed before it finished")
			assert.Zero(t, got%batch, "only whole batches: %d calls", got)
			for id, fids := range calls {
				var n int
				_, err := fmt.Sscanf(id, "G%d", &n)
				require.NoError(t, err)
				if n%3 == 0 {
					assert.Len(t, fids, 1, "%s has its insult", id)
				} else {
					assert.Empty(t, fids, id)
				}
				for _, fid := range fids {
					assert.Equal(t, id, findings[fid], "%s: finding %s is stored", id, fid)
				}
			}
			for fid, id := range findings {
				assert.Contains(t, calls, id, "finding %s without its call", fid)
			}

			code, out, errOut := callqa(args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, fmt.Sprintf("%s: %d added, 0 updated, %d unchanged, 0 failed\n", dir, total-got, got), out)
			calls, findings = indexedDocs(t, dir)
			assert.Len(t, calls, total)
			assert.Len(t, findings, insults)
		})
	}
}

// killChild runs callqa args in a child process (this test binary, see
// TestMain), reads its stderr until the commits-th "committed" line, waits
// delay and kills it with SIGKILL. It returns what the child wrote to
// stderr until then.
func killChild(t *testing.T, args []string, commits int, delay time.Duration) string {
	t.Helper()
	child := exec.Command(os.Args[0], args...)
	child.Env = append(os.Environ(), childEnv+"=1")
	child.Stdout = io.Discard
	stderr, err := child.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var seen strings.Builder
	timeout := time.After(60 * time.Second)
	for n := 0; n < commits; {
		select {
		case line, ok := <-lines:
			if !ok {
				child.Wait()
				t.Fatalf("the child ended before %d commits; stderr:\n%s", commits, seen.String())
			}
			seen.WriteString(line + "\n")
			if strings.Contains(line, "committed") {
				n++
			}
		case <-timeout:
			child.Process.Kill()
			child.Wait()
			t.Fatalf("no %d commits after 60s; stderr:\n%s", commits, seen.String())
		}
	}
	time.Sleep(delay)
	require.NoError(t, child.Process.Kill())
	go func() {
		for range lines {
		}
	}()
	err = child.Wait()
	ws, ok := child.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the child was killed, it did not finish: %v", err)
	return seen.String()
}

// TestSearchMatchesScan: on the dev set, search --category C returns
// exactly the calls that scan reports with a C violation, and --pass the
// calls that pass.
func TestSearchMatchesScan(t *testing.T) {
	devsetCalls := specdata.DevSet(t)
	byCategory, passed, failed := scanIDs(t, devsetCalls)
	require.Zero(t, failed)
	require.NotEmpty(t, byCategory["threat"])
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, out, errOut := callqa("index", "--index", dir, devsetCalls)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, fmt.Sprintf("%s: %d added, 0 updated, 0 unchanged, 0 failed\n", dir, len(byCategory[""])), out)

	jsonlIDs := func(t *testing.T, args ...string) []string {
		code, out, errOut := callqa(append([]string{"search", "--index", dir, "--limit", "1000", "--format", "jsonl"}, args...)...)
		require.Equal(t, exitOK, code, errOut)
		ids := []string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var h struct {
				CallID     string   `json:"call_id"`
				Categories []string `json:"categories"`
			}
			require.NoError(t, json.Unmarshal([]byte(line), &h), line)
			ids = append(ids, h.CallID)
		}
		sort.Strings(ids)
		return ids
	}
	sorted := func(s []string) []string {
		out := append([]string{}, s...)
		sort.Strings(out)
		if out == nil {
			out = []string{}
		}
		return out
	}
	for _, c := range []string{"threat", "insult", "false_legal_claim", "third_party_disclosure"} {
		t.Run(c, func(t *testing.T) {
			assert.Equal(t, sorted(byCategory[c]), jsonlIDs(t, "--category", c))
		})
	}
	t.Run("pass", func(t *testing.T) {
		assert.Equal(t, sorted(passed), jsonlIDs(t, "--pass"))
	})
	t.Run("all", func(t *testing.T) {
		assert.Equal(t, sorted(byCategory[""]), jsonlIDs(t))
	})
}
