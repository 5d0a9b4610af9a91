package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
)

// readCSV renders results as csv with opts and reads the rows back as a
// spreadsheet would, each row as a map from the English header.
func readCSV(t *testing.T, opts Options, results ...*result.Result) (header []string, rows []map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWithOptions("csv", &buf, opts)
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Close(Summary{}))
	out := buf.String()
	require.True(t, strings.HasPrefix(out, utf8BOM), "starts with a UTF-8 BOM for Excel")
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, utf8BOM))).ReadAll()
	require.NoError(t, err)
	codes := csvHeader(LangEn)
	for _, rec := range records[1:] {
		require.Len(t, rec, len(codes))
		row := map[string]string{}
		for i, v := range rec {
			row[codes[i]] = v
		}
		rows = append(rows, row)
	}
	return records[0], rows
}

// TestCSVCell: every first character OWASP names (= + - @ tab CR) gets a
// single quote in front, also when the text looks like a number; any
// other text, and a dangerous character later in the text, is left alone.
func TestCSVCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"equals", "=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"},
		{"plus", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"minus", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"at", "@SUM(1+1)", "'@SUM(1+1)"},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage_return", "\r=1+1", "'\r=1+1"},
		{"negative_number", "-5", "'-5"},
		{"plus_phone_like", "+86 138****0000", "'+86 138****0000"},
		{"empty", "", ""},
		{"chinese", "你们这帮吸血鬼", "你们这帮吸血鬼"},
		{"number", "5", "5"},
		{"decimal", "0.5", "0.5"},
		{"dangerous_later", "a=1+1", "a=1+1"},
		{"space_first", " =1+1", " =1+1"},
		{"quote_first", "'quoted", "'quoted"},
		{"full_width_equals", "＝1+1", "＝1+1"},
		{"newline_first", "\n下一行", "\n下一行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cell(tt.in))
		})
	}
}

// TestCSVEscapesEveryTextColumn: every column taken from the input is
// escaped in the written file, and the numbers callqa writes are not.
func TestCSVEscapesEveryTextColumn(t *testing.T) {
	r := &result.Result{
		CallID: "=id", Source: "+src", Agent: "-agent", Team: "@team", Party: "=party", StartedAt: "=time",
		Score: 25, Findings: []result.Finding{{
			Category: "=cat", Turn: 3, Speaker: "+spk", Severity: "-sev", Rule: "@rule", Match: "\tmatch", Text: "\rtext",
		}},
	}
	_, rows := readCSV(t, Options{}, r)
	require.Len(t, rows, 1)
	row := rows[0]
	for _, col := range []string{"call_id", "source", "agent", "team", "party", "started_at", "category", "speaker", "severity", "rule", "match", "text", "started_at_original"} {
		assert.True(t, strings.HasPrefix(row[col], "'"), "%s: %q", col, row[col])
	}
	assert.Equal(t, "25", row["score"])
	assert.Equal(t, "3", row["turn"])
	assert.Equal(t, "false", row["pass"])
}

func TestCSVColumns(t *testing.T) {
	abuse := result.Finding{Category: "customer_abuse", Turn: 4, Speaker: "customer", Severity: "info", Rule: "customer_abuse.insult", Match: "吸血鬼"}
	threat := result.Finding{Category: "threat", Turn: 9, Speaker: "agent", Severity: "critical", Rule: "threat.safety", Match: "出门小心点"}
	tests := []struct {
		name   string
		result *result.Result
		col    string
		want   []string // the column, row by row
	}{
		{"party_debtor", &result.Result{CallID: "A", Party: "debtor"}, "party", []string{"debtor"}},
		{"party_third_party", &result.Result{CallID: "A", Party: "third_party", Findings: []result.Finding{threat}}, "party", []string{"third_party"}},
		{"party_unknown", &result.Result{CallID: "A"}, "party", []string{""}},
		{"abuse_not_scored", &result.Result{CallID: "A", Findings: []result.Finding{abuse, threat}}, "scored", []string{"false", "true"}},
		{"abuse_keeps_category", &result.Result{CallID: "A", Findings: []result.Finding{abuse, threat}}, "category", []string{"customer_abuse", "threat"}},
		{"no_findings_scored_empty", &result.Result{CallID: "A"}, "scored", []string{""}},
		{"time_in_call_zone", &result.Result{CallID: "A", StartedAt: "2026-03-01T10:02:11+08:00"}, "started_at", []string{"2026-03-01 10:02:11"}},
		{"time_utc", &result.Result{CallID: "A", StartedAt: "2026-03-01T02:02:11Z"}, "started_at", []string{"2026-03-01 02:02:11"}},
		{"time_fraction", &result.Result{CallID: "A", StartedAt: "2026-03-01T10:02:11.5-05:00"}, "started_at", []string{"2026-03-01 10:02:11"}},
		{"time_not_rfc3339", &result.Result{CallID: "A", StartedAt: "昨天上午"}, "started_at", []string{"昨天上午"}},
		{"time_none", &result.Result{CallID: "A"}, "started_at", []string{""}},
		{"time_original", &result.Result{CallID: "A", StartedAt: "2026-03-01T10:02:11+08:00", Findings: []result.Finding{threat}}, "started_at_original", []string{"2026-03-01T10:02:11+08:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readCSV(t, Options{}, tt.result)
			var got []string
			for _, row := range rows {
				got = append(got, row[tt.col])
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCSVHeaders(t *testing.T) {
	en := []string{
		"call_id", "source", "agent", "team", "party", "started_at", "score", "pass",
		"category", "scored", "turn", "speaker", "severity", "rule", "match", "text",
		"demand_payment", "ask_reason", "explain_consequences", "get_commitment", "self_introduce", "verify_identity",
		"started_at_original",
	}
	zh := []string{
		"通话编号", "文件", "坐席", "团队", "通话对象", "开始时间", "得分", "是否通过",
		"类别", "计入违规", "轮次", "说话人", "严重程度", "规则", "命中内容", "该轮原文",
		"要求客户今天还款", "了解逾期原因", "陈述利弊得失", "得到还款承诺", "表明自己身份", "确认对方身份",
		"开始时间（原文）",
	}
	tests := []struct {
		lang string
		want []string
	}{{"", en}, {LangEn, en}, {LangZh, zh}}
	for _, tt := range tests {
		t.Run("lang_"+tt.lang, func(t *testing.T) {
			header, rows := readCSV(t, Options{Lang: tt.lang}, sampleResults()...)
			assert.Equal(t, tt.want, header)
			assert.Len(t, rows, 5, "the rows do not depend on the language")
			assert.Equal(t, "customer_abuse", rows[0]["category"], "values stay codes")
		})
	}
	_, err := NewWithOptions("csv", &bytes.Buffer{}, Options{Lang: "fr"})
	assert.EqualError(t, err, `unknown language "fr" (want one of en, zh)`)
}
