//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
)

// The crash test's corpus and schedule. CALLQA_CRASH_KILLS and
// CALLQA_CRASH_SEED override the number of kills and the seed of the kill
// schedule.
const (
	crashCalls     = 1500     // calls in the corpus
	crashParts     = 3        // .jsonl files they are spread over
	crashBatchSize = 100      // calls per committed batch: 15 commits a full run
	crashKills     = 55       // SIGKILLs that must land on a running process
	crashEpoch     = 5        // runs on one index folder before starting afresh
	crashSeed      = 20260314 // seed of the kill schedule
)

// TestCrashIndex kills `callqa index` with SIGKILL at random points, many
// times, and checks after every kill that what is on disk opens for a
// writer (no lock left behind, a creation cut short is redone) and for a
// reader (or is, for a reader, no index yet when the kill cut its creation
// short), and holds whole calls only: each call document with exactly the
// finding documents it lists, no finding without its call, and every call
// exactly as a run without a kill stores it, in one of the two versions of
// the corpus. At the end one run to completion must give the reference
// index: re-indexing after crashes completes the work.
//
// The corpus is rewritten in place between runs, alternating two versions
// (version B changes two calls in three), so that runs update calls (old
// findings deleted, new ones added in the same batch) as well as add them.
// Every crashEpoch runs the index folder is removed, so that kills also
// land while the index is being created; on a new folder every other kill
// is timed from the moment the child writes index_meta.json, which is
// where creating the index can be torn.
func TestCrashIndex(t *testing.T) {
	began := time.Now()
	bin := buildCallqa(t)
	kills := envInt(t, "CALLQA_CRASH_KILLS", crashKills)
	seed := envInt(t, "CALLQA_CRASH_SEED", crashSeed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))

	work := t.TempDir()
	calls := filepath.Join(work, "calls")
	require.NoError(t, os.Mkdir(calls, 0o755))
	versions := crashVersions()

	// The references, built without a kill; the first run also measures
	// how long a full run takes and when the index folder appears.
	var refs [2]indexDump
	var full childRun
	for v := range versions {
		writeCorpus(t, calls, versions[v])
		dir := filepath.Join(work, fmt.Sprintf("ref%c.bleve", 'A'+v))
		run := runIndexChild(t, bin, dir, calls, killPlan{})
		require.False(t, run.killed)
		require.NoError(t, run.err, "reference run: %s", run.stderr)
		require.Equal(t, fmt.Sprintf("%s: %d added, 0 updated, 0 unchanged, 0 failed\n", dir, crashCalls), run.stdout)
		refs[v] = dumpIndex(t, dir)
		require.Len(t, refs[v], crashCalls)
		checkConsistent(t, refs[v], "reference "+dir)
		if v == 0 || run.took < full.took {
			full = run
		}
	}
	changed := 0
	for id, a := range refs[0] {
		if !a.equal(refs[1][id]) {
			changed++
		}
	}
	t.Logf("corpus: %d calls in %d files, %d of them different in version B; %d finding documents in A, %d in B",
		crashCalls, crashParts, changed, refs[0].findings(), refs[1].findings())
	t.Logf("a full run: %v (index folder created at %v, first batch committed at %v, %d commits); seed %d",
		full.took.Round(time.Millisecond), full.metaAt.Round(time.Millisecond), full.commitAt(0).Round(time.Millisecond), len(full.commits), seed)

	dir := filepath.Join(work, "callqa.bleve")
	var (
		killed, completed, runs        int
		beforeCommit, midIndex, atMeta int
		halfCreated, recovered         int
		keep                           bool // the last kill left a half-created index for the next run
	)
	for killed < kills {
		require.Less(t, runs, 4*kills, "too many runs ended before their kill")
		fresh := runs%crashEpoch == 0 && !keep
		if fresh {
			require.NoError(t, os.RemoveAll(dir))
		}
		v := runs % 2
		writeCorpus(t, calls, versions[v])
		var plan killPlan
		if fresh && rng.IntN(2) == 0 {
			// While the index is being created: from when index_meta.json
			// appears (creating takes a few milliseconds from there).
			plan = killPlan{onMeta: true, after: time.Duration(rng.IntN(10_000)) * time.Microsecond}
		} else {
			plan = killPlan{after: time.Duration(rng.Int64N(int64(full.took)))}
		}
		run := runIndexChild(t, bin, dir, calls, plan)
		runs++
		what := fmt.Sprintf("run %d (version %c, %s", runs, 'A'+v, plan)
		switch {
		case !run.killed:
			require.NoError(t, run.err, "%s): %s", what, run.stderr)
			completed++
			if 2*len(run.commits) >= len(full.commits) {
				// A run that wrote at least half the calls and was quicker
				// than the first (a warm cache, a machine less busy): aim
				// at it from now on.
				full.took = min(full.took, run.took)
			}
			what += ", ran to the end)"
		case len(run.commits) == 0:
			killed++
			beforeCommit++
			what += ", killed before its first commit)"
		default:
			killed++
			midIndex++
			what += fmt.Sprintf(", killed after %d commits)", len(run.commits))
		}
		if run.killed && plan.onMeta {
			atMeta++
		}

		// What the kill left: a folder that a reader and a writer open.
		state := "no index folder"
		if _, err := os.Stat(dir); err == nil {
			if ix, err := index.Open(dir, index.Options{ReadOnly: true, LockTimeout: 500 * time.Millisecond}); err == nil {
				require.NoError(t, ix.Close())
				state = "an index"
			} else if errors.Is(err, index.ErrNoIndex) {
				// Creating the index was cut short: for readers there is no
				// index yet, and the next run must create it.
				state = "a half-created index"
			} else {
				t.Fatalf("%s: the index does not open for reading: %v", what, err)
			}
		}
		switch {
		case keep && state == "an index":
			recovered++
		case !keep && state == "a half-created index":
			halfCreated++
		}
		keep = state == "a half-created index"
		if keep {
			// Left for the next run to recover; the final run at the latest.
			if testing.Verbose() {
				t.Logf("%-80s left %s", what, state)
			}
			continue
		}
		ix, err := index.Open(dir, index.Options{LockTimeout: 500 * time.Millisecond})
		require.NoError(t, err, "%s, left %s: the index does not open for writing", what, state)
		require.NoError(t, ix.Close())

		got := dumpIndex(t, dir)
		checkConsistent(t, got, what)
		for id, st := range got {
			a, b := refs[0][id], refs[1][id]
			if a == nil {
				t.Fatalf("%s: call %s is in neither reference", what, id)
			}
			if !st.equal(a) && !st.equal(b) {
				t.Fatalf("%s: call %s is stored as neither version:\n got %s\n   A %s\n   B %s", what, id, st, a, b)
			}
		}
		if testing.Verbose() {
			t.Logf("%-80s left %s, %d calls", what, state, len(got))
		}
	}

	// One run to completion on what the crashes left: the reference.
	writeCorpus(t, calls, versions[0])
	run := runIndexChild(t, bin, dir, calls, killPlan{})
	require.NoError(t, run.err, "final run: %s", run.stderr)
	var added, updated, unchanged, failed int
	_, err := fmt.Sscanf(run.stdout, dir+": %d added, %d updated, %d unchanged, %d failed\n", &added, &updated, &unchanged, &failed)
	require.NoError(t, err, run.stdout)
	require.Equal(t, crashCalls, added+updated+unchanged, run.stdout)
	require.Zero(t, failed)
	got := dumpIndex(t, dir)
	checkConsistent(t, got, "final run")
	require.Len(t, got, crashCalls)
	for id, want := range refs[0] {
		require.True(t, got[id].equal(want), "final index, call %s:\n got %s\nwant %s", id, got[id], want)
	}
	require.Equal(t, refs[0].findings(), got.findings())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.Name() == "callqa.creating" && info.Size() == 0 {
			// An empty marker means nothing; it is left behind only by a
			// kill between finishing the index and removing the marker.
			continue
		}
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"index_meta.json", "store"}, names, "nothing but the index is left in its folder")

	t.Logf("%d kills in %d runs (%d runs ended before their kill): %d before the run's first commit (start-up, analysis, "+
		"creating the index), %d between commits; %d timed from the creation of the index, %d left a half-created index, "+
		"%d of them recovered by the next run; final run: %s; total %v",
		killed, runs, completed, beforeCommit, midIndex, atMeta, halfCreated, recovered,
		strings.TrimSpace(run.stdout), time.Since(began).Round(time.Second))
}

// TestCrashReport kills `callqa report --out FILE` with SIGKILL at random
// points and checks that FILE is always either what it was before or a
// whole report, never a partial one: the report is written to a temporary
// file next to FILE and renamed onto it. Half the kills are timed from when
// the temporary file appears, so that they land while the report is being
// written. A process killed then cannot remove its temporary file; the
// test counts those and checks that nothing else is left.
func TestCrashReport(t *testing.T) {
	const calls, kills = 500, 12
	bin := buildCallqa(t)
	rng := rand.New(rand.NewPCG(uint64(envInt(t, "CALLQA_CRASH_SEED", crashSeed)), 2))
	work := t.TempDir()
	in := filepath.Join(work, "calls")
	require.NoError(t, os.Mkdir(in, 0o755))
	writeCorpus(t, in, synth.Generate(calls, 1))
	outDir := filepath.Join(work, "out")
	require.NoError(t, os.Mkdir(outDir, 0o755))
	out := filepath.Join(outDir, "r.html")
	const old = "the old report\n"
	require.NoError(t, os.WriteFile(out, []byte(old), 0o644))

	// temps lists the temporary files next to the report.
	temps := func() []string {
		entries, _ := os.ReadDir(outDir)
		var names []string
		for _, e := range entries {
			if e.Name() != "r.html" {
				names = append(names, e.Name())
			}
		}
		return names
	}
	// report runs callqa report, killed after plan.after (from when a new
	// temporary file appears with plan.onMeta) unless plan is zero.
	report := func(plan killPlan) (killed bool, took, tempAt time.Duration) {
		before := len(temps())
		cmd := exec.Command(bin, "report", "--out", out, in)
		var output bytes.Buffer
		cmd.Stdout, cmd.Stderr = &output, &output
		start := time.Now()
		require.NoError(t, cmd.Start())
		exited := make(chan struct{})
		seen := make(chan time.Duration, 1) // when a new temporary file appeared; -1 if none was seen
		go func() {
			for {
				if len(temps()) > before {
					seen <- time.Since(start)
					return
				}
				select {
				case <-exited:
					seen <- -1
					return
				case <-time.After(200 * time.Microsecond):
				}
			}
		}()
		waitDone := make(chan error, 1)
		go func() { waitDone <- cmd.Wait() }()

		var err error
		var timer <-chan time.Time
		tempAt = -2 // not received yet
		switch {
		case plan.onMeta:
			select {
			case tempAt = <-seen:
				timer = time.After(plan.after)
			case err = <-waitDone:
				waitDone <- err
			}
		case plan.after > 0:
			timer = time.After(plan.after)
		}
		select {
		case <-timer:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			err = <-waitDone
		case err = <-waitDone:
		}
		took = time.Since(start)
		close(exited)
		if tempAt == -2 {
			tempAt = <-seen
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true, took, tempAt
		}
		require.NoError(t, err, "callqa report: %s", output.String())
		require.Equal(t, fmt.Sprintf("wrote %s (%d calls)\n", out, calls), output.String())
		require.Len(t, temps(), before, "a run that ends leaves no temporary file")
		return false, took, tempAt
	}
	whole := func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) && bytes.HasSuffix(bytes.TrimRight(b, "\n"), []byte("</html>"))
	}

	// How long a whole run takes, and its writing; then the old report again.
	_, full, tempAt := report(killPlan{})
	tempAt = max(tempAt, 0) // the poll can miss it on a busy machine
	require.NoError(t, os.WriteFile(out, []byte(old), 0o644))

	killed, midWrite, runs, replaced := 0, 0, 0, 0
	for killed < kills {
		require.Less(t, runs, 4*kills, "too many runs ended before their kill")
		runs++
		plan := killPlan{after: time.Duration(rng.Int64N(int64(full)))}
		if rng.IntN(2) == 0 {
			plan = killPlan{onMeta: true, after: time.Duration(rng.Int64N(max(int64(full-tempAt), 1)))}
		}
		before := len(temps())
		k, took, at := report(plan)
		if !k && at > 0 {
			// Later runs can be quicker than the first (a warm cache, a
			// machine less busy): aim at the quickest whole run seen.
			full, tempAt = min(full, took), min(tempAt, at)
		}
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		require.True(t, string(b) == old || whole(b), "run %d (%v): %s is neither the old report nor a whole one (%d bytes)", runs, plan, out, len(b))
		if string(b) != old {
			replaced++
			require.NoError(t, os.WriteFile(out, []byte(old), 0o644))
		}
		if k {
			killed++
			if len(temps()) > before {
				midWrite++
			}
		}
	}
	_, _, _ = report(killPlan{})
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, whole(b))
	for _, name := range temps() {
		require.Regexp(t, `^\.r\.html\.[0-9]+\.tmp$`, name, "nothing but the report and the temporary files of killed runs")
	}
	t.Logf("report: a full run %v, writing from %v; %d kills in %d runs, %d of them while the report was being written "+
		"(leaving %d temporary files); a whole new report replaced the old one %d times, a partial one never",
		full.Round(time.Millisecond), tempAt.Round(time.Millisecond), killed, runs, midWrite, len(temps()), replaced)
}

// crashVersions returns the two versions of the corpus: version B has the
// same call ids, and other calls (from another seed) in place of two calls
// in three.
func crashVersions() [2][]*corpus.Call {
	a := synth.Generate(crashCalls, 1)
	other := synth.Generate(crashCalls, 2)
	b := slices.Clone(a)
	for i := range b {
		if i%3 != 0 {
			c := *other[i]
			c.ID = a[i].ID
			b[i] = &c
		}
	}
	return [2][]*corpus.Call{a, b}
}

// writeCorpus writes calls into crashParts .jsonl files in dir, replacing
// what is there: the same file names for both versions, so that a call's
// source is the same in both.
func writeCorpus(t *testing.T, dir string, calls []*corpus.Call) {
	t.Helper()
	per := (len(calls) + crashParts - 1) / crashParts
	for p := range crashParts {
		var buf bytes.Buffer
		require.NoError(t, synth.WriteJSONL(&buf, calls[p*per:min((p+1)*per, len(calls))]))
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d.jsonl", p+1)), buf.Bytes(), 0o644))
	}
}

// killPlan says when to kill a child: after a delay from its start, or
// with onMeta from when its index folder holds index_meta.json. The zero
// plan lets it run to the end.
type killPlan struct {
	onMeta bool
	after  time.Duration
}

func (p killPlan) String() string {
	if p.onMeta {
		return fmt.Sprintf("kill at index_meta.json+%v", p.after.Round(100*time.Microsecond))
	}
	return fmt.Sprintf("kill at %v", p.after.Round(time.Millisecond))
}

// childRun is what one `callqa index` child did.
type childRun struct {
	killed         bool
	err            error
	stdout, stderr string
	took           time.Duration
	metaAt         time.Duration   // when index_meta.json was first seen
	commits        []time.Duration // when each "committed" line was read
}

func (r childRun) commitAt(i int) time.Duration {
	if i < len(r.commits) {
		return r.commits[i]
	}
	return -1
}

// runIndexChild runs `callqa index --progress` on calls into dir and kills
// it with SIGKILL as plan says.
func runIndexChild(t *testing.T, bin, dir, calls string, plan killPlan) childRun {
	t.Helper()
	cmd := exec.Command(bin, "index", "--progress", "--batch-size", strconv.Itoa(crashBatchSize), "--index", dir, calls)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	errPipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	var run childRun
	start := time.Now()
	require.NoError(t, cmd.Start())

	stderrDone := make(chan string)
	go func() {
		var all strings.Builder
		r := bufio.NewReader(errPipe)
		for {
			line, err := r.ReadString('\n')
			all.WriteString(line)
			if strings.HasPrefix(line, "callqa: committed ") {
				run.commits = append(run.commits, time.Since(start))
			}
			if err != nil {
				_, _ = io.Copy(&all, r)
				stderrDone <- all.String()
				return
			}
		}
	}()
	exited := make(chan struct{})
	metaSeen := make(chan struct{})
	go func() {
		if !plan.onMeta && plan.after > 0 {
			<-exited
			close(metaSeen)
			return
		}
		// Poll for the index folder's index_meta.json while the child runs.
		meta := filepath.Join(dir, "index_meta.json")
		for {
			if _, err := os.Stat(meta); err == nil {
				run.metaAt = time.Since(start)
				close(metaSeen)
				return
			}
			select {
			case <-exited:
				close(metaSeen)
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()

	waitDone := make(chan error, 1)
	go func() {
		run.stderr = <-stderrDone // the pipe is drained before Wait closes it
		waitDone <- cmd.Wait()
	}()
	var timer <-chan time.Time
	switch {
	case plan.onMeta:
		select {
		case <-metaSeen:
			timer = time.After(plan.after)
		case err := <-waitDone:
			waitDone <- err
		}
	case plan.after > 0:
		timer = time.After(plan.after)
	}
	select {
	case <-timer:
		_ = cmd.Process.Signal(syscall.SIGKILL)
		run.err = <-waitDone
	case run.err = <-waitDone:
	}
	run.took = time.Since(start)
	close(exited)
	<-metaSeen
	run.stdout = stdout.String()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		run.killed = true
	}
	return run
}

// callState is what an index holds for one call id.
type callState struct {
	call       string            // digest of the call document's stored fields; "" when there is none
	findingIDs []string          // finding_ids of the call document, sorted
	findings   map[string]string // finding document id → digest of its stored fields
}

func (s *callState) equal(o *callState) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.call != o.call || !slices.Equal(s.findingIDs, o.findingIDs) || len(s.findings) != len(o.findings) {
		return false
	}
	for id, d := range s.findings {
		if o.findings[id] != d {
			return false
		}
	}
	return true
}

func (s *callState) String() string {
	if s == nil {
		return "absent"
	}
	var ids []string
	for id, d := range s.findings {
		ids = append(ids, id+"="+d[:8])
	}
	slices.Sort(ids)
	call := "no call document"
	if s.call != "" {
		call = "call " + s.call[:8]
	}
	return fmt.Sprintf("%s finding_ids %v, finding documents %v", call, s.findingIDs, ids)
}

// indexDump is an index's documents by call id.
type indexDump map[string]*callState

func (d indexDump) findings() int {
	n := 0
	for _, s := range d {
		n += len(s.findings)
	}
	return n
}

// dumpIndex reads every document of the index in dir, read-only, with all
// its stored fields.
func dumpIndex(t *testing.T, dir string) indexDump {
	t.Helper()
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ix.Close()
	bi := ix.Bleve()
	n, err := bi.DocCount()
	require.NoError(t, err)
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), int(n)+1, 0, false)
	req.Fields = []string{"*"}
	sr, err := bi.Search(req)
	require.NoError(t, err)
	require.EqualValues(t, n, sr.Total)
	require.Len(t, sr.Hits, int(n))

	d := indexDump{}
	state := func(id string) *callState {
		if d[id] == nil {
			d[id] = &callState{findings: map[string]string{}}
		}
		return d[id]
	}
	for _, h := range sr.Hits {
		b, err := json.Marshal(h.Fields)
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		digest := hex.EncodeToString(sum[:])
		// A document's type and a call's id are not stored (the index
		// stores only what its readers load): the id says them.
		switch {
		case strings.HasPrefix(h.ID, "call/"):
			callID := strings.TrimPrefix(h.ID, "call/")
			require.NotEmpty(t, callID, "document %s has no call id", h.ID)
			s := state(callID)
			s.call = digest
			switch ids := h.Fields["finding_ids"].(type) {
			case string:
				s.findingIDs = []string{ids}
			case []interface{}:
				for _, id := range ids {
					s.findingIDs = append(s.findingIDs, id.(string))
				}
			}
			slices.Sort(s.findingIDs)
		case strings.HasPrefix(h.ID, "finding/"):
			callID, _ := h.Fields["call_id"].(string)
			require.NotEmpty(t, callID, "document %s has no call_id", h.ID)
			require.True(t, strings.HasPrefix(h.ID, "finding/"+callID+"/"), h.ID)
			state(callID).findings[h.ID] = digest
		default:
			t.Fatalf("document %s is neither a call nor a finding", h.ID)
		}
	}
	return d
}

// checkConsistent checks that the index holds whole calls: every finding
// document has its call document, and every call document has exactly the
// finding documents it lists.
func checkConsistent(t *testing.T, d indexDump, what string) {
	t.Helper()
	for id, s := range d {
		if s.call == "" {
			t.Fatalf("%s: %d finding documents of call %s without the call document: %s", what, len(s.findings), id, s)
		}
		var have []string
		for fid := range s.findings {
			have = append(have, fid)
		}
		slices.Sort(have)
		if !slices.Equal(have, s.findingIDs) {
			t.Fatalf("%s: half-written call %s: it lists findings %v, the index holds %v", what, id, s.findingIDs, have)
		}
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err, name)
	return n
}
