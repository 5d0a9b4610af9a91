// Command servebench measures how fast the web console's pages and API
// answer at scale:
//
//	go run ./bench/servebench -index /tmp/ix20k -calls 20000 -n 200
//
// When the index folder does not exist, it is built first from a
// deterministic synthetic corpus (internal/synth) of -calls calls; an
// existing index (any built by `callqa index`) is used as it is.
//
// It serves the index with web.New on a loopback test server and times
// sequential GET requests of each kind (after warm-up), printing the median
// and p99 in milliseconds as a markdown table.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"time"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/web"
)

func main() {
	fs := flag.NewFlagSet("servebench", flag.ExitOnError)
	dir := fs.String("index", "", "index `DIR` built by callqa index (required)")
	n := fs.Int("n", 200, "timed requests of each kind")
	seed := fs.Int64("seed", 1, "seed for the corpus and for picking calls, teams and phrases")
	calls := fs.Int("calls", 20000, "calls to generate when the index does not exist yet")
	_ = fs.Parse(os.Args[1:])
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "servebench: -index DIR is required")
		os.Exit(2)
	}
	set, err := lexicon.LoadSet(nil)
	check(err)
	an, err := analyzer.New(set, analyzer.Options{})
	check(err)
	if _, err := os.Stat(*dir); os.IsNotExist(err) {
		fmt.Printf("building %s from %d synthetic calls…\n", *dir, *calls)
		ix, err := index.Open(*dir, index.Options{})
		check(err)
		version := index.RulesVersion(set)
		for _, c := range synth.Generate(*calls, *seed) {
			_, err := ix.Add(an.Analyze(c), version)
			check(err)
		}
		check(ix.Close())
	}
	bi, closeAll, err := index.OpenAlias([]string{*dir})
	check(err)
	defer closeAll()
	srv, err := web.New(web.Config{Index: index.Bleve{Index: bi}, Analyzer: an})
	check(err)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	all, err := index.Search(bi, index.Query{Limit: 1})
	check(err)
	page, err := index.Search(bi, index.Query{Limit: 500})
	check(err)
	var ids []string
	for _, h := range page.Hits {
		ids = append(ids, h.CallID)
	}
	var teams []string
	for _, f := range page.Facets["team"] {
		teams = append(teams, f.Value)
	}
	var months []string
	for _, f := range page.Facets["month"] {
		months = append(months, f.Value)
	}
	cats := []string{"insult", "threat", "false_legal_claim", "third_party_disclosure"}
	phrases := []string{"逾期", "罚息", "老赖", "今天还款", "征信", "出门小心", "坐牢", "通讯录", "还款", "信用卡"}
	r := rand.New(rand.NewSource(*seed))
	pick := func(list []string) string { return list[r.Intn(len(list))] }
	kinds := []struct {
		name string
		path func() string
	}{
		{"search page, filtered (category + team + 30 days)", func() string {
			from, err := time.Parse("2006-01", pick(months))
			check(err)
			return "/?" + url.Values{"category": {pick(cats)}, "team": {pick(teams)}, "from": {from.Format("2006-01-02")}, "to": {from.AddDate(0, 1, 0).Format("2006-01-02")}}.Encode()
		}},
		{"search page, free text", func() string { return "/?" + url.Values{"q": {pick(phrases)}}.Encode() }},
		{"search page, no query (newest first, facets)", func() string { return "/" }},
		{"call page (with prev/next of its search)", func() string {
			return "/calls/" + url.PathEscape(pick(ids)) + "?" + url.Values{"category": {pick(cats)}}.Encode()
		}},
		{"dashboard", func() string { return "/dashboard" }},
		{"GET /api/search, filtered", func() string {
			return "/api/search?" + url.Values{"category": {pick(cats)}, "team": {pick(teams)}}.Encode()
		}},
		{"GET /api/calls/{id}", func() string { return "/api/calls/" + url.PathEscape(pick(ids)) }},
	}
	fmt.Printf("index %s: %d calls\n\n", *dir, all.Total)
	fmt.Println("| request | p50 ms | p99 ms | max ms |")
	fmt.Println("|---|---:|---:|---:|")
	for _, k := range kinds {
		for range 10 { // warm-up
			get(ts.URL + k.path())
		}
		var d []float64
		for range *n {
			p := k.path()
			start := time.Now()
			get(ts.URL + p)
			d = append(d, float64(time.Since(start).Microseconds())/1000)
		}
		sort.Float64s(d)
		fmt.Printf("| %s | %.1f | %.1f | %.1f |\n", k.name, d[len(d)/2], d[len(d)*99/100], d[len(d)-1])
	}
}

func get(u string) {
	resp, err := http.Get(u)
	check(err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "servebench: %s: %s\n", u, resp.Status)
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "servebench:", err)
		os.Exit(1)
	}
}
