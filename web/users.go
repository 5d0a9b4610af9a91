package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/callqa/callqa/review"
)

// User is one person of the users file: a name, the role it acts with
// and the SHA-256 of its token (hex). The file never holds a token.
type User struct {
	Name        string
	Role        review.Role
	TokenSHA256 string
}

// Reserved user names: the admin of --token-file and the user of the
// local mode (no token, loopback only).
const (
	AdminName = "admin"
	LocalName = "local"
)

// UserRoles are the roles a user of the users file may have; admin is the
// token of --token-file only.
var UserRoles = []review.Role{review.RoleViewer, review.RoleReviewer, review.RoleLead}

// usersKeys are the keys of one user in the file.
var usersKeys = []string{"name", "role", "token_sha256"}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TokenDigest is the hex SHA-256 of a token, as the users file keeps it.
func TokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// LoadUsers reads a users file:
//
//	users:
//	  - name: wang
//	    role: reviewer        # viewer, reviewer or lead
//	    token_sha256: 9f86d0…  # callqa users add writes it
//
// An error names the file and the line: "users.yaml:4: …".
func LoadUsers(path string) ([]User, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--users: %w", err)
	}
	_, users, err := parseUsers(path, b)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("%s: no users: add one with callqa users add --users %s NAME --role ROLE", path, path)
	}
	return users, nil
}

// parseUsers parses and checks a users file; the node is the document, to
// edit it without losing its comments. Empty content is an empty list.
func parseUsers(path string, b []byte) (*yaml.Node, []User, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, nil, yamlError(path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil, nil
	}
	root := doc.Content[0]
	at := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", path, n.Line, fmt.Sprintf(format, args...))
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, at(root, "want a mapping with the key users (a list of users)")
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "users" {
			return nil, nil, at(k, "unknown key %q (want users)", k.Value)
		}
		list = root.Content[i+1]
	}
	if list == nil {
		return nil, nil, at(root, "no key users (a list of users)")
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return &doc, nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, nil, at(list, "users must be a list of users (- name: …)")
	}
	var users []User
	names, digests := map[string]int{}, map[string]int{}
	for _, item := range list.Content {
		u, err := parseUser(item, at)
		if err != nil {
			return nil, nil, err
		}
		if first, ok := names[u.Name]; ok {
			return nil, nil, at(item, "user %q is listed twice (first at line %d)", u.Name, first)
		}
		if first, ok := digests[u.TokenSHA256]; ok {
			return nil, nil, at(item, "user %q has the same token as the user at line %d; each user needs a token of its own", u.Name, first)
		}
		names[u.Name], digests[u.TokenSHA256] = item.Line, item.Line
		users = append(users, u)
	}
	return &doc, users, nil
}

// parseUser checks one user of the list.
func parseUser(item *yaml.Node, at func(*yaml.Node, string, ...any) error) (User, error) {
	if item.Kind != yaml.MappingNode {
		return User{}, at(item, "a user must be a mapping with name, role and token_sha256")
	}
	var u User
	seen := map[string]bool{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if !slices.Contains(usersKeys, k.Value) {
			return User{}, at(k, "unknown key %q (want %s)", k.Value, strings.Join(usersKeys, ", "))
		}
		if seen[k.Value] {
			return User{}, at(k, "%s is given twice", k.Value)
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return User{}, at(v, "%s must be a single value", k.Value)
		}
		val := strings.TrimSpace(v.Value)
		switch k.Value {
		case "name":
			if err := checkUserName(val); err != nil {
				return User{}, at(v, "%v", err)
			}
			u.Name = val
		case "role":
			if review.Role(val) == review.RoleAdmin {
				return User{}, at(v, "role admin is the token of --token-file only; give viewer, reviewer or lead")
			}
			if !slices.Contains(UserRoles, review.Role(val)) {
				return User{}, at(v, "unknown role %q (want viewer, reviewer or lead)", val)
			}
			u.Role = review.Role(val)
		case "token_sha256":
			if !hexSHA256.MatchString(strings.ToLower(val)) {
				return User{}, at(v, "token_sha256 must be the 64 hex digits of the SHA-256 of the token (callqa users add writes it), never the token itself")
			}
			u.TokenSHA256 = strings.ToLower(val)
		}
	}
	for _, k := range usersKeys {
		if !seen[k] {
			return User{}, at(item, "the user has no %s", k)
		}
	}
	return u, nil
}

// checkUserName refuses empty and reserved names and control characters.
func checkUserName(name string) error {
	if name == "" {
		return errors.New("the name is empty")
	}
	if name == AdminName || name == LocalName {
		return fmt.Errorf("the name %q is reserved (%s is the --token-file token, %s the user without a token)", name, AdminName, LocalName)
	}
	if len(name) > 100 {
		return errors.New("the name is longer than 100 bytes")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("the name %q holds a control character", name)
		}
	}
	return nil
}

// yamlError turns yaml.v3's "yaml: line N: what" into "path:N: what".
func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, what, ok := strings.Cut(rest, ": "); ok {
			if _, aerr := strconv.Atoi(n); aerr == nil {
				return fmt.Errorf("%s:%s: %s", path, n, what)
			}
		}
	}
	return fmt.Errorf("%s: %s", path, msg)
}

// NewToken makes a random token: 32 bytes, base64url.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AddUser adds a user to the users file, or gives an existing one a new
// role and a new token, and returns the token: the file keeps only its
// SHA-256. The file is created when missing and written with mode 0600;
// its comments are kept.
func AddUser(path, name string, role review.Role) (string, error) {
	if err := checkUserName(name); err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	if !slices.Contains(UserRoles, role) {
		return "", fmt.Errorf("unknown role %q (want viewer, reviewer or lead)", role)
	}
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("--users: %w", err)
	}
	doc, _, err := parseUsers(path, b)
	if err != nil {
		return "", err
	}
	token, err := NewToken()
	if err != nil {
		return "", err
	}
	list := usersList(&doc)
	setUser(list, name, role, TokenDigest(token))
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return "", err
	}
	if err := writePrivate(path, buf.Bytes()); err != nil {
		return "", err
	}
	return token, nil
}

// usersList returns the users sequence of a document, making the document
// (or the list) when there is none.
func usersList(doc **yaml.Node) *yaml.Node {
	if *doc == nil {
		*doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
		(*doc).Content[0].HeadComment = "callqa users: name, role (viewer, reviewer or lead) and the SHA-256 of the token.\nManaged with callqa users add; the file never holds a token."
	}
	root := (*doc).Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "users" {
			v := root.Content[i+1]
			if v.Kind != yaml.SequenceNode {
				*v = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			}
			return v
		}
	}
	list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "users"}, list)
	return list
}

// setUser updates the user named name in list, or appends it.
func setUser(list *yaml.Node, name string, role review.Role, digest string) {
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	for _, item := range list.Content {
		var isIt bool
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == "name" && strings.TrimSpace(item.Content[i+1].Value) == name {
				isIt = true
			}
		}
		if !isIt {
			continue
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			switch item.Content[i].Value {
			case "role":
				item.Content[i+1] = str(string(role))
			case "token_sha256":
				item.Content[i+1] = str(digest)
			}
		}
		return
	}
	list.Content = append(list.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		str("name"), str(name), str("role"), str(string(role)), str("token_sha256"), str(digest),
	}})
}

// writePrivate replaces path with data, mode 0600, through a temporary
// file in the same folder, so a crash leaves the old file or the new one.
func writePrivate(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
