package corpus

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus/internal/textread"
	"github.com/callqa/callqa/redact"
)

// roleTable maps the role labels of formats.md §1 to roles. It is data
// (roles.tsv), not code: a new label is a line there.
var roleTable = mustRoleTable(rolesTSV)

//go:embed roles.tsv
var rolesTSV string

// mustRoleTable reads the embedded role table; TestRoleTable keeps it
// valid.
func mustRoleTable(data string) map[string]Role {
	t, err := parseRoleTable("roles.tsv", data)
	if err != nil {
		panic(err)
	}
	return t
}

// parseRoleTable reads `label<TAB>role` lines; # starts a comment line.
func parseRoleTable(name, data string) (map[string]Role, error) {
	t := map[string]Role{}
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, role, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(label) == "" {
			return nil, fmt.Errorf("%s:%d: want a label, a tab and a role", name, i+1)
		}
		r := Role(strings.TrimSpace(role))
		if r != RoleAgent && r != RoleCustomer && r != RoleThirdParty {
			return nil, fmt.Errorf("%s:%d: unknown role %q (want agent, customer or third_party)", name, i+1, redact.Mask(role))
		}
		if old, dup := t[label]; dup {
			return nil, fmt.Errorf("%s:%d: %s is already %s", name, i+1, label, old)
		}
		t[label] = r
	}
	return t, nil
}

// rolePrefixes are the Chinese role words of at least two characters,
// longest first, so that 客户经理小王 is an agent and not a customer.
var rolePrefixes = func() []string {
	var words []string
	for w := range roleTable {
		if w[0] >= utf8.RuneSelf && utf8.RuneCountInString(w) >= 2 {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if li, lj := utf8.RuneCountInString(words[i]), utf8.RuneCountInString(words[j]); li != lj {
			return li > lj
		}
		return words[i] < words[j]
	})
	return words
}()

// tableRole looks a label up in the role table.
func tableRole(label string) (Role, bool) {
	if r, ok := roleTable[label]; ok {
		return r, true
	}
	if asciiLabel(label) {
		r, ok := roleTable[strings.ToLower(label)]
		return r, ok
	}
	return "", false
}

// roleMap is a call's own mapping of speaker labels to roles (the
// "# roles:" header, or "roles" in JSON). ASCII labels also match in any case.
type roleMap struct {
	exact  map[string]Role
	folded map[string]Role // lower-cased ASCII labels
}

func newRoleMap() *roleMap {
	return &roleMap{exact: map[string]Role{}, folded: map[string]Role{}}
}

// set maps label to r. It reports false when label is already mapped to
// another role. The zero roleMap is an empty one.
func (m *roleMap) set(label string, r Role) (old Role, ok bool) {
	if old, dup := m.exact[label]; dup && old != r {
		return old, false
	}
	if m.exact == nil {
		*m = *newRoleMap()
	}
	m.exact[label] = r
	if asciiLabel(label) {
		m.folded[strings.ToLower(label)] = r
	}
	return r, true
}

func (m *roleMap) get(label string) (Role, bool) {
	if r, ok := m.exact[label]; ok {
		return r, true
	}
	if asciiLabel(label) {
		r, ok := m.folded[strings.ToLower(label)]
		return r, ok
	}
	return "", false
}

// resolveRole gives the role of a speaker label: the call's own mapping
// first, then the role table, then a Chinese role word the label starts
// with (客服小刘, 坐席A).
func resolveRole(label string, mapped *roleMap) (Role, bool) {
	if r, ok := mapped.get(label); ok {
		return r, true
	}
	if r, ok := tableRole(label); ok {
		return r, true
	}
	for _, w := range rolePrefixes {
		if strings.HasPrefix(label, w) {
			return roleTable[w], true
		}
	}
	return "", false
}

// LabelRole returns the role a speaker label names by itself, without a
// mapping: a label of the role table (坐席, 客户, 家属, agent, A…), or a
// Chinese role word the label starts with (客服小刘, 坐席A).
func LabelRole(label string) (Role, bool) {
	return resolveRole(label, newRoleMap())
}

// roleValue reads the right-hand side of a roles mapping: agent, customer,
// third_party, or any label of the role table (坐席, 客户, 家属, A…).
func roleValue(v string) (Role, bool) {
	return tableRole(strings.TrimSpace(v))
}

// ReadText parses a plain-text transcript (formats.md §1) that has already
// been decoded to UTF-8 (see Decode). name is the path the text came from:
// it becomes Call.Source, gives the default call_id (the base name without
// its extension; "stdin" for "-"), and prefixes errors.
//
// Header lines start with '#' and hold "key: value" (a full-width colon
// works too); unknown keys go to Call.Meta and other '#' lines are
// comments. Every other non-blank line is a turn, "[hh:mm:ss] ROLE: text"
// or "2026-03-01 10:00:01 ROLE: text" (see setDatedStarts for what a date
// and time stand for), or continues the turn before it. Errors are *ParseError values with the
// line of the problem.
func ReadText(name string, text string) (*Call, error) {
	lines := textread.SplitLines(text)
	if len(lines) > 0 {
		lines[0] = strings.TrimPrefix(lines[0], "\ufeff")
	}
	c := &Call{ID: defaultID(name), Source: name}
	roles := newRoleMap()

	// Headers first, so that a roles line applies wherever it stands.
	hdrErr := readHeaders(name, lines, c, roles)
	limit := len(lines)
	if hdrErr != nil {
		limit = hdrErr.Line - 1 // report a turn error above it first
	}
	if err := readTurns(name, lines[:limit], c, roles); err != nil {
		return nil, err
	}
	if hdrErr != nil {
		return nil, hdrErr
	}
	if len(c.Turns) == 0 {
		if hasHeader(lines) {
			return nil, parseErr(name, 0, "%v: only # header lines (a turn is a line ROLE: text, such as 坐席：您好)", errNoTurns)
		}
		return nil, &ParseError{Path: name, Err: errNoTurns}
	}
	return c, nil
}

// hasHeader reports whether some line is a "# key: value" header.
func hasHeader(lines []string) bool {
	for _, l := range lines {
		if l = textread.TrimLine(l); strings.HasPrefix(l, "#") {
			if _, _, ok := splitHeader(l); ok {
				return true
			}
		}
	}
	return false
}

// defaultID is the call_id of a call whose transcript does not give one.
func defaultID(name string) string {
	if name == "-" {
		return "stdin"
	}
	base := name
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return base
}

// Header keys the model knows. Keys compare case-insensitively.
const (
	keyCallID    = "call_id"
	keyAgent     = "agent"
	keyTeam      = "team"
	keyStartedAt = "started_at"
	keyKind      = "kind"
	keyParty     = "party"
	keyRoles     = "roles"
)

// readHeaders applies every "# key: value" line to c and roles. It stops at
// the first bad line, which also covers invalid UTF-8 anywhere in the text.
func readHeaders(name string, lines []string, c *Call, roles *roleMap) *ParseError {
	seen := map[string]int{}
	values := map[string]string{}
	meta := map[string][]string{}
	var metaKeys []string
	for i, raw := range lines {
		n := i + 1
		if !utf8.ValidString(raw) {
			off := textread.InvalidUTF8([]byte(raw))
			return parseErr(name, n, "invalid UTF-8 (byte 0x%02x); decode the file first", raw[off])
		}
		line := textread.TrimLine(raw)
		if !strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := splitHeader(line)
		if !ok {
			continue // a comment
		}
		lkey := strings.ToLower(key)
		switch lkey {
		case keyCallID, keyAgent, keyTeam, keyStartedAt, keyKind, keyParty:
			if first, dup := seen[lkey]; dup && values[lkey] != val {
				return parseErr(name, n, "duplicate header %s (first on line %d)", lkey, first)
			}
			seen[lkey], values[lkey] = n, val
		}
		switch lkey {
		case keyCallID:
			if val != "" {
				c.ID = val
			}
		case keyAgent:
			c.Agent = val
		case keyTeam:
			c.Team = val
		case keyKind:
			c.Kind = val
		case keyStartedAt:
			if err := checkStartedAt(val); err != nil {
				return &ParseError{Path: name, Line: n, Err: err}
			}
			c.StartedAt = val
		case keyParty:
			p, err := checkParty(val)
			if err != nil {
				return &ParseError{Path: name, Line: n, Err: err}
			}
			c.Party = p
		case keyRoles:
			if err := parseRoles(val, roles); err != nil {
				return &ParseError{Path: name, Line: n, Err: err}
			}
		default:
			if _, dup := meta[key]; !dup {
				metaKeys = append(metaKeys, key)
			}
			meta[key] = append(meta[key], val)
		}
	}
	// A key given more than once keeps every value, one per line.
	for _, k := range metaKeys {
		if c.Meta == nil {
			c.Meta = map[string]string{}
		}
		c.Meta[k] = strings.Join(meta[k], "\n")
	}
	return nil
}

// splitHeader splits "# key: value". ok is false for a comment: a line whose
// key would be empty, longer than 32 characters, or hold anything but
// letters, digits, '_' and '-'.
func splitHeader(line string) (key, val string, ok bool) {
	s := strings.TrimLeft(line[1:], " \t\u3000")
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return "", "", false
	}
	key = strings.TrimRight(s[:i], " \t\u3000")
	if key == "" || utf8.RuneCountInString(key) > 32 {
		return "", "", false
	}
	for _, r := range key {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			return "", "", false
		}
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return key, textread.TrimLine(s[i+size:]), true
}

// checkStartedAt accepts an empty value (not known) or an RFC 3339 time.
func checkStartedAt(v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, v); err != nil {
		return fmt.Errorf("started_at: not an RFC 3339 time: %q (want e.g. 2026-03-01T10:02:11+08:00)", v)
	}
	return nil
}

// checkParty accepts an empty value (not known), debtor or third_party, in
// any case, and returns it in lower case.
func checkParty(v string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(v))
	switch p {
	case "", "debtor", "third_party":
		return p, nil
	}
	return "", fmt.Errorf("party: unknown value %q (want debtor or third_party)", v)
}

// parseRoles reads "孙经理=agent, 张总=customer" into roles. Entries are
// separated by , ， 、 ; or ； and use = or ＝.
func parseRoles(v string, roles *roleMap) error {
	entries := strings.FieldsFunc(v, func(r rune) bool {
		switch r {
		case ',', '，', '、', ';', '；':
			return true
		}
		return false
	})
	for _, e := range entries {
		e = textread.TrimLine(e)
		if e == "" {
			continue
		}
		i := strings.IndexAny(e, "=＝")
		if i < 0 {
			return fmt.Errorf("roles: bad entry %q (want LABEL=agent, LABEL=customer or LABEL=third_party)", redact.Mask(e))
		}
		_, size := utf8.DecodeRuneInString(e[i:])
		label, val := textread.TrimLine(e[:i]), textread.TrimLine(e[i+size:])
		if label == "" {
			return fmt.Errorf("roles: bad entry %q (want LABEL=agent, LABEL=customer or LABEL=third_party)", redact.Mask(e))
		}
		r, ok := roleValue(val)
		if !ok {
			return fmt.Errorf("roles: unknown role %q for %s (want agent, customer or third_party)", redact.Mask(val), redact.Mask(label))
		}
		if old, ok := roles.set(label, r); !ok {
			return fmt.Errorf("roles: %s is mapped to both %s and %s", redact.Mask(label), old, r)
		}
	}
	return nil
}

// readTurns reads the turn lines of lines into c.Turns.
func readTurns(name string, lines []string, c *Call, roles *roleMap) error {
	// The text of the last turn grows in a builder: appending continuation
	// lines to a string would be quadratic in a long turn.
	var text textread.Builder
	flush := func() {
		if len(c.Turns) > 0 {
			c.Turns[len(c.Turns)-1].Text = text.String()
		}
	}
	defer flush()
	var dated []datedTurn
	for i, raw := range lines {
		n := i + 1
		line := textread.TrimLine(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		st, rest, hasTime, err := splitStamp(line)
		if err != nil {
			return &ParseError{Path: name, Line: n, Err: err}
		}
		if label, body, ok := splitLabel(rest); ok {
			role, known := resolveRole(label, roles)
			if !known {
				return parseErr(name, n, "unknown role %q; map it in the header: # roles: %s=agent", redact.Mask(label), redact.Mask(label))
			}
			flush()
			t := Turn{N: len(c.Turns) + 1, Role: role, Label: label, Line: n}
			switch {
			case hasTime && st.dated:
				dated = append(dated, datedTurn{i: len(c.Turns), at: st.at})
			case hasTime:
				t.Start = &st.sec
			}
			c.Turns = append(c.Turns, t)
			text.Reset()
			text.Add(body)
			continue
		}
		switch {
		case hasTime && st.dated:
			return parseErr(name, n, "date-time stamp without a role (expected 2026-03-01 10:00:01 ROLE: text)")
		case hasTime:
			// A new utterance whose speaker is missing: appending it to the
			// previous turn would put words in the wrong mouth.
			return parseErr(name, n, "timestamp without a role (expected [hh:mm:ss] ROLE: text)")
		case len(c.Turns) == 0:
			return parseErr(name, n, "not a turn (expected ROLE: text)")
		}
		text.Add(rest)
	}
	setDatedStarts(c, dated)
	return nil
}

// splitTimestamp takes a leading "[hh:mm:ss]" or "[mm:ss]" (with an
// optional fraction, and 【】 or ［］ brackets tolerated) off line. A bracket
// that holds something other than a time is left alone; one that starts
// like a time but is not a valid one is an error.
func splitTimestamp(line string) (sec float64, rest string, ok bool, err error) {
	open, size := utf8.DecodeRuneInString(line)
	if open != '[' && open != '【' && open != '［' {
		return 0, line, false, nil
	}
	end := strings.IndexAny(line[size:], "]】］")
	if end < 0 {
		return 0, line, false, nil
	}
	inner := line[size : size+end]
	if !timeLike(inner) {
		return 0, line, false, nil
	}
	_, closeSize := utf8.DecodeRuneInString(line[size+end:])
	sec, ok = textread.ParseClock(strings.TrimSpace(inner))
	if !ok {
		return 0, line, false, fmt.Errorf("bad timestamp %q (want [hh:mm:ss] or [mm:ss], optionally with .mmm)", line[:size+end+closeSize])
	}
	return sec, textread.TrimLine(line[size+end+closeSize:]), true, nil
}

// timeLike reports whether a bracket's content is meant as a time: it
// starts with a digit and holds a colon.
func timeLike(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && '0' <= s[0] && s[0] <= '9' && strings.ContainsAny(s, ":：")
}

// splitLabel splits "ROLE: text" (half- or full-width colon, spaces around
// it allowed). ok is false when the line does not start with something
// that looks like a role label: up to 12 letters or digits (and '_'), not
// all digits, optionally followed by one parenthesized name as in 客户（张伟）.
func splitLabel(line string) (label, text string, ok bool) {
	i := strings.IndexAny(line, ":：")
	if i <= 0 {
		return "", "", false
	}
	prefix := line[:i]
	if utf8.RuneCountInString(prefix) > textread.MaxLabel+4 {
		return "", "", false
	}
	_, size := utf8.DecodeRuneInString(line[i:])
	after := line[i+size:]
	if line[i] == ':' {
		// A clock time (下午3:00) or a URL is not a label.
		last, _ := utf8.DecodeLastRuneInString(prefix)
		if unicode.IsDigit(last) && after != "" && '0' <= after[0] && after[0] <= '9' {
			return "", "", false
		}
		if strings.HasPrefix(after, "//") {
			return "", "", false
		}
	}
	label = strings.TrimRight(prefix, " \t\u3000")
	if !textread.LabelLike(label) {
		return "", "", false
	}
	return label, textread.TrimLine(after), true
}

// asciiLabel reports whether s is all ASCII, so compares case-insensitively.
func asciiLabel(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
