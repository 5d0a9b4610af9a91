package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/review"
)

const (
	digestA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	digestB = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
)

func writeUsers(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestLoadUsers(t *testing.T) {
	path := writeUsers(t, "# the QA team\nusers:\n  - name: 王芳\n    role: reviewer\n    token_sha256: "+digestA+"\n  - name: li\n    role: lead\n    token_sha256: "+strings.ToUpper(digestB)+"\n")
	users, err := LoadUsers(path)
	require.NoError(t, err)
	assert.Equal(t, []User{{Name: "王芳", Role: review.RoleReviewer, TokenSHA256: digestA}, {Name: "li", Role: review.RoleLead, TokenSHA256: digestB}}, users)
}

func TestLoadUsersErrors(t *testing.T) {
	user := func(name, role, digest string) string {
		return "  - name: " + name + "\n    role: " + role + "\n    token_sha256: " + digest + "\n"
	}
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "users:\n  - name: a\n\trole: x\n", ":2: found a tab character that violates indentation"}, // the line yaml.v3 reports
		{"not_a_mapping", "- name: a\n", ":1: want a mapping with the key users"},
		{"unknown_top_key", "people:\n" + user("a", "viewer", digestA), `:1: unknown key "people" (want users)`},
		{"users_not_a_list", "users: everyone\n", ":1: users must be a list of users"},
		{"user_not_a_mapping", "users:\n  - wang\n", ":2: a user must be a mapping"},
		{"unknown_key", "users:\n" + user("a", "viewer", digestA) + "    token: secret\n", `:5: unknown key "token" (want name, role, token_sha256)`},
		{"missing_role", "users:\n  - name: a\n    token_sha256: " + digestA + "\n", ":2: the user has no role"},
		{"bad_role", "users:\n" + user("a", "boss", digestA), `:3: unknown role "boss" (want viewer, reviewer or lead)`},
		{"admin_role", "users:\n" + user("a", "admin", digestA), ":3: role admin is the token of --token-file only"},
		{"reserved_name", "users:\n" + user("admin", "lead", digestA), `:2: the name "admin" is reserved`},
		{"empty_name", "users:\n" + user(`""`, "lead", digestA), ":2: the name is empty"},
		{"token_not_digest", "users:\n" + user("a", "lead", "my-secret-token"), ":4: token_sha256 must be the 64 hex digits of the SHA-256 of the token"},
		{"twice", "users:\n" + user("a", "lead", digestA) + user("a", "viewer", digestB), `:5: user "a" is listed twice (first at line 2)`},
		{"same_token", "users:\n" + user("a", "lead", digestA) + user("b", "viewer", digestA), `:5: user "b" has the same token as the user at line 2`},
		{"list_value", "users:\n  - name: [a, b]\n    role: lead\n    token_sha256: " + digestA + "\n", ":2: name must be a single value"},
		{"no_users", "users:\n", "no users: add one with callqa users add"},
		{"empty_file", "", "no users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeUsers(t, tt.text)
			_, err := LoadUsers(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+tt.want[:0])
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), path), err.Error())
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	_, err := LoadUsers(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.ErrorContains(t, err, "--users: open")
}

func TestAddUser(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.yaml")
	tok, err := AddUser(path, "wang", review.RoleReviewer)
	require.NoError(t, err)
	assert.Len(t, tok, 43, "32 bytes in base64url")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	b, _ := os.ReadFile(path)
	assert.NotContains(t, string(b), tok, "the file never holds the token")
	assert.Contains(t, string(b), TokenDigest(tok))

	// A comment a person wrote is kept; a second user is appended.
	require.NoError(t, os.WriteFile(path, append([]byte("# QA team, March\n"), b...), 0o644))
	tok2, err := AddUser(path, "li", review.RoleLead)
	require.NoError(t, err)
	assert.NotEqual(t, tok, tok2)
	// An existing user gets a new role and token.
	tok3, err := AddUser(path, "wang", review.RoleLead)
	require.NoError(t, err)
	users, err := LoadUsers(path)
	require.NoError(t, err)
	assert.Equal(t, []User{{Name: "wang", Role: review.RoleLead, TokenSHA256: TokenDigest(tok3)}, {Name: "li", Role: review.RoleLead, TokenSHA256: TokenDigest(tok2)}}, users)
	b, _ = os.ReadFile(path)
	assert.Contains(t, string(b), "# QA team, March")
	st, _ = os.Stat(path)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "rewritten 0600")

	_, err = AddUser(path, "local", review.RoleLead)
	assert.ErrorContains(t, err, "reserved")
	bad := writeUsers(t, "users:\n  - name: a\n    role: boss\n    token_sha256: "+digestA+"\n")
	_, err = AddUser(bad, "b", review.RoleViewer)
	assert.ErrorContains(t, err, ":3: unknown role")
}
