package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
)

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
	var v T
	require.NoError(t, json.Unmarshal([]byte(r.body), &v), r.body)
	return v
}

// assertAPIError checks an error answer: the status and {"error": "..."}
// holding want.
func assertAPIError(t *testing.T, r response, status int, want string) {
	t.Helper()
	assert.Equal(t, status, r.status, r.body)
	e := decode[map[string]string](t, r)
	assert.Len(t, e, 1, r.body)
	assert.Contains(t, e["error"], want)
	assertSecurityHeaders(t, r, "error answer")
}

func hitIDs(res index.Results) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.CallID)
	}
	return ids
}

func TestAPISearch(t *testing.T) {
	base := start(t, Config{})

	r := get(t, base+"/api/search?"+search("q", "老赖"))
	require.Equal(t, http.StatusOK, r.status, r.body)
	res := decode[index.Results](t, r)
	assert.Equal(t, uint64(2), res.Total)
	assert.ElementsMatch(t, []string{"S02", "X01"}, hitIDs(res))
	for _, h := range res.Hits {
		require.NotEmpty(t, h.Highlights, h.CallID)
		hl := h.Highlights[0]
		require.NotEmpty(t, hl.Spans)
		assert.Equal(t, "老赖", hl.Text[hl.Spans[0][0]:hl.Spans[0][1]])
	}
	for _, f := range []string{"category", "team", "agent", "month"} {
		assert.NotEmpty(t, res.Facets[f], f)
	}

	tests := []struct {
		name  string
		query string
		want  []string
		total uint64
	}{
		{"category", search("category", "threat"), []string{"S02"}, 1},
		{"team", search("team", "M2-B"), []string{"S02"}, 1},
		{"agent_and_pass", search("agent", "赵强", "pass", "fail"), []string{"S02"}, 1},
		{"party", search("party", "third_party"), []string{"S05", "S04", "T01"}, 3},
		{"dates", search("from", "2026-03-05", "to", "2026-03-05"), []string{"S05", "S04", "X01"}, 3},
		{"limit_offset", search("team", "GEN", "limit", "2", "offset", "1"), []string{"G22", "G21"}, genCalls},
		{"limit_page", search("team", "GEN", "limit", "5", "page", "2"), []string{"G18", "G17", "G16", "G15", "G14"}, genCalls},
		{"page", search("team", "GEN", "page", "2"), []string{"G03", "G02", "G01"}, genCalls},
		{"sort_score", search("team", "GEN", "sort", "score", "limit", "1"), []string{"G23"}, genCalls},
		{"query_string", search("q", "+turns:老赖 -team:QA"), []string{"S02"}, 1},
		{"nothing", search("q", "不存在的词语组合"), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, base+"/api/search?"+tt.query)
			require.Equal(t, http.StatusOK, r.status, r.body)
			res := decode[index.Results](t, r)
			assert.Equal(t, tt.total, res.Total)
			assert.Equal(t, tt.want, hitIDs(res))
		})
	}

	bad := []struct{ name, query, want string }{
		{"category", search("category", "rude"), `unknown category "rude"`},
		{"party", search("party", "debt"), `unknown party "debt"`},
		{"misspelt_category", search("category", "insults"), `unknown category "insults" (did you mean "insult"?); want one of insult, threat`},
		{"misspelt_party", search("party", "debitor"), `unknown party "debitor" (did you mean "debtor"?); want one of debtor, third_party`},
		{"syntax_hint", search("q", "坐牢 +"), `text holding + is read as Bleve query-string syntax; to search the words as written, escape it with a backslash (坐牢 \+)`},
		{"pass", search("pass", "yes"), `unknown pass "yes"`},
		{"from", search("from", "2026-13-01"), `from: "2026-13-01" is not a date`},
		{"to", search("to", "yesterday"), `to: "yesterday" is not a date`},
		{"sort", search("sort", "agent"), `unknown sort "agent"`},
		{"page", search("page", "0"), "page must be a whole number"},
		{"deep_page", search("page", "100000"), "page 100000 is past the last page, 2 ("},
		{"limit", search("limit", "0"), "limit must be a whole number from 1 to 200"},
		{"big_limit", search("limit", "201"), "limit must be"},
		{"offset", search("offset", "-1"), "offset must be"},
		{"deep_offset", search("offset", "20000"), "offset+limit may be at most"},
		{"syntax", search("q", `"老赖`), "did not parse"},
	}
	for _, tt := range bad {
		t.Run("bad_"+tt.name, func(t *testing.T) {
			assertAPIError(t, get(t, base+"/api/search?"+tt.query), http.StatusBadRequest, tt.want)
		})
	}
	assertAPIError(t, post(t, base+"/api/search", "", ""), http.StatusMethodNotAllowed, "method POST not allowed")
}

func TestAPICall(t *testing.T) {
	base := start(t, Config{})
	r := get(t, base+"/api/calls/S02")
	require.Equal(t, http.StatusOK, r.status, r.body)
	res := decode[result.Result](t, r)
	assert.Equal(t, "S02", res.CallID)
	assert.Equal(t, 9, res.Turns)
	var cats []string
	for _, f := range res.Violations() {
		cats = append(cats, f.Category)
	}
	assert.Equal(t, []string{"insult", "threat"}, cats)
	// The §4 object: the fields of formats.md, nothing of the index.
	raw := decode[map[string]json.RawMessage](t, r)
	for _, k := range []string{"call_id", "source", "turns", "party", "findings", "tasks", "steps", "score", "pass"} {
		assert.Contains(t, raw, k)
	}
	assert.NotContains(t, raw, "turn_roles")

	// The injected call: the payloads are plain strings once decoded, and
	// never markup in the body.
	r = get(t, base+"/api/calls/X01")
	require.Equal(t, http.StatusOK, r.status, r.body)
	assertNoInjection(t, r.body, "/api/calls/X01")
	x := decode[result.Result](t, r)
	require.NotEmpty(t, x.Findings)
	assert.Equal(t, "您好"+xssScript+"，你就是个老赖", x.Findings[0].Text)

	assertAPIError(t, get(t, base+"/api/calls/NOPE"), http.StatusNotFound, `no call "NOPE"`)
	assertAPIError(t, get(t, base+"/api/calls/"), http.StatusNotFound, "no API endpoint")
	assertAPIError(t, get(t, base+"/api/nothing"), http.StatusNotFound, "no API endpoint /api/nothing")
}

func TestAPIAnalyze(t *testing.T) {
	base := start(t, Config{MaxBody: 64 << 10})
	readFile := func(path ...string) string {
		b, err := os.ReadFile(filepath.Join(append([]string{".."}, path...)...))
		require.NoError(t, err)
		return string(b)
	}
	tests := []struct {
		name, query, body string
		id                string
		categories        []string
		score             int
	}{
		{name: "text", body: "坐席：请问是张伟先生吗？\n客户：是我。\n坐席：你就是个骗子，不还钱就是诈骗，要坐牢的。\n", id: "transcript", categories: []string{"insult", "false_legal_claim"}},
		{name: "text_file", body: readFile("testdata", "calls", "S02_insult_threat.txt"), id: "S02", categories: []string{"insult", "threat"}, score: 25},
		{name: "json", body: readFile("testdata", "calls", "S07_asr.json"), id: "S07", score: 100},
		{name: "jsonl_one_call", body: `{"call_id":"L1","turns":[{"speaker":"agent","text":"你就是个老赖"}]}` + "\n", id: "L1", categories: []string{"insult"}},
		{name: "srt_by_content", body: readFile("testdata", "asr", "call.srt"), id: "transcript", categories: []string{"insult", "threat"}, score: 25},
		{name: "named", query: "?name=" + "call.vtt", body: readFile("testdata", "asr", "call_voices.vtt"), id: "call", categories: []string{"insult", "threat"}, score: 25},
		// The mapping swaps the sample's roles and is used: speaker 0 is the
		// other party, so only the customer's 吸血鬼 is an agent's insult.
		{name: "aliyun_roles", query: "?format=aliyun&roles=1=agent,2=customer", body: readFile("testdata", "asr", "call.aliyun.json"), id: "transcript", categories: []string{"insult"}, score: 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, base+"/api/analyze"+tt.query, "text/plain; charset=utf-8", tt.body)
			require.Equal(t, http.StatusOK, r.status, r.body)
			res := decode[result.Result](t, r)
			assert.Equal(t, tt.id, res.CallID)
			var cats []string
			for _, f := range res.Violations() {
				cats = append(cats, f.Category)
			}
			assert.Equal(t, tt.categories, cats)
			assert.Equal(t, tt.score, res.Score)
		})
	}

	r := post(t, base+"/api/analyze", "text/plain", injected)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assertNoInjection(t, r.body, "/api/analyze")
	assert.Contains(t, decode[result.Result](t, r).Findings[0].Text, xssScript)

	bad := []struct{ name, query, body, want string }{
		{"not_turns", "", "hello there\nno roles here\n", "transcript:1: "},
		{"bad_json", "", `{"call_id": "J", "turns": [`, "transcript:"},
		{"no_turns", "", "# call_id: E1\n", "no turns"},
		{"empty", "", "  \n", "the transcript is empty"},
		{"two_calls", "", `{"call_id":"A","turns":[{"speaker":"agent","text":"您好"}]}` + "\n" + `{"call_id":"B","turns":[{"speaker":"agent","text":"您好"}]}` + "\n", "holds 2 calls"},
		{"format", "?format=docx", "坐席：您好\n", `unknown format "docx"`},
		{"roles", "?roles=0=boss", "坐席：您好\n", `unknown role "boss"`},
		{"binary", "", "\xff\xfe\xfd\x00\x81\x00", "transcript"},
	}
	for _, tt := range bad {
		t.Run("bad_"+tt.name, func(t *testing.T) {
			assertAPIError(t, post(t, base+"/api/analyze"+tt.query, "text/plain", tt.body), http.StatusBadRequest, tt.want)
		})
	}

	t.Run("too_large", func(t *testing.T) {
		big := strings.Repeat("坐席：您好，请问是张伟先生吗？\n", 3000) // about 130 KB
		assertAPIError(t, post(t, base+"/api/analyze", "text/plain", big), http.StatusRequestEntityTooLarge, "request body too large (the limit is 64 KiB)")
		// Without a Content-Length the limit stops the read instead.
		req, err := http.NewRequest(http.MethodPost, base+"/api/analyze", struct{ *strings.Reader }{strings.NewReader(big)})
		require.NoError(t, err)
		req.ContentLength = -1
		assertAPIError(t, do(t, req), http.StatusRequestEntityTooLarge, "request body too large")
	})
	assertAPIError(t, get(t, base+"/api/analyze"), http.StatusMethodNotAllowed, "use POST")
}

func TestAPIStats(t *testing.T) {
	base := start(t, Config{})
	for _, by := range index.StatsBy {
		t.Run(by, func(t *testing.T) {
			r := get(t, base+"/api/stats?by="+by)
			require.Equal(t, http.StatusOK, r.status, r.body)
			rows := decode[[]index.StatsRow](t, r)
			want, err := testIndex.Stats(by)
			require.NoError(t, err)
			assert.Equal(t, want, rows)
			assert.NotEmpty(t, rows)
		})
	}
	rows := decode[[]index.StatsRow](t, get(t, base+"/api/stats"))
	require.NotEmpty(t, rows)
	var gen index.StatsRow
	for _, r := range rows {
		if r.Group == "GEN" {
			gen = r
		}
	}
	assert.Equal(t, index.StatsRow{Group: "GEN", Calls: genCalls, Failed: 0, PassRate: 1}, gen, "by team by default")
	assertAPIError(t, get(t, base+"/api/stats?by=day"), http.StatusBadRequest, `unknown by "day"`)
}

func TestHealthz(t *testing.T) {
	for _, token := range []string{"", "s3cret-token-for-tests"} {
		base := start(t, Config{Token: token})
		r := get(t, base+"/healthz")
		require.Equal(t, http.StatusOK, r.status, r.body)
		assert.Equal(t, map[string]any{"ok": true, "calls": float64(sampleCalls)}, decode[map[string]any](t, r), "no credentials needed (token %q)", token)
		assertSecurityHeaders(t, r, "/healthz")
	}
}

// TestAnalyzeRedacts posts a call with invented phone, ID and card numbers:
// the API's result and the analyze page's result show them masked, unless
// the server runs with NoRedact. The page's text box, which shows back the
// pasted text, is masked too.
func TestAnalyzeRedacts(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "testdata", "pii", "P01_numbers.txt"))
	require.NoError(t, err)
	numbers := []string{"13812345678", "110101199003071233", "6222021234567890128", "zhangwei@example.com"}
	for _, noRedact := range []bool{false, true} {
		base := start(t, Config{NoRedact: noRedact})
		for _, u := range []string{"/api/analyze", "/analyze"} {
			var r response
			if u == "/analyze" {
				r = post(t, base+u, "application/x-www-form-urlencoded", url.Values{"transcript": {string(body)}}.Encode())
			} else {
				r = post(t, base+u, "text/plain; charset=utf-8", string(body))
			}
			require.Equal(t, http.StatusOK, r.status, r.body)
			found := 0
			for _, n := range numbers {
				if strings.Contains(r.body, n) {
					found++
				}
			}
			if noRedact {
				require.Positive(t, found, "%s with NoRedact shows them", u)
			} else {
				require.Zero(t, found, "%s masks them", u)
			}
		}
	}
}
