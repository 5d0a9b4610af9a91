package lexicon

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseFile parses a file under testdata with its relative path as the name
// used in errors.
func parseFile(t *testing.T, file string) (*Pack, error) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	return Parse(file, data)
}

// TestParseErrors covers every load error with a pack in testdata/invalid
// and the exact lines Parse reports for it.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string   // file testdata/invalid/<name>.yaml
		want []string // one line per error, in order
	}{
		{"unknown_pack_field", []string{
			// With `rules` misspelt the pack has nothing in it either.
			`1:1: pack has no rules, classes, words or disable list`,
			`4:1: unknown field "rule" (did you mean "rules"?)`,
		}},
		{"unknown_rule_field", []string{`6:5: rule threat.safety: unknown field "speakr" (did you mean "speaker"?)`}},
		{"missing_version", []string{"1:1: missing `version`"}},
		{"missing_pack_name", []string{"1:1: missing `pack` (the pack's name)"}},
		{"bad_category", []string{`5:15: rule threat.safety: unknown category "thret" (did you mean "threat"?)`}},
		// Reported once, at the pack's field, not again for every rule
		// that inherits it.
		{"bad_pack_category", []string{`3:11: unknown category "thret" (did you mean "threat"?)`}},
		{"bad_severity", []string{`6:15: rule threat.safety: unknown severity "high" (want one of critical, major, minor, info)`}},
		{"bad_pack_severity", []string{`4:11: unknown severity "high" (want one of critical, major, minor, info)`}},
		{"rule_without_id", []string{"5:5: rule without `id`"}},
		{"bad_id_format", []string{`5:9: rule Threat-Safety: id must look like category.short_name (lower case, digits, _ and .)`}},
		{"duplicate_id", []string{`9:5: rule threat.safety: duplicate rule id (first defined at line 5)`}},
		{"no_matchers", []string{"5:5: rule threat.safety: the rule matches nothing: give `terms`, `patterns`, `near` or `regex`"}},
		{"no_examples", []string{"5:5: rule threat.safety: no examples: give at least one `examples: match:` transcript line (and ideally `no_match`)"}},
		{"bad_regex", []string{
			// The message shows the expression after {num} expansion.
			"9:7: rule task.get_commitment: regex 1 does not compile: error parsing regexp: missing closing ): `(明天|" + NumClass + "号还`",
		}},
		// A pattern with a bad step is dropped, so a rule whose only
		// matcher it was also matches nothing.
		// Regular expressions run on normalized text: a literal written
		// in a form the text never has is reported at its line, every
		// one, with the form to write; one whose normalized form the same
		// part also matches (還|还, and (?i) for upper case) is only
		// redundant and passes.
		{"regex_not_normalized", []string{
			"10:9: rule task.get_commitment: regex 2: 「後天」 is Traditional/regional; write it as 「后天」 (the matcher sees normalized text)",
			"10:9: rule task.get_commitment: regex 2: 「大後天」 is Traditional/regional; write it as 「大后天」 (the matcher sees normalized text)",
			"10:9: rule task.get_commitment: regex 2: 「還」 is Traditional/regional; write it as 「还」 (the matcher sees normalized text)",
			"11:9: rule task.get_commitment: regex 3: 「！」 is full-width or upper case; write it as 「!」 (the matcher sees normalized text)",
			"11:9: rule task.get_commitment: regex 3: 「，」 is full-width or upper case; write it as 「,」 (the matcher sees normalized text)",
			// 系 becomes 是 only beside 唔系 or 咪: the phrase is named whole
			"12:9: rule task.get_commitment: regex 4: 「系唔系你还」 is Traditional/regional; write it as 「是不是你还」 (the matcher sees normalized text)",
			"12:9: rule task.get_commitment: regex 4: 「系咪你还」 is Traditional/regional; write it as 「是不是你还」 (the matcher sees normalized text)",
			"22:15: rule hint.vague_accepted: reacts_to regex 1: 「嗯」 never reaches the matcher (hesitation fillers such as 嗯 and 呃 are removed from the text); drop it",
		}},
		// A particle is one character that may follow a one-character
		// term inside its word.
		{"particles", []string{
			"3:16: particles: \"吧呢\" is not one character (a particle is a single character such as 吧 or 呢)",
		}},
		{"bad_gap_format", []string{
			"5:5: rule threat.expose: the rule matches nothing: give `terms`, `patterns`, `near` or `regex`",
			`7:29: rule threat.expose: gap must be N or N-M words, got "0-x"`,
		}},
		{"gap_max_below_min", []string{
			"5:5: rule threat.expose: the rule matches nothing: give `terms`, `patterns`, `near` or `regex`",
			`7:29: rule threat.expose: gap "4-2": want N-M with N ≤ M ≤ 30`,
		}},
		{"pattern_starts_with_gap", []string{
			"5:5: rule threat.expose: the rule matches nothing: give `terms`, `patterns`, `near` or `regex`",
			`7:10: rule threat.expose: a pattern cannot start with a gap`,
		}},
		{"unknown_speaker", []string{`6:14: rule threat.safety: unknown speaker "customer" (want agent, other or any)`}},
		{"task_missing_code", []string{"5:5: rule task.ask_reason: a task rule needs `code` (one of demand_payment, ask_reason, explain_consequences, get_commitment)"}},
		{"bad_task_code", []string{`6:11: rule task.demand_payment: unknown task code "demand_paymnt" (did you mean "demand_payment"?)`}},
		{"code_on_violation", []string{"6:11: rule threat.safety: `code` is only for task, step, party and role rules"}},
		{"negation_window_out_of_range", []string{`9:15: rule threat.safety: window must be a whole number of words from 0 to 50, got "99"`}},
		// Reported once, though the rule's refs used to be read twice.
		{"empty_ref", []string{`7:12: rule threat.safety: empty string in list`}},
		// yaml.v3 gives a line but no column for syntax errors.
		{"yaml_syntax", []string{`6: mapping values are not allowed in this context`}},
		{"empty", []string{`empty pack file`}},
		{"several_problems", []string{
			"1:1: missing `version`",
			"4:5: rule threat.expose: the rule matches nothing: give `terms`, `patterns`, `near` or `regex`",
			`8:5: rule threat.safety: unknown field "speakr" (did you mean "speaker"?)`,
			`10:15: rule threat.safety: unknown severity "high" (want one of critical, major, minor, info)`,
			"13:5: rule threat.harass: the rule matches nothing: give `terms`, `patterns`, `near` or `regex`",
			`15:10: rule threat.harass: a pattern cannot start with a gap`,
		}},
	}

	// Every file in testdata/invalid has a case, so none is left unchecked.
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	require.NoError(t, err)
	var names, cases []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	for _, tt := range tests {
		cases = append(cases, tt.name)
	}
	sort.Strings(cases)
	require.Equal(t, names, cases, "testdata/invalid and the table differ")

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := "testdata/invalid/" + tt.name + ".yaml"
			p, err := parseFile(t, file)
			require.Error(t, err)
			assert.Nil(t, p)

			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				sep := ":"
				if !regexp.MustCompile(`^\d`).MatchString(w) {
					sep = ": "
				}
				want[i] = file + sep + w
			}
			assert.Equal(t, strings.Join(want, "\n"), err.Error())

			var list ErrorList
			require.True(t, errors.As(err, &list), "want an ErrorList, got %T", err)
			require.Len(t, list, len(tt.want))
			for i, e := range list {
				assert.Equal(t, file, e.File)
				assert.Equal(t, want[i], e.Error())
			}
		})
	}
}

// TestParseErrorsSorted checks that a pack with several problems reports
// every one of them, ordered by position.
func TestParseErrorsSorted(t *testing.T) {
	_, err := parseFile(t, "testdata/invalid/several_problems.yaml")
	var list ErrorList
	require.ErrorAs(t, err, &list)
	var lines []int
	ids := map[string]bool{}
	for _, e := range list {
		lines = append(lines, e.Line)
		ids[e.RuleID] = true
	}
	assert.Equal(t, []int{1, 4, 8, 10, 13, 15}, lines)
	// Problems in all three rules and in the pack itself.
	assert.Equal(t, map[string]bool{"": true, "threat.expose": true, "threat.safety": true, "threat.harass": true}, ids)
	assert.True(t, sort.SliceIsSorted(list, func(i, j int) bool {
		a, b := list[i], list[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	}))
}

func TestParseValid(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.y*ml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	packs := map[string]*Pack{}
	for _, f := range files {
		p, err := parseFile(t, f)
		require.NoError(t, err, f)
		require.NotNil(t, p, f)
		assert.Equal(t, f, p.Source)
		for _, r := range p.Rules {
			assert.Same(t, p, r.Pack, r.ID)
		}
		packs[filepath.Base(f)] = p
	}

	threat := packs["threat.yaml"]
	require.NotNil(t, threat)
	require.Len(t, threat.Rules, 3)
	safety, expose, orElse := threat.Rules[0], threat.Rules[1], threat.Rules[2]

	t.Run("pack", func(t *testing.T) {
		assert.Equal(t, "threat", threat.Name)
		assert.Equal(t, "1", threat.Version)
		assert.Equal(t, CategoryThreat, threat.Category)
		assert.Equal(t, "major", threat.Severity)
		assert.Equal(t, []string{"催收自律公约 第十八条"}, threat.Refs)
		assert.Equal(t, []string{"出门小心", "爆通讯录"}, threat.Words)
		assert.Equal(t, &Cues{Terms: []string{"不会", "不是"}, Window: 6, Scope: ScopeClause}, threat.Negation)
		// Quotation cues default to a window of 4 and sentence scope.
		assert.Equal(t, &Cues{Terms: []string{"他说"}, Window: 4, Scope: ScopeSentence}, threat.Quote)
	})

	t.Run("rule_defaults", func(t *testing.T) {
		assert.Equal(t, "threat.safety", safety.ID)
		assert.Equal(t, "以人身安全相威胁", safety.Description)
		assert.Equal(t, CategoryThreat, safety.Category)
		assert.Equal(t, "major", safety.Severity)
		assert.Equal(t, SpeakerAgent, safety.Speaker)
		assert.Equal(t, PartyAny, safety.Party)
		assert.Equal(t, ScopeClause, safety.Scope)
		assert.Same(t, threat.Negation, safety.Negation)
		assert.Same(t, threat.Quote, safety.Quote)
		assert.Equal(t, threat.Refs, safety.Refs)
		assert.Equal(t, []string{"出门小心", "小心点"}, safety.Terms)
		assert.Empty(t, safety.Patterns)
		assert.Empty(t, safety.Code)
		assert.True(t, safety.IsViolation())
		assert.Equal(t, Examples{Match: []string{"坐席: 你不还钱小心点"}, NoMatch: []string{"客户: 你们小心点，我要投诉"}}, safety.Examples)
		assert.Equal(t, 14, safety.Line)
		assert.Equal(t, "testdata/valid/threat.yaml:14", safety.Source())
	})

	t.Run("rule_overrides", func(t *testing.T) {
		assert.Equal(t, SpeakerAny, expose.Speaker)
		assert.Equal(t, PartyDebtor, expose.Party)
		assert.Equal(t, ScopeSentence, expose.Scope)
		assert.Equal(t, "critical", expose.Severity)
		// A rule's own refs replace the pack's, they are not added to them.
		assert.Equal(t, []string{"刑法 第二百九十三条之一"}, expose.Refs)
		assert.Equal(t, &Cues{Terms: []string{"绝不"}, Window: 2, Scope: ScopeSentence}, expose.Negation)
		assert.Same(t, threat.Quote, expose.Quote)
		assert.Empty(t, expose.Terms)
	})

	t.Run("negation_off", func(t *testing.T) {
		require.NotNil(t, orElse.Negation)
		assert.True(t, orElse.Negation.Off)
		assert.False(t, orElse.Negation.Active())
		assert.True(t, orElse.Quote.Off)
		assert.True(t, safety.Negation.Active())
	})

	t.Run("patterns", func(t *testing.T) {
		require.Len(t, expose.Patterns, 2)
		assert.Equal(t, Pattern{Line: 32, Steps: []Step{
			{Any: []string{"发", "发到", "发给"}},
			{Any: []string{"通讯录", "朋友圈"}, GapMin: 0, GapMax: 4},
		}}, expose.Patterns[0])
		// Plain scalars are one-term steps; `gap: 3` means exactly 3 words.
		assert.Equal(t, Pattern{Line: 33, Steps: []Step{
			{Any: []string{"告诉"}},
			{Any: []string{"邻居"}, GapMin: 3, GapMax: 3},
			{Any: []string{"全家"}},
		}}, expose.Patterns[1])
	})

	t.Run("task", func(t *testing.T) {
		tasks := packs["tasks.yaml"]
		require.NotNil(t, tasks)
		require.Len(t, tasks.Rules, 1)
		r := tasks.Rules[0]
		assert.Equal(t, "1", tasks.Version) // `version: 1` reads as a string
		assert.Equal(t, CategoryTask, r.Category)
		assert.Equal(t, "get_commitment", r.Code)
		assert.Equal(t, "info", r.Severity) // not a violation
		assert.False(t, r.IsViolation())
		assert.Equal(t, SpeakerOther, r.Speaker)
		assert.Nil(t, r.Negation)
		assert.Nil(t, r.Refs)
		assert.Equal(t, []string{CategoryThreat}, r.UnlessFinding)
		require.Equal(t, []string{"(明天|{num}号)还"}, r.Regex)

		re := regexp.MustCompile(ExpandRegex(r.Regex[0]))
		assert.Equal(t, "(明天|"+NumClass+"号)还", re.String())
		for _, s := range []string{"明天还", "15号还", "十五号还", "二十一号还"} {
			assert.True(t, re.MatchString(s), s)
		}
		assert.False(t, re.MatchString("下个月还"))
	})

	t.Run("disable_only", func(t *testing.T) {
		p := packs["disable_only.yml"]
		require.NotNil(t, p)
		assert.Equal(t, "quiet", p.Name)
		assert.Empty(t, p.Rules)
		assert.Equal(t, []string{"threat.harass"}, p.Disable)
	})
}

func TestExpandRegex(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"none", `还(了|上)`, `还(了|上)`},
		{"one", `{num}元`, NumClass + `元`},
		{"two", `{num}号{num}点`, NumClass + `号` + NumClass + `点`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ExpandRegex(tt.in))
		})
	}
}

// basePacks stands in for the built-in packs in set tests.
var basePacks = fstest.MapFS{
	"threat.yaml": {Data: []byte(`pack: threat
version: "1"
category: threat
words: [出门小心]
rules:
  - id: threat.safety
    terms: [出门小心]
    examples: {match: ["坐席: 你出门小心"]}
  - id: threat.expose
    terms: [爆通讯录]
    examples: {match: ["坐席: 爆你通讯录"]}
  - id: threat.harass
    terms: [天天打]
    examples: {match: ["坐席: 天天打你电话"]}
`)},
}

func loadFS(t *testing.T, fsys fs.FS, label string) []*Pack {
	t.Helper()
	packs, err := LoadFS(fsys, label)
	require.NoError(t, err)
	return packs
}

func ruleIDs(s *Set) []string {
	var ids []string
	for _, r := range s.Rules {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestNewSet(t *testing.T) {
	t.Run("override", func(t *testing.T) {
		user := fstest.MapFS{"team.yaml": {Data: []byte(`pack: team
version: "1"
category: threat
severity: minor
rules:
  - id: threat.expose
    terms: [发朋友圈]
    examples: {match: ["坐席: 发朋友圈"]}
  - id: threat.extra
    terms: [走着瞧]
    examples: {match: ["坐席: 走着瞧"]}
`)}}
		packs := append(loadFS(t, basePacks, "lexicon/packs"), loadFS(t, user, "rules")...)
		s, err := NewSet(packs)
		require.NoError(t, err)
		// The user rule takes the built-in rule's place; new rules go last.
		assert.Equal(t, []string{"threat.safety", "threat.expose", "threat.harass", "threat.extra"}, ruleIDs(s))
		r := s.Rule("threat.expose")
		require.NotNil(t, r)
		assert.Equal(t, "rules/team.yaml:6", r.Source())
		assert.Equal(t, []string{"发朋友圈"}, r.Terms)
		assert.Equal(t, "minor", r.Severity)
		assert.Equal(t, []string{"rules/team.yaml:6: rule threat.expose replaces the one from lexicon/packs/threat.yaml:9"}, s.Notes)
		assert.Len(t, s.Packs, 2)
	})

	t.Run("disable", func(t *testing.T) {
		user := fstest.MapFS{"off.yaml": {Data: []byte("pack: off\nversion: \"1\"\ndisable: [threat.expose, threat.harass]\n")}}
		packs := append(loadFS(t, basePacks, "lexicon/packs"), loadFS(t, user, "rules")...)
		s, err := NewSet(packs)
		require.NoError(t, err)
		assert.Equal(t, []string{"threat.safety"}, ruleIDs(s))
		assert.Nil(t, s.Rule("threat.expose"))
		assert.Equal(t, []string{
			"rules/off.yaml: rule threat.expose disabled",
			"rules/off.yaml: rule threat.harass disabled",
		}, s.Notes)
	})

	t.Run("disable_then_redefine", func(t *testing.T) {
		user := fstest.MapFS{
			"a_off.yaml": {Data: []byte("pack: off\nversion: \"1\"\ndisable: [threat.expose]\n")},
			"b_back.yaml": {Data: []byte(`pack: back
version: "1"
category: threat
rules:
  - id: threat.expose
    terms: [发朋友圈]
    examples: {match: ["坐席: 发朋友圈"]}
`)},
		}
		packs := append(loadFS(t, basePacks, "lexicon/packs"), loadFS(t, user, "rules")...)
		s, err := NewSet(packs)
		require.NoError(t, err)
		assert.Equal(t, []string{"threat.safety", "threat.expose", "threat.harass"}, ruleIDs(s))
		assert.Equal(t, "rules/b_back.yaml:5", s.Rule("threat.expose").Source())
		// Nothing was replaced: the rule had been disabled.
		assert.Equal(t, []string{"rules/a_off.yaml: rule threat.expose disabled"}, s.Notes)
	})

	t.Run("disable_unknown", func(t *testing.T) {
		user := fstest.MapFS{"off.yaml": {Data: []byte("pack: off\nversion: \"1\"\ndisable: [threat.expose, threat.nope]\n")}}
		packs := append(loadFS(t, basePacks, "lexicon/packs"), loadFS(t, user, "rules")...)
		s, err := NewSet(packs)
		require.Error(t, err)
		assert.Equal(t, `rules/off.yaml: disable: no loaded rule has id "threat.nope"`, err.Error())
		var list ErrorList
		require.ErrorAs(t, err, &list)
		assert.Len(t, list, 1)
		// The known id is still disabled.
		require.NotNil(t, s)
		assert.Nil(t, s.Rule("threat.expose"))
	})

	t.Run("words", func(t *testing.T) {
		user := fstest.MapFS{"words.yaml": {Data: []byte("pack: words\nversion: \"1\"\nwords: [老赖, 爆通讯录]\n")}}
		packs := append(loadFS(t, basePacks, "lexicon/packs"), loadFS(t, user, "rules")...)
		s, err := NewSet(packs)
		require.NoError(t, err)
		assert.Equal(t, []string{"出门小心", "老赖", "爆通讯录"}, s.Words)
		assert.Len(t, s.Rules, 3)
		assert.Empty(t, s.Notes)
	})
}

func TestLoadFS(t *testing.T) {
	t.Run("files", func(t *testing.T) {
		fsys := fstest.MapFS{
			"b.yml":          {Data: []byte("pack: b\nversion: \"1\"\nwords: [乙]\n")},
			"a.YAML":         {Data: []byte("pack: a\nversion: \"1\"\nwords: [甲]\n")},
			"README.md":      {Data: []byte("not a pack")},
			"sub/c.yaml":     {Data: []byte("not: [a pack")},
			"notes.yaml.bak": {Data: []byte("not: [a pack")},
		}
		packs, err := LoadFS(fsys, "rules")
		require.NoError(t, err)
		require.Len(t, packs, 2)
		// Top-level .yaml and .yml files only, in name order.
		assert.Equal(t, "rules/a.YAML", packs[0].Source)
		assert.Equal(t, "rules/b.yml", packs[1].Source)
	})

	t.Run("errors_from_every_file", func(t *testing.T) {
		fsys := fstest.MapFS{
			"b.yaml":  {Data: []byte("pack: b\nversion: \"1\"\nwordz: [乙]\n")},
			"a.yaml":  {Data: []byte("pack: a\n")},
			"ok.yaml": {Data: []byte("pack: ok\nversion: \"1\"\nwords: [甲]\n")},
		}
		packs, err := LoadFS(fsys, "rules")
		require.Error(t, err)
		assert.Equal(t, strings.Join([]string{
			"rules/a.yaml:1:1: missing `version`",
			"rules/a.yaml:1:1: pack has no rules, classes, words or disable list",
			"rules/b.yaml:1:1: pack has no rules, classes, words or disable list",
			`rules/b.yaml:3:1: unknown field "wordz" (did you mean "words"?)`,
		}, "\n"), err.Error())
		// The good pack is still returned.
		require.Len(t, packs, 1)
		assert.Equal(t, "ok", packs[0].Name)
	})
}

// TestBuiltinPacksLoad checks the shape of the built-in packs. Running their
// examples needs the engine, so that is done by the analyzer tests.
func TestBuiltinPacksLoad(t *testing.T) {
	s, err := LoadSet(nil)
	require.NoError(t, err)
	require.NotNil(t, s)
	assert.Empty(t, s.Notes, "built-in packs should not override or disable each other")
	assert.NotEmpty(t, s.Words)

	for _, p := range s.Packs {
		assert.True(t, strings.HasPrefix(p.Source, "lexicon/packs/"), p.Source)
	}

	byCategory := map[string]int{}
	seen := map[string]string{}
	for _, r := range s.Rules {
		byCategory[r.Category]++
		if prev, dup := seen[r.ID]; dup {
			t.Errorf("rule %s defined at %s and %s", r.ID, prev, r.Source())
		}
		seen[r.ID] = r.Source()

		prefix, _, _ := strings.Cut(r.ID, ".")
		assert.Contains(t, knownCategories, prefix, "rule %s: unknown id prefix", r.ID)
		assert.Equal(t, r.Category, prefix, "rule %s: id prefix is not its category", r.ID)
		assert.NotEmpty(t, r.Examples.Match, "rule %s (%s) has no match example", r.ID, r.Source())
	}
	for _, c := range knownCategories {
		if c == CategoryRequired {
			continue // required items come with a scorecard, not a built-in pack
		}
		assert.Positive(t, byCategory[c], "no built-in rule in category %s", c)
	}
}

func TestLoadPath(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		packs, err := LoadPath("testdata/valid/threat.yaml")
		require.NoError(t, err)
		require.Len(t, packs, 1)
		assert.Equal(t, "threat", packs[0].Name)
		assert.Equal(t, "testdata/valid/threat.yaml", packs[0].Source)
	})

	t.Run("folder", func(t *testing.T) {
		packs, err := LoadPath("testdata/valid/")
		require.NoError(t, err)
		var sources []string
		for _, p := range packs {
			sources = append(sources, p.Source)
		}
		assert.Equal(t, []string{
			"testdata/valid/disable_only.yml",
			"testdata/valid/tasks.yaml",
			"testdata/valid/threat.yaml",
		}, sources)
	})

	t.Run("folder_with_errors", func(t *testing.T) {
		_, err := LoadPath("testdata/invalid")
		var list ErrorList
		require.ErrorAs(t, err, &list)
		files := map[string]bool{}
		for _, e := range list {
			assert.True(t, strings.HasPrefix(e.File, "testdata/invalid/"), e.File)
			files[e.File] = true
		}
		all, err := filepath.Glob("testdata/invalid/*.yaml")
		require.NoError(t, err)
		assert.Len(t, files, len(all), "every invalid pack reports an error")
	})

	t.Run("file_with_errors", func(t *testing.T) {
		_, err := LoadPath("testdata/invalid/missing_version.yaml")
		require.Error(t, err)
		assert.Equal(t, "testdata/invalid/missing_version.yaml:1:1: missing `version`", err.Error())
	})

	t.Run("folder_without_packs", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("rules go here"), 0o644))
		packs, err := LoadPath(dir)
		require.Error(t, err)
		assert.Nil(t, packs)
		assert.Equal(t, "rules: "+dir+": no .yaml or .yml pack files in the folder", err.Error())
	})

	t.Run("missing", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nope")
		packs, err := LoadPath(p)
		require.Error(t, err)
		assert.Nil(t, packs)
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.True(t, strings.HasPrefix(err.Error(), "rules: "), err.Error())
	})

	t.Run("set_with_user_folder", func(t *testing.T) {
		s, err := LoadSet([]string{"testdata/valid"})
		require.NoError(t, err)
		// testdata/valid/threat.yaml overrides three built-in rules and
		// disable_only.yml switches threat.harass off.
		assert.Nil(t, s.Rule("threat.harass"))
		assert.Equal(t, "testdata/valid/threat.yaml:14", s.Rule("threat.safety").Source())
		assert.Contains(t, s.Notes, "testdata/valid/disable_only.yml: rule threat.harass disabled")
	})
}
