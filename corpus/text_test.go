package corpus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func secs(v float64) *float64 { return &v }

// turnSummary is the part of a Turn most cases check.
type turnSummary struct {
	Role  Role
	Label string
	Text  string
	Line  int
}

func summarize(turns []Turn) []turnSummary {
	var out []turnSummary
	for _, t := range turns {
		out = append(out, turnSummary{t.Role, t.Label, t.Text, t.Line})
	}
	return out
}

func TestReadText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []turnSummary
		check func(t *testing.T, c *Call)
	}{
		{
			name: "header",
			in: "# call_id: D0007\n# agent: 林晓雯\n# team: M1-A\n# started_at: 2026-03-01T10:02:11+08:00\n" +
				"# kind: first_call\n# party: debtor\n[00:00:01] 坐席: 您好，请问是周海涛先生吗？\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好，请问是周海涛先生吗？", 7}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "D0007", c.ID)
				assert.Equal(t, "林晓雯", c.Agent)
				assert.Equal(t, "M1-A", c.Team)
				assert.Equal(t, "2026-03-01T10:02:11+08:00", c.StartedAt)
				assert.Equal(t, "first_call", c.Kind)
				assert.Equal(t, "debtor", c.Party)
				assert.Equal(t, "calls/D0007.txt", c.Source)
				assert.Nil(t, c.Meta)
				assert.Equal(t, secs(1), c.Turns[0].Start)
				assert.Nil(t, c.Turns[0].End)
			},
		},
		{
			name: "default_call_id",
			in:   "坐席: 您好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 1}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "D0007", c.ID)
			},
		},
		{
			name: "fullwidth_colon",
			in:   "# call_id：F1\n坐席：您好\n客户：你好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 2}, {RoleCustomer, "客户", "你好", 3}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "F1", c.ID)
			},
		},
		{
			name: "spaces_around_colon",
			in:   "  坐席 ：  您好  \n\u3000客户 : 你好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 1}, {RoleCustomer, "客户", "你好", 2}},
		},
		{
			name: "named_role",
			in:   "# roles: 孙经理=agent, 钱总=customer\n孙经理：钱总您好。\n钱总：下周付款。\n",
			want: []turnSummary{{RoleAgent, "孙经理", "钱总您好。", 2}, {RoleCustomer, "钱总", "下周付款。", 3}},
		},
		{
			name: "roles_separators",
			in:   "#roles：孙经理＝坐席、王阿姨=客户；小郭 = Agent，闺女=third_party,\n孙经理:a\n王阿姨:b\n小郭:c\n闺女:d\n",
			want: []turnSummary{
				{RoleAgent, "孙经理", "a", 2}, {RoleCustomer, "王阿姨", "b", 3},
				{RoleAgent, "小郭", "c", 4}, {RoleThirdParty, "闺女", "d", 5},
			},
		},
		{
			name: "roles_after_turns",
			in:   "担保人：我来还。\n# roles: 担保人=customer\n",
			want: []turnSummary{{RoleCustomer, "担保人", "我来还。", 1}},
		},
		{
			name: "roles_override_table",
			in:   "# roles: 客户=agent\n客户：您好\n",
			want: []turnSummary{{RoleAgent, "客户", "您好", 2}},
		},
		{
			name: "ascii_labels",
			in:   "AGENT: hello\nc: hi\nThird_Party: he is out\na: ok\nB: bye\ncustomer: yes\n",
			want: []turnSummary{
				{RoleAgent, "AGENT", "hello", 1}, {RoleCustomer, "c", "hi", 2},
				{RoleThirdParty, "Third_Party", "he is out", 3}, {RoleAgent, "a", "ok", 4},
				{RoleCustomer, "B", "bye", 5}, {RoleCustomer, "customer", "yes", 6},
			},
		},
		{
			name: "role_table",
			in:   "催收员:1\n客服:2\n业务员:3\n借款人:4\n债务人:5\n家属:6\n同事:7\n朋友:8\n联系人:9\n第三方:10\n",
			want: []turnSummary{
				{RoleAgent, "催收员", "1", 1}, {RoleAgent, "客服", "2", 2}, {RoleAgent, "业务员", "3", 3},
				{RoleCustomer, "借款人", "4", 4}, {RoleCustomer, "债务人", "5", 5},
				{RoleThirdParty, "家属", "6", 6}, {RoleThirdParty, "同事", "7", 7}, {RoleThirdParty, "朋友", "8", 8},
				{RoleThirdParty, "联系人", "9", 9}, {RoleThirdParty, "第三方", "10", 10},
			},
		},
		{
			name: "traditional",
			in:   "客戶經理：您好\n客戶：請說\n債務人：好\n",
			want: []turnSummary{{RoleAgent, "客戶經理", "您好", 1}, {RoleCustomer, "客戶", "請說", 2}, {RoleCustomer, "債務人", "好", 3}},
		},
		{
			name: "role_prefix",
			in:   "客服小刘：您好\n坐席A: 在\n客户经理小王：我来\n客户乙：嗯\n",
			want: []turnSummary{
				{RoleAgent, "客服小刘", "您好", 1}, {RoleAgent, "坐席A", "在", 2},
				{RoleAgent, "客户经理小王", "我来", 3}, {RoleCustomer, "客户乙", "嗯", 4},
			},
		},
		{
			name: "bracketed_name",
			in:   "客户（郑雨桐）：你好\n坐席(小吴): 您好\n",
			want: []turnSummary{{RoleCustomer, "客户（郑雨桐）", "你好", 1}, {RoleAgent, "坐席(小吴)", "您好", 2}},
		},
		{
			name: "timestamps",
			in:   "[00:00:01] 坐席: a\n[01:05] 客户: b\n[00:01.250]坐席: c\n【00:00:05】客户：d\n［1:02:03.5］坐席：e\n[00：09] 客户：f\n",
			want: []turnSummary{
				{RoleAgent, "坐席", "a", 1}, {RoleCustomer, "客户", "b", 2}, {RoleAgent, "坐席", "c", 3},
				{RoleCustomer, "客户", "d", 4}, {RoleAgent, "坐席", "e", 5}, {RoleCustomer, "客户", "f", 6},
			},
			check: func(t *testing.T, c *Call) {
				var got []float64
				for _, tr := range c.Turns {
					require.NotNil(t, tr.Start)
					got = append(got, *tr.Start)
				}
				assert.Equal(t, []float64{1, 65, 1.25, 5, 3723.5, 9}, got)
			},
		},
		{
			name: "continuation_cjk",
			in:   "坐席：您本期的账单还没有还款，\n麻烦您今天处理一下。\n\n客户：好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您本期的账单还没有还款，麻烦您今天处理一下。", 1}, {RoleCustomer, "客户", "好", 4}},
		},
		{
			name: "continuation_ascii",
			in:   "agent: please pay\ntoday\n",
			want: []turnSummary{{RoleAgent, "agent", "please pay today", 1}},
		},
		{
			name: "continuation_clock_and_url",
			in:   "坐席：请在\n下午3:00前还款，\n详见 https://example.com/pay\n",
			want: []turnSummary{{RoleAgent, "坐席", "请在下午3:00前还款，详见 https://example.com/pay", 1}},
		},
		{
			name: "empty_turn_text",
			in:   "坐席：喂？\n客户：\n坐席：喂，听得到吗？\n",
			want: []turnSummary{{RoleAgent, "坐席", "喂？", 1}, {RoleCustomer, "客户", "", 2}, {RoleAgent, "坐席", "喂，听得到吗？", 3}},
		},
		{
			name: "crlf",
			in:   "# call_id: C1\r\n坐席: 您好\r\n\r\n客户: 你好\r\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 2}, {RoleCustomer, "客户", "你好", 4}},
		},
		{
			name: "cr",
			in:   "# call_id: C1\r坐席: 您好\r客户: 你好",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 2}, {RoleCustomer, "客户", "你好", 3}},
		},
		{
			name: "bom",
			in:   "\ufeff# call_id: B1\n坐席: 您好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 2}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "B1", c.ID)
			},
		},
		{
			name: "meta_and_comments",
			in:   "# channel: outbound\n# 备注：客户情绪稳定\n# 这一行是注释\n#\n## section\n# Channel: 2\n# channel: inbound\n坐席: 您好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 8}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, map[string]string{"channel": "outbound\ninbound", "备注": "客户情绪稳定", "Channel": "2"}, c.Meta)
			},
		},
		{
			name: "header_keys_any_case",
			in:   "# Call_ID: K1\n# PARTY: Third_Party\n# call_id: K1\n坐席: 您好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 4}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "K1", c.ID)
				assert.Equal(t, "third_party", c.Party)
			},
		},
		{
			name: "empty_header_values",
			in:   "# call_id:\n# party:\n# started_at:\n坐席: 您好\n",
			want: []turnSummary{{RoleAgent, "坐席", "您好", 4}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "D0007", c.ID)
				assert.Empty(t, c.Party)
			},
		},
		{
			name: "colon_in_text",
			in:   "坐席：金额：8,650元\n客户: 时间: 明天\n",
			want: []turnSummary{{RoleAgent, "坐席", "金额：8,650元", 1}, {RoleCustomer, "客户", "时间: 明天", 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadText("calls/D0007.txt", tt.in)
			require.NoError(t, err)
			require.NotNil(t, c)
			assert.Equal(t, tt.want, summarize(c.Turns))
			for i, tr := range c.Turns {
				assert.Equal(t, i+1, tr.N)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestReadTextErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"unknown_role", "坐席：您好\n孙经理：我来说\n", `calls/D0007.txt:2: unknown role "孙经理"; map it in the header: # roles: 孙经理=agent`},
		{"unknown_ascii_role", "坐席：您好\n\nBoss: hi\n", `calls/D0007.txt:3: unknown role "Boss"; map it in the header: # roles: Boss=agent`},
		{"unknown_role_before_turns", "注意：这是一段录音\n坐席：您好\n", `calls/D0007.txt:1: unknown role "注意"; map it in the header: # roles: 注意=agent`},
		{"not_a_turn", "# call_id: X\n今天的录音如下\n坐席：您好\n", "calls/D0007.txt:2: not a turn (expected ROLE: text)"},
		{"no_turns", "# call_id: X\n# agent: 林晓雯\n\n", "calls/D0007.txt: no turns: only # header lines (a turn is a line ROLE: text, such as 坐席：您好)"},
		{"only_comments", "# just a note\n", "calls/D0007.txt: no turns"},
		{"empty", "", "calls/D0007.txt: no turns"},
		{"bad_started_at", "# started_at: 2026/03/01 10:00\n坐席：您好\n", `calls/D0007.txt:1: started_at: not an RFC 3339 time: "2026/03/01 10:00" (want e.g. 2026-03-01T10:02:11+08:00)`},
		{"bad_party", "坐席：您好\n# party: boss\n", `calls/D0007.txt:2: party: unknown value "boss" (want debtor or third_party)`},
		{"bad_roles_entry", "# roles: 孙经理 agent\n孙经理：您好\n", `calls/D0007.txt:1: roles: bad entry "孙经理 agent" (want LABEL=agent, LABEL=customer or LABEL=third_party)`},
		{"bad_roles_value", "# roles: 孙经理=boss\n孙经理：您好\n", `calls/D0007.txt:1: roles: unknown role "boss" for 孙经理 (want agent, customer or third_party)`},
		{"roles_conflict", "# roles: 孙经理=agent\n# roles: 孙经理=customer\n孙经理：您好\n", "calls/D0007.txt:2: roles: 孙经理 is mapped to both agent and customer"},
		{"duplicate_header", "# call_id: A1\n# call_id: A2\n坐席：您好\n", "calls/D0007.txt:2: duplicate header call_id (first on line 1)"},
		{"bad_timestamp", "坐席：您好\n[00:61:00] 客户：你好\n", `calls/D0007.txt:2: bad timestamp "[00:61:00]" (want [hh:mm:ss] or [mm:ss], optionally with .mmm)`},
		{"srt_range", "[00:00:01.500 --> 00:00:03.000] 坐席：您好\n", `calls/D0007.txt:1: bad timestamp "[00:00:01.500 --> 00:00:03.000]" (want [hh:mm:ss] or [mm:ss], optionally with .mmm)`},
		{"timestamp_without_role", "坐席：您好\n[00:00:05] 你好\n", "calls/D0007.txt:2: timestamp without a role (expected [hh:mm:ss] ROLE: text)"},
		{"invalid_utf8", "坐席：您好\n客户：\xff\n", "calls/D0007.txt:2: invalid UTF-8 (byte 0xff); decode the file first"},
		// The turn error on line 2 comes before the header error on line 3.
		{"first_error_wins", "坐席：您好\n老板：说\n# party: boss\n", `calls/D0007.txt:2: unknown role "老板"; map it in the header: # roles: 老板=agent`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadText("calls/D0007.txt", tt.in)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.EqualError(t, err, tt.wantErr)
			var pe *ParseError
			assert.ErrorAs(t, err, &pe)
		})
	}
}

func TestDefaultID(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "D0007.txt", "D0007"},
		{"nested", "calls/2026/D0007.TXT", "D0007"},
		{"windows", `calls\D0007.json`, "D0007"},
		{"dots", "call.v2.txt", "call.v2"},
		{"hidden", ".hidden", ".hidden"},
		{"stdin", "-", "stdin"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, defaultID(tt.in))
		})
	}
}

// TestReadTextDateTimeStamps: a turn line may start with the date and time
// it was said, bare or in brackets; the stamps become seconds from the
// start of the call, and the first gives started_at when there is no
// header (read in the local zone).
func TestReadTextDateTimeStamps(t *testing.T) {
	local := func(y, mo, d, h, mi, s int) string {
		return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.Local).Format(time.RFC3339)
	}
	tests := []struct {
		name          string
		in            string
		wantStartedAt string
		wantStarts    []float64 // -1: no start
		wantTexts     []string
	}{
		{"bare_dash", "2026-03-01 10:00:01 坐席：您好，请问是周海涛先生吗？\n2026-03-01 10:00:04 客户：是我。\n",
			local(2026, 3, 1, 10, 0, 1), []float64{0, 3}, []string{"您好，请问是周海涛先生吗？", "是我。"}},
		{"bare_slash_millis", "2026/03/01 10:00:01.250 坐席：您好\n2026/3/1 10:00:02,750 客户：嗯\n",
			local(2026, 3, 1, 10, 0, 1), []float64{0.25, 1.75}, []string{"您好", "嗯"}},
		{"bracketed", "[2026-03-01 10:00:01] 坐席：您好\n【2026-03-01 10:01:01】客户：嗯\n",
			local(2026, 3, 1, 10, 0, 1), []float64{0, 60}, []string{"您好", "嗯"}},
		{"iso_t", "2026-03-01T23:59:59 坐席：您好\n2026-03-02T00:00:09 客户：嗯\n",
			local(2026, 3, 1, 23, 59, 59), []float64{0, 10}, []string{"您好", "嗯"}},
		{"no_space_before_role", "2026-03-01 10:00:01坐席：您好\n", local(2026, 3, 1, 10, 0, 1), []float64{0}, []string{"您好"}},
		{"started_at_header", "# started_at: 2026-03-01T10:00:00+08:00\n2026-03-01 10:00:05 坐席：您好\n客户：嗯\n2026-03-01 10:00:09 坐席：好的\n",
			"2026-03-01T10:00:00+08:00", []float64{5, -1, 9}, []string{"您好", "嗯", "好的"}},
		{"header_after_first_stamp", "# started_at: 2026-03-01T10:00:30+08:00\n2026-03-01 10:00:05 坐席：您好\n",
			"2026-03-01T10:00:30+08:00", []float64{0}, []string{"您好"}},
		{"earliest_stamp_is_the_start", "2026-03-01 10:00:05 坐席：您好\n2026-03-01 10:00:01 客户：嗯\n",
			local(2026, 3, 1, 10, 0, 1), []float64{4, 0}, []string{"您好", "嗯"}},
		{"continuation_with_a_date", "2026-03-01 10:00:01 坐席：请在\n2026-03-05 之前还款\n",
			local(2026, 3, 1, 10, 0, 1), []float64{0}, []string{"请在2026-03-05 之前还款"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadText("calls/D0007.txt", tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStartedAt, c.StartedAt)
			var starts []float64
			var texts []string
			for _, tr := range c.Turns {
				texts = append(texts, tr.Text)
				if tr.Start == nil {
					starts = append(starts, -1)
					continue
				}
				starts = append(starts, *tr.Start)
			}
			assert.InDeltaSlice(t, tt.wantStarts, starts, 1e-9)
			assert.Equal(t, tt.wantTexts, texts)
		})
	}
}

func TestReadTextDateTimeStampErrors(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"bad_month", "2026-13-01 10:00:01 坐席：您好\n", `calls/D0007.txt:1: bad date-time stamp "2026-13-01 10:00:01" (want 2026-03-01 10:00:01 or 2026/03/01 10:00:01, optionally with .mmm)`},
		{"bad_hour", "坐席：您好\n2026-03-01 24:00:01 客户：嗯\n", `calls/D0007.txt:2: bad date-time stamp "2026-03-01 24:00:01" (want 2026-03-01 10:00:01 or 2026/03/01 10:00:01, optionally with .mmm)`},
		{"bracketed_without_seconds", "[2026-03-01 10:00] 坐席：您好\n", `calls/D0007.txt:1: bad date-time stamp "[2026-03-01 10:00]" (want [2026-03-01 10:00:01] or [2026/03/01 10:00:01], optionally with .mmm)`},
		{"without_role", "坐席：您好\n2026-03-01 10:00:05 你好\n", "calls/D0007.txt:2: date-time stamp without a role (expected 2026-03-01 10:00:01 ROLE: text)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadText("calls/D0007.txt", tt.in)
			assert.Nil(t, c)
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

// TestRoleTable: the embedded role table reads, holds the labels of
// formats.md §1, and a bad line is an error naming it.
func TestRoleTable(t *testing.T) {
	tab, err := parseRoleTable("roles.tsv", rolesTSV)
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string]Role{"坐席": RoleAgent, "客戶": RoleCustomer, "家属": RoleThirdParty, "agent": RoleAgent} {
		if tab[label] != want {
			t.Errorf("%s is %q, want %q", label, tab[label], want)
		}
	}
	for data, want := range map[string]string{
		"坐席 agent":                     "roles.tsv:1: want a label, a tab and a role",
		"坐席\tboss":                     `roles.tsv:1: unknown role "boss" (want agent, customer or third_party)`,
		"# c\n坐席\tagent\n坐席\tcustomer": "roles.tsv:3: 坐席 is already agent",
	} {
		if _, err := parseRoleTable("roles.tsv", data); err == nil || err.Error() != want {
			t.Errorf("parseRoleTable(%q) = %v, want %s", data, err, want)
		}
	}
}
