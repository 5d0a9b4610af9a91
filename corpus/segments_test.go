package corpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sec(v float64) *float64 { return &v }

func TestBuildCall(t *testing.T) {
	segs := []Segment{
		{Speaker: "0", Start: sec(0), End: sec(2), Text: "您好，"},
		{Speaker: "0", Start: sec(2.5), End: sec(4), Text: "请问是张伟吗？"},
		{Speaker: "1", Start: sec(4.2), End: sec(5), Text: "是我"},
		{Speaker: "1", Start: sec(9), End: sec(10), Text: "喂？"},
		{Speaker: "0", Start: sec(10), End: sec(11), Text: "  "},
		{Speaker: "0", Start: sec(11), End: sec(12), Text: "ok"},
		{Speaker: "0", Start: sec(11.5), End: sec(11.8), Text: "thanks"},
	}
	c, err := BuildCall("calls/a.json", &Transcript{Segments: segs, Meta: map[string]string{"team": "M1-A", "vendor": "x"}}, BuildOptions{Roles: map[string]Role{"0": RoleAgent}})
	require.NoError(t, err)
	assert.Equal(t, "a", c.ID)
	assert.Equal(t, "M1-A", c.Team)
	assert.Equal(t, map[string]string{"vendor": "x"}, c.Meta)
	require.Len(t, c.Turns, 4)
	assert.Equal(t, "您好，请问是张伟吗？", c.Turns[0].Text, "one speaker's segments 0.5 s apart are one turn")
	assert.Equal(t, 4.0, *c.Turns[0].End)
	assert.Equal(t, RoleAgent, c.Turns[0].Role)
	assert.Equal(t, RoleCustomer, c.Turns[1].Role, "speaker 1 has no mapping: the other party of the mapped agent")
	assert.Equal(t, "喂？", c.Turns[2].Text, "a 4 s pause starts a new turn")
	assert.Equal(t, "ok thanks", c.Turns[3].Text, "words of other scripts are joined with a space; the empty segment is dropped")
	assert.Equal(t, 12.0, *c.Turns[3].End, "an overlapping segment does not pull the end back")
	assert.Empty(t, c.Speakers())
	assert.False(t, c.NeedsRoles())

	never, err := BuildCall("a.json", &Transcript{Segments: segs}, BuildOptions{MergeGap: -1})
	require.NoError(t, err)
	assert.Len(t, never.Turns, 6)
	assert.Equal(t, []string{"0", "1"}, never.Speakers())
	assert.True(t, never.NeedsRoles())

	_, err = BuildCall("a.json", &Transcript{Segments: []Segment{{Speaker: "0", Text: " "}}}, BuildOptions{})
	assert.EqualError(t, err, "no turns (no segment has text)")
}

func TestBuildCallRoleWords(t *testing.T) {
	c, err := BuildCall("a.srt", &Transcript{Segments: []Segment{
		{Speaker: "坐席", Text: "您好"}, {Speaker: "客户", Text: "哪位"}, {Speaker: "A", Text: "嗯"},
	}}, BuildOptions{})
	require.NoError(t, err)
	assert.Equal(t, RoleAgent, c.Turns[0].Role)
	assert.Equal(t, RoleCustomer, c.Turns[1].Role)
	assert.Equal(t, RoleUnknown, c.Turns[2].Role, "a single letter is a diarization cluster, not a role")
}

// TestBuildCallSettlesRoles maps some speakers of a call: a mapping that
// names the agent makes the others the other party, one that names only
// the other party leaves the one speaker left as the agent, and a mapping
// that names no speaker of the call leaves it to inference.
func TestBuildCallSettlesRoles(t *testing.T) {
	for _, tc := range []struct {
		name     string
		speakers []string
		roles    string
		want     []Role // by speaker
		given    map[string]Role
	}{
		{"agent mapped", []string{"0", "1"}, "0=agent", []Role{RoleAgent, RoleCustomer}, map[string]Role{"0": RoleAgent, "1": RoleCustomer}},
		{"agent mapped, two others", []string{"0", "1", "2"}, "1=agent", []Role{RoleCustomer, RoleAgent, RoleCustomer}, map[string]Role{"0": RoleCustomer, "1": RoleAgent, "2": RoleCustomer}},
		{"customer mapped", []string{"0", "1"}, "1=customer", []Role{RoleAgent, RoleCustomer}, map[string]Role{"0": RoleAgent, "1": RoleCustomer}},
		{"customer mapped, two left", []string{"0", "1", "2"}, "0=客户", []Role{RoleCustomer, RoleUnknown, RoleUnknown}, map[string]Role{"0": RoleCustomer}},
		{"all mapped", []string{"0", "1"}, "0=agent,1=customer", []Role{RoleAgent, RoleCustomer}, map[string]Role{"0": RoleAgent, "1": RoleCustomer}},
		{"mapping names no speaker of the call", []string{"0", "1"}, "ch_0=agent", []Role{RoleUnknown, RoleUnknown}, nil},
		{"role word agent, no mapping", []string{"坐席", "1"}, "", []Role{RoleAgent, RoleUnknown}, nil},
		{"role word agent, customer mapped", []string{"坐席", "1", "2"}, "2=third_party", []Role{RoleAgent, RoleCustomer, RoleThirdParty}, map[string]Role{"1": RoleCustomer, "2": RoleThirdParty}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var segs []Segment
			for _, s := range tc.speakers {
				segs = append(segs, Segment{Speaker: s, Text: "嗯"})
			}
			var opts BuildOptions
			if tc.roles != "" {
				m, err := ParseRoleMap(tc.roles)
				require.NoError(t, err)
				opts.Roles = m
			}
			c, err := BuildCall("a.json", &Transcript{Segments: segs}, opts)
			require.NoError(t, err)
			var got []Role
			for _, tr := range c.Turns {
				got = append(got, tr.Role)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.given, c.RolesGiven)
		})
	}
}

func TestParseRoleMap(t *testing.T) {
	m, err := ParseRoleMap("0=agent, 1＝客户，spk_2=third_party")
	require.NoError(t, err)
	assert.Equal(t, map[string]Role{"0": RoleAgent, "1": RoleCustomer, "spk_2": RoleThirdParty}, m)
	for in, want := range map[string]string{
		"":         "roles: empty mapping",
		"0":        `roles: "0" is not ID=ROLE`,
		"0=boss":   `roles: "0": unknown role "boss" (want agent, customer or third_party)`,
		"=agent,1": `roles: "=agent" is not ID=ROLE`,
	} {
		_, err := ParseRoleMap(in)
		assert.EqualError(t, err, want, in)
	}
}

// TestCSVSeveralCalls reads an export holding two calls: one call each,
// named file#ID.
func TestCSVSeveralCalls(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "export.csv")
	require.NoError(t, os.WriteFile(p, []byte("call_id,speaker,text,start,end\nA,0,您好请问是张伟吗,0,2\nA,1,是我,2.5,3\nB,0,您好请问是李娜吗,0,2\nB,1,不是,2.5,3\n"), 0o644))
	var calls []*Call
	ReadPathsWith([]string{p}, nil, ReadOptions{Build: BuildOptions{Roles: map[string]Role{"0": RoleAgent, "1": RoleCustomer}}}, func(it Item) {
		require.NoError(t, it.Err)
		calls = append(calls, it.Call)
	})
	require.Len(t, calls, 2)
	assert.Equal(t, "A", calls[0].ID)
	assert.Equal(t, p+"#A", calls[0].Source)
	assert.Equal(t, "B", calls[1].ID)
	assert.Len(t, calls[1].Turns, 2)
}
