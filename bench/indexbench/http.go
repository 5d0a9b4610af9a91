package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/web"
)

// httpSizes is the -http flag: corpus sizes whose indexes are searched
// over HTTP, side by side, instead of the usual run.
var httpSizes string

// httpKinds is the -httpkinds flag: which kinds of query the -http run
// times (default all three).
var httpKinds string

// addHTTPFlags defines -http on the bench's flag set.
func addHTTPFlags(fs *flag.FlagSet) {
	fs.StringVar(&httpKinds, "httpkinds", "filtered,faceted,phrase", "with -http, the `KINDS` of query timed (filtered, faceted, phrase); with -searchprofile each kind at each size writes a CPU profile FILE.SIZE.KIND")
	fs.StringVar(&httpSizes, "http", "", "search over HTTP (web.New on 127.0.0.1, GET /api/search) the indexes of these corpus `SIZES` (e.g. 20000,100000), side by side; with -dir an index built earlier there (ixSIZE) is reused")
}

// runHTTP builds (or, under -dir, reuses) an index of each size from the
// corpus of -seed, serves it with the console's handler and times the
// queries of the usual three kinds, each asking for facets as every
// /api/search does, and prints p50 / p99 per kind and size.
func runHTTP(c config, out io.Writer) error {
	var sizes []int
	for _, s := range strings.Split(httpSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("-http: %q is not a number of calls", s)
		}
		sizes = append(sizes, n)
	}
	root := c.dir
	if root == "" {
		d, err := os.MkdirTemp("", "indexbench-http-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		root = d
	}
	set, err := lexicon.LoadSet(nil)
	if err != nil {
		return err
	}
	a, err := analyzer.New(set, analyzer.Options{})
	if err != nil {
		return err
	}
	words, err := analyzer.NewWordTokenizer(set.Words)
	if err != nil {
		return err
	}
	all := map[string]string{"filtered": "filtered", "faceted": "faceted", "phrase": "free-text phrase"}
	var keys, kinds []string
	for _, k := range strings.Split(httpKinds, ",") {
		k = strings.TrimSpace(k)
		if all[k] == "" {
			return fmt.Errorf("-httpkinds: unknown kind %q (want filtered, faceted or phrase)", k)
		}
		keys = append(keys, k)
		kinds = append(kinds, all[k])
	}
	res := map[int][][]float64{}
	hits := map[int][]float64{}
	for _, n := range sizes {
		calls := synth.Generate(n, c.seed)
		dir := filepath.Join(root, fmt.Sprintf("ix%d", n))
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			log.Printf("indexing %d calls into %s", n, dir)
			ix, err := index.Open(dir, index.Options{BatchSize: c.batch})
			if err != nil {
				return err
			}
			version := index.RulesVersion(set)
			for _, r := range analyzeAll(a, calls, c.workers) {
				if _, err := ix.Add(r, version); err != nil {
					return err
				}
			}
			if err := ix.Close(); err != nil {
				return err
			}
		}
		bi, closeAll, err := index.OpenAlias([]string{dir})
		if err != nil {
			return err
		}
		srv, err := web.New(web.Config{Index: index.Bleve{Index: bi}, Analyzer: a})
		if err != nil {
			closeAll()
			return err
		}
		ts := httptest.NewServer(srv)
		qs := makeQueries(calls, words, c.queries, c.seed)
		log.Printf("searching %d calls over HTTP", n)
		byKey := map[string][]index.Query{"filtered": qs.filtered, "faceted": qs.faceted, "phrase": qs.phrase}
		for _, k := range keys {
			profile := ""
			if c.searchProfile != "" {
				profile = fmt.Sprintf("%s.%d.%s", c.searchProfile, n, k)
			}
			lat, mean, err := measureHTTP(ts.URL, byKey[k], profile)
			if err != nil {
				ts.Close()
				closeAll()
				return err
			}
			res[n] = append(res[n], lat)
			hits[n] = append(hits[n], mean)
		}
		ts.Close()
		closeAll()
	}
	fmt.Fprintf(out, "GET /api/search over HTTP, %d queries of each kind after 20 warm-up ones (p50 / p99 ms; mean total hits)\n\n", c.queries)
	fmt.Fprint(out, "| kind |")
	for _, n := range sizes {
		fmt.Fprintf(out, " %d calls |", n)
	}
	fmt.Fprint(out, "\n|---|")
	for range sizes {
		fmt.Fprint(out, "---:|")
	}
	fmt.Fprintln(out)
	for k, name := range kinds {
		fmt.Fprintf(out, "| %s |", name)
		for _, n := range sizes {
			lat := res[n][k]
			fmt.Fprintf(out, " %.1f / %.1f (%.0f) |", percentile(lat, 0.50), percentile(lat, 0.99), hits[n][k])
		}
		fmt.Fprintln(out)
	}
	return nil
}

// apiURL is the /api/search request of q.
func apiURL(base string, q index.Query) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", q.Text)
	set("category", q.Category)
	set("team", q.Team)
	if !q.From.IsZero() {
		v.Set("from", q.From.Format("2006-01-02"))
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.AddDate(0, 0, -1).Format("2006-01-02")) // to is a last day, inclusive
	}
	return base + "/api/search?" + v.Encode()
}

// measureHTTP times one GET of each query after 20 untimed ones, and
// returns the latencies in ms and the mean total of hits; with a profile
// file name, the timed ones are CPU-profiled into it.
func measureHTTP(base string, qs []index.Query, profile string) ([]float64, float64, error) {
	get := func(q index.Query) (uint64, error) {
		resp, err := http.Get(apiURL(base, q))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %s: %.200s", apiURL(base, q), resp.Status, body)
		}
		i := strings.Index(string(body), `"total":`)
		if i < 0 {
			return 0, fmt.Errorf("%s: no total in the answer", apiURL(base, q))
		}
		var total uint64
		fmt.Sscan(string(body[i+len(`"total":`):]), &total)
		return total, nil
	}
	for _, q := range qs[:min(len(qs), 20)] {
		if _, err := get(q); err != nil {
			return nil, 0, err
		}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return nil, 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, 0, err
		}
		defer pprof.StopCPUProfile()
	}
	lat := make([]float64, 0, len(qs))
	sum := 0.0
	for _, q := range qs {
		start := time.Now()
		total, err := get(q)
		if err != nil {
			return nil, 0, err
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		sum += float64(total)
	}
	return lat, sum / float64(len(qs)), nil
}
