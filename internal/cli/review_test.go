package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/review"
	"github.com/callqa/callqa/web"
)

func TestUsersAdd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	code, out, errOut := callqa("users", "add", "--users", path, "wang", "--role", "reviewer")
	require.Equal(t, exitOK, code, errOut)
	token := strings.TrimSpace(out)
	assert.Len(t, token, 43)
	assert.Contains(t, errOut, "wang (reviewer) is in "+path+"; the token above is shown only this once")
	users, err := web.LoadUsers(path)
	require.NoError(t, err)
	assert.Equal(t, []web.User{{Name: "wang", Role: review.RoleReviewer, TokenSHA256: web.TokenDigest(token)}}, users)
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"users", "add", "wang", "--role", "lead"}, exitTrouble, "--users FILE is required"},
		{[]string{"users", "add", "--users", path, "wang", "--role", "boss"}, exitTrouble, `invalid --role "boss"`},
		{[]string{"users", "add", "--users", path, "wang", "--role", "admin"}, exitTrouble, `invalid --role "admin"`},
		{[]string{"users", "add", "--users", path, "admin", "--role", "lead"}, exitTrouble, "reserved"},
	} {
		code, out, errOut := callqa(tt.args...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, errOut)
		assert.Empty(t, out)
		assert.Contains(t, errOut, tt.want)
	}
}

// TestSearchVerdict runs callqa search --verdict on a real index with
// decisions in the SQLite file beside it.
func TestSearchVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, _, errOut := callqa("index", "--index", dir, sample("S02_insult_threat.txt"), sample("S03_false_legal.txt"), sample("S06_traditional.txt"), sample("S01_compliant.txt"))
	require.Equal(t, exitOK, code, errOut)

	ctx := context.Background()
	store, err := review.Open(ctx, review.DefaultPath(dir))
	require.NoError(t, err)
	wang := review.Actor{Name: "wang", Role: review.RoleReviewer}
	li := review.Actor{Name: "li", Role: review.RoleLead}
	ref := func(call string, turn int, cat string) review.FindingRef {
		return review.FindingRef{Key: review.Key{CallID: call, Turn: turn, Category: cat}, Rule: "r", Text: "t"}
	}
	for _, a := range []review.Action{
		{Kind: review.ActConfirm, Actor: wang, Finding: ref("S02", 5, "insult")},
		{Kind: review.ActDismiss, Actor: wang, Finding: ref("S02", 7, "threat"), Reason: "context"},
		{Kind: review.ActConfirm, Actor: wang, Finding: ref("S06", 5, "insult")},
		{Kind: review.ActAppeal, Actor: li, Finding: ref("S06", 5, "insult"), Seen: 1, Note: "x"},
		{Kind: review.ActAdd, Actor: wang, Finding: ref("S01", 2, "threat")},
		// A decision on a finding that is not in the index does not count.
		{Kind: review.ActDismiss, Actor: wang, Finding: ref("S01", 3, "insult"), Reason: "context"},
	} {
		_, err := store.Apply(ctx, a)
		require.NoError(t, err, "%v", a.Finding.Key)
	}
	require.NoError(t, store.Close())

	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--verdict", "confirmed"}, []string{"S02", "S01"}},
		{[]string{"--verdict", "dismissed"}, []string{"S02"}},
		{[]string{"--verdict", "appealed"}, []string{"S06"}},
		{[]string{"--verdict", "open"}, []string{"S06", "S03"}},
		{[]string{"--verdict", "open", "--category", "false_legal_claim"}, []string{"S06", "S03"}},
		{[]string{"--verdict", "dismissed", "--team", "nobody"}, []string{}},
		{[]string{"--verdict", "confirmed", "--db", review.DefaultPath(dir)}, []string{"S02", "S01"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, "_"), func(t *testing.T) {
			code, out, errOut := callqa(append([]string{"search", "--index", dir, "--format", "json"}, tt.args...)...)
			require.Equal(t, exitOK, code, errOut)
			var res index.Results
			require.NoError(t, json.Unmarshal([]byte(out), &res))
			got := []string{}
			for _, h := range res.Hits {
				got = append(got, h.CallID)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}

	// Findings: the open ones.
	code, out, errOut := callqa("search", "--index", dir, "--findings", "--verdict", "open", "--format", "jsonl")
	require.Equal(t, exitOK, code, errOut)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		assert.NotContains(t, line, `"call_id":"S02"`)
	}

	code, _, errOut = callqa("search", "--index", dir, "--verdict", "confimred")
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut, `invalid --verdict "confimred" (did you mean "confirmed"?)`)
}

// TestServeBadDB: a decisions database that cannot be opened stops serve
// with one line and exit status 2, and never prints the password.
func TestServeBadDB(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	t.Setenv(tokenEnv, "")
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, _, errOut := callqa("index", "--index", dir, sample("S01_compliant.txt"))
	require.Equal(t, exitOK, code, errOut)
	for _, db := range []string{
		"postgres://qa:s3cret-pass@127.0.0.1:1/callqa?connect_timeout=2",
		filepath.Join(t.TempDir(), "no", "such", "folder", "review.db"),
	} {
		code, out, errOut := callqa("serve", "--index", dir, "--addr", "127.0.0.1:0", "--db", db)
		assert.Equal(t, exitTrouble, code, errOut)
		assert.Empty(t, out)
		assert.NotContains(t, errOut, "s3cret")
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, errOut)
		assert.Contains(t, errOut, "cannot open the decisions database")
	}
	users := filepath.Join(t.TempDir(), "users.yaml")
	require.NoError(t, os.WriteFile(users, []byte("users:\n  - name: a\n    role: boss\n"), 0o600))
	code, _, errOut = callqa("serve", "--index", dir, "--addr", "127.0.0.1:0", "--users", users)
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut, users+":3: unknown role")
}
