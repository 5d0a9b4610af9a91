package lexicon

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSoundAlikes: a class's and a rule's sound_alikes match like members
// and terms, and the set maps each spelling to its word.
func TestSoundAlikes(t *testing.T) {
	p, err := Parse("sa.yaml", []byte(`pack: sa
version: "1"
category: false_legal_claim
classes:
  jail:
    members: [坐牢]
    sound_alikes: {做牢: 坐牢}
    examples: {match: [你要坐牢], no_match: [你好]}
rules:
  - id: false_legal_claim.sa
    terms: [$jail, 起诉]
    sound_alikes: {起素: 起诉}
    examples: {match: ["坐席: 你要做牢"]}
`))
	require.NoError(t, err)
	set, err := NewSet([]*Pack{p})
	require.NoError(t, err)
	assert.Equal(t, []string{"坐牢", "做牢"}, set.Classes["jail"].Members)
	assert.Equal(t, []string{"坐牢", "做牢", "起诉", "起素"}, set.Rule("false_legal_claim.sa").Terms)
	assert.Equal(t, map[string]string{"做牢": "坐牢", "起素": "起诉"}, set.SoundAlikes)
}

// TestSoundAlikesErrors: a bad sound_alikes entry is an error at its
// line, naming what is wrong.
func TestSoundAlikesErrors(t *testing.T) {
	head := "pack: sa\nversion: \"1\"\ncategory: threat\n"
	tests := []struct {
		name, body, want string
	}{
		{"a list, not a mapping",
			"classes:\n  jail:\n    members: [坐牢]\n    sound_alikes: [做牢]\n    examples: {match: [坐牢], no_match: [你好]}\n",
			"sa.yaml:7:19: `sound_alikes` must be a mapping of each sound-alike spelling to the word it stands for, e.g. {起素: 起诉}, got a list"},
		{"no word",
			"classes:\n  jail:\n    members: [坐牢]\n    sound_alikes: {做牢: \"\"}\n    examples: {match: [坐牢], no_match: [你好]}\n",
			"sa.yaml:7:24: sound_alikes: 做牢: give the word it stands for, e.g. {起素: 起诉}"},
		{"stands for itself",
			"rules:\n  - id: threat.sa\n    terms: [坐牢]\n    sound_alikes: {做牢: 做牢}\n",
			"sa.yaml:7:24: rule threat.sa: sound_alikes: 做牢 stands for itself; list it as a plain word"},
		{"also a plain term",
			"rules:\n  - id: threat.sa\n    terms: [坐牢, 做牢]\n    sound_alikes: {做牢: 坐牢}\n",
			"sa.yaml:7:20: rule threat.sa: sound_alikes: 做牢 is also a plain word in this list; keep it in one place"},
		{"a class reference",
			"rules:\n  - id: threat.sa\n    terms: [坐牢]\n    sound_alikes: {$jail: 坐牢}\n",
			"sa.yaml:7:20: rule threat.sa: sound_alikes: $jail: a sound-alike is a spelling, not a class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("sa.yaml", []byte(head+tt.body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
