package lexicon

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const classPack = `pack: base
version: "1"
category: threat
classes:
  kin:
    description: family
    members: [老婆, 孩子]
    examples: {match: [你老婆], no_match: [你同事]}
  person:
    members: [$kin, 同事]
    examples: {match: [你同事], no_match: [我们公司]}
rules:
  - id: threat.kin_near
    near:
      - {all: [$kin, [出事, 小心]], within: 4}
    unless: [$kin]
    examples: {match: ["坐席: 你孩子小心点"]}
`

func TestClassesResolve(t *testing.T) {
	p, err := Parse("base.yaml", []byte(classPack))
	require.NoError(t, err)
	ext, err := Parse("user.yaml", []byte("pack: user\nversion: \"1\"\nclasses:\n  kin:\n    extend: true\n    members: [爸妈]\n"))
	require.NoError(t, err)
	s, err := NewSet([]*Pack{p, ext})
	require.NoError(t, err)
	assert.Equal(t, []string{"kin", "person"}, s.ClassNames)
	assert.Equal(t, []string{"老婆", "孩子", "爸妈"}, s.Classes["kin"].Members)
	assert.Equal(t, []string{"老婆", "孩子", "爸妈", "同事"}, s.Classes["person"].Members)
	assert.Len(t, s.Classes["kin"].Decls, 2)
	r := s.Rule("threat.kin_near")
	require.NotNil(t, r)
	require.Len(t, r.Near, 1)
	assert.Equal(t, [][]string{{"老婆", "孩子", "爸妈"}, {"出事", "小心"}}, r.Near[0].Groups)
	assert.Equal(t, 4, r.Near[0].Within)
	assert.Equal(t, []string{"老婆", "孩子", "爸妈"}, r.Unless)
}

func TestClassReplace(t *testing.T) {
	p, err := Parse("base.yaml", []byte(classPack))
	require.NoError(t, err)
	repl, err := Parse("user.yaml", []byte("pack: user\nversion: \"1\"\nclasses:\n  kin:\n    members: [媳妇]\n    examples: {match: [媳妇], no_match: [同事]}\n"))
	require.NoError(t, err)
	s, err := NewSet([]*Pack{p, repl})
	require.NoError(t, err)
	assert.Equal(t, []string{"媳妇"}, s.Classes["kin"].Members)
	assert.Contains(t, strings.Join(s.Notes, "\n"), "class kin replaces the one from base.yaml:5")
}

func TestClassErrors(t *testing.T) {
	tests := []struct {
		name, pack, want string
	}{
		{"unknown_in_rule", "pack: x\nversion: \"1\"\ncategory: insult\nrules:\n  - id: insult.a\n    terms: [$kinn]\n    examples: {match: [a]}\nclasses:\n  kin:\n    members: [老婆]\n    examples: {match: [老婆], no_match: [a]}\n",
			"x.yaml:5: rule insult.a: unknown class $kinn (did you mean $kin?)"},
		{"unknown_in_class", "pack: x\nversion: \"1\"\nclasses:\n  kin:\n    members: [$nobody]\n    examples: {match: [a], no_match: [b]}\n",
			"x.yaml:4: class kin: unknown class $nobody"},
		{"cycle", "pack: x\nversion: \"1\"\nclasses:\n  a:\n    members: [$b]\n    examples: {match: [a], no_match: [c]}\n  b:\n    members: [$a]\n    examples: {match: [a], no_match: [c]}\n",
			"refers back to itself"},
		{"extend_nothing", "pack: x\nversion: \"1\"\nclasses:\n  kin:\n    extend: true\n    members: [老婆]\n",
			"x.yaml:4: class kin: extend: true, but no earlier pack declares the class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("x.yaml", []byte(tt.pack))
			require.NoError(t, err)
			_, err = NewSet([]*Pack{p})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestClassParseErrors(t *testing.T) {
	tests := []struct {
		name, pack, want string
	}{
		{"bad_name", "pack: x\nversion: \"1\"\nclasses:\n  Kin:\n    members: [a]\n    examples: {match: [a], no_match: [b]}\n", "x.yaml:4:3: class name \"Kin\""},
		{"no_members", "pack: x\nversion: \"1\"\nclasses:\n  kin:\n    examples: {match: [a], no_match: [b]}\n", "class kin has no members"},
		{"no_examples", "pack: x\nversion: \"1\"\nclasses:\n  kin:\n    members: [a]\n", "class kin needs examples"},
		{"unknown_key", "pack: x\nversion: \"1\"\nclasses:\n  kin:\n    memberz: [a]\n", "unknown field \"memberz\" (did you mean \"members\"?)"},
		{"near_one_group", "pack: x\nversion: \"1\"\ncategory: insult\nrules:\n  - id: insult.a\n    near: [{all: [a]}]\n    examples: {match: [a]}\n", "needs at least two groups"},
		{"near_within", "pack: x\nversion: \"1\"\ncategory: insult\nrules:\n  - id: insult.a\n    near: [{all: [a, b], within: 99}]\n    examples: {match: [a]}\n", "within must be a whole number of words from 0 to 30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.pack))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestBuiltinClassDeclaredTwice: two built-in packs may not declare one
// class name; a user pack may (it replaces the class).
func TestBuiltinClassDeclaredTwice(t *testing.T) {
	decl := func(file string) *Pack {
		p, err := Parse(file, []byte("pack: "+strings.TrimSuffix(file, ".yaml")+"\nversion: \"1\"\nclasses:\n  kin:\n    members: [老婆]\n    examples: {match: [老婆], no_match: [同事]}\n"))
		require.NoError(t, err)
		return p
	}
	a, b := decl("a.yaml"), decl("b.yaml")
	a.Builtin, b.Builtin = true, true
	_, err := NewSet([]*Pack{a, b})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "b.yaml:4: class kin is already declared at a.yaml:4")
	b.Builtin = false
	_, err = NewSet([]*Pack{a, b})
	require.NoError(t, err)
}
