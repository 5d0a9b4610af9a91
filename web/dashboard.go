package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/internal/reviewidx"
	"github.com/callqa/callqa/result"
)

// dashboardDays is how many days the per-day chart shows when the
// dashboard has no date range: the last ones with calls.
const dashboardDays = 30

// maxChartDays bounds the per-day chart of a long date range.
const maxChartDays = 92

// topRules is how many rules the top-rules chart lists.
const topRules = 10

// noTeam labels the calls without a team in the pass rate by team.
const noTeam = "(no team) 未分组"

type dashboardPage struct {
	base
	From, To, Team string
	Teams          []option
	Error          string
	Calls, Failed  uint64
	PassRate       string
	Violations     uint64
	PerDay         *columnChart
	DayNote        string
	PerCategory    *barChart
	TeamPassRate   *barChart
	Rules          *barChart
	// Review is the review progress over every call (with a decisions
	// database only); RuleShares its rules with the confirmed share
	// formatted.
	Review     *reviewidx.Progress
	RuleShares []ruleShare
}

// ruleShare is one row of the dashboard's table of rules under review.
type ruleShare struct {
	reviewidx.RuleProgress
	Share string
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	page := dashboardPage{base: s.base(r, "dashboard", "Dashboard 看板"), From: v.Get("from"), To: v.Get("to"), Team: v.Get("team")}
	teams, _ := s.filterOptions()
	page.Teams = selectOptions(page.Team, "All teams 全部团队", withSelected(teams, page.Team), nil)
	q := index.Query{Team: page.Team}
	var err error
	if q.From, err = parseDay(page.From, false); err == nil {
		q.To, err = parseDay(page.To, true)
	}
	if err != nil {
		page.Error = err.Error()
		s.render(w, r, http.StatusBadRequest, "dashboard", &page)
		return
	}
	if err := s.fillDashboard(&page, q); err != nil {
		s.internal(w, r, err)
		return
	}
	if s.cfg.Review != nil {
		p, err := reviewidx.ReviewProgress(r.Context(), s.cfg.Review, s.cfg.Index)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		page.Review = p
		for _, rp := range p.Rules {
			share := "—"
			if rp.ConfirmedShare != nil {
				share = callview.Percent(rp.Confirmed+rp.Appealed, rp.Confirmed+rp.Appealed+rp.Dismissed)
			}
			page.RuleShares = append(page.RuleShares, ruleShare{RuleProgress: rp, Share: share})
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", &page)
}

// fillDashboard counts, with facets only (no call is loaded): calls and
// failed calls by team, and violations by day, category and rule.
func (s *Server) fillDashboard(page *dashboardPage, q index.Query) error {
	calls, byTeam, err := s.cfg.Index.Count(q, 10000, "team")
	if err != nil {
		return err
	}
	fq := q
	fail := false
	fq.Pass = &fail
	failed, failedByTeam, err := s.cfg.Index.Count(fq, 10000, "team")
	if err != nil {
		return err
	}
	vq := q
	vq.Findings = true
	violations, viol, err := s.cfg.Index.Count(vq, 10000, "day", "month", "category", "rule")
	if err != nil {
		return err
	}
	page.Calls, page.Failed, page.Violations = calls, failed, violations
	page.PassRate = callview.Percent(int(calls-failed), int(calls))

	// Violations per day, every day of the range, days without any at 0.
	days := viol["day"]
	if len(days) == 0 && len(viol["month"]) > 0 {
		// An index from before findings kept their day: by month instead.
		months := slices.Clone(viol["month"])
		slices.SortFunc(months, func(a, b index.FacetCount) int { return strings.Compare(a.Value, b.Value) })
		var labels []string
		var values []int
		for _, m := range months {
			labels, values = append(labels, m.Value), append(values, m.Count)
		}
		page.PerDay = newColumnChart("chart-per-day", "Violations per month 每月违规", labels, values)
		page.DayNote = "This index was built before findings kept their day: rebuild it (callqa index into a new folder) for the chart per day."
	} else {
		page.PerDay = perDayChart(days, q)
	}

	var labels []string
	var values []int
	counts := map[string]int{}
	for _, c := range viol["category"] {
		counts[c.Value] = c.Count
	}
	for _, c := range result.ViolationCategories {
		labels, values = append(labels, categoryNames[c]), append(values, counts[c])
	}
	page.PerCategory = newBarChart("chart-category", "Violations per category 各类违规", labels, values, nil, func(int) string { return "bar-violation" }, 0)

	labels, values = nil, nil
	rules := viol["rule"]
	for i, c := range rules {
		if i == topRules {
			break
		}
		labels, values = append(labels, c.Value), append(values, c.Count)
	}
	page.Rules = newBarChart("chart-rules", "Top rules fired 触发最多的规则", labels, values, nil, func(int) string { return "bar-violation" }, 0)
	if n := len(rules) - topRules; n > 0 {
		page.Rules.Note = strconv.Itoa(n) + " more rules fired less often."
	}

	// Pass rate by team, lowest first: the teams that need attention.
	failedBy := map[string]int{}
	for _, c := range failedByTeam["team"] {
		failedBy[c.Value] = c.Count
	}
	type teamRate struct {
		team        string
		calls, pass int
	}
	var rates []teamRate
	withTeam, failedWithTeam := 0, 0
	for _, c := range byTeam["team"] {
		rates = append(rates, teamRate{c.Value, c.Count, c.Count - failedBy[c.Value]})
		withTeam += c.Count
		failedWithTeam += failedBy[c.Value]
	}
	// A call has one team at most: the calls the teams do not add up to
	// have none.
	if n := int(calls) - withTeam; n > 0 {
		rates = append(rates, teamRate{noTeam, n, n - (int(failed) - failedWithTeam)})
	}
	slices.SortStableFunc(rates, func(a, b teamRate) int {
		ra, rb := float64(a.pass)/float64(a.calls), float64(b.pass)/float64(b.calls)
		switch {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return strings.Compare(a.team, b.team)
	})
	labels, values = nil, nil
	var shown []string
	for _, t := range rates {
		labels = append(labels, t.team)
		values = append(values, 1000*t.pass/t.calls) // per mille, for the bar
		shown = append(shown, callview.Percent(t.pass, t.calls)+" ("+strconv.Itoa(t.pass)+"/"+strconv.Itoa(t.calls)+")")
	}
	page.TeamPassRate = newBarChart("chart-team-pass", "Compliance rate by team 各团队合规率", labels, values, shown, func(i int) string {
		switch r := values[i]; {
		case r >= 900:
			return "bar-good"
		case r >= 700:
			return "bar-fair"
		}
		return "bar-poor"
	}, 1000)
	return nil
}

// perDayChart lays out violations per day over the query's date range or,
// without a start, over the dashboardDays days up to the end of the range
// (or the last day with a violation), at most maxChartDays days. The title
// says which days the chart shows.
func perDayChart(days []index.FacetCount, q index.Query) *columnChart {
	counts := map[string]int{}
	var first, last time.Time
	for _, d := range days {
		t, err := time.Parse("2006-01-02", d.Value)
		if err != nil {
			continue
		}
		counts[d.Value] = d.Count
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if !q.From.IsZero() {
		first = dateOf(q.From)
	}
	if !q.To.IsZero() {
		last = dateOf(q.To.Add(-time.Nanosecond))
	}
	if last.IsZero() {
		return newColumnChart("chart-per-day", "Violations per day 每日违规", nil, nil)
	}
	from, to := first.Format("2006-01-02"), last.Format("2006-01-02")
	en, zh := from+" to "+to, from+" 至 "+to
	if q.From.IsZero() {
		first = last.AddDate(0, 0, -(dashboardDays - 1))
		en, zh = fmt.Sprintf("the %d days to %s", dashboardDays, to), fmt.Sprintf("截至 %s 的 %d 天", to, dashboardDays)
	}
	if last.Sub(first) >= maxChartDays*24*time.Hour {
		first = last.AddDate(0, 0, -(maxChartDays - 1))
		en, zh = fmt.Sprintf("the last %d days of the range, to %s", maxChartDays, to), fmt.Sprintf("所选范围的最后 %d 天，截至 %s", maxChartDays, to)
	}
	title := "Violations per day, " + en + " 每日违规（" + zh + "）"
	var labels []string
	var values []int
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		k := d.Format("2006-01-02")
		labels, values = append(labels, k), append(values, counts[k])
	}
	return newColumnChart("chart-per-day", title, labels, values)
}

// dateOf is the calendar day of t, as a UTC midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// handleAPIStats is GET /api/stats?by=team|agent|month|category, and
// by=review for the review progress.
func (s *Server) handleAPIStats(w http.ResponseWriter, r *http.Request) {
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "team"
	}
	if by == "review" {
		if s.cfg.Review == nil {
			s.apiError(w, http.StatusNotFound, "this server has no decisions database (callqa serve --db)")
			return
		}
		p, err := reviewidx.ReviewProgress(r.Context(), s.cfg.Review, s.cfg.Index)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, p)
		return
	}
	if !slices.Contains(index.StatsBy, by) {
		s.apiError(w, http.StatusBadRequest, "unknown by "+strconv.Quote(by)+" (want one of "+strings.Join(index.StatsBy, ", ")+" or review)")
		return
	}
	rows, err := s.cfg.Index.Stats(by)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if rows == nil {
		rows = []index.StatsRow{}
	}
	writeJSON(w, http.StatusOK, rows)
}

// handleHealth is GET /healthz: no credentials, the number of calls.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	n, _, err := s.cfg.Index.Count(index.Query{}, 0)
	if err != nil {
		s.cfg.Log.Printf("healthz: %v", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ok": false, "error": "the index does not answer"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "calls": n})
}
