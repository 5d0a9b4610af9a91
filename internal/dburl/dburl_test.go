package dburl

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"callqa.review.db", "callqa.review.db"},
		{"postgres://callqa@db/callqa", "postgres://callqa@db/callqa"},
		{"postgres://callqa:s3cret@db:5432/callqa?sslmode=disable", "postgres://callqa:xxxxx@db:5432/callqa?sslmode=disable"},
		{"postgresql://callqa@db/callqa?password=s3cret", "postgresql://callqa@db/callqa?password=xxxxx"},
		{"mysql://u:s3cret@db/x", "mysql://u:xxxxx@db/x"},
		{"postgres://u:s3%zzcret@db/x", "postgres://u:xxxxx@db/x"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, Redact(tc.in))
		})
	}
}

func TestHasRawAt(t *testing.T) {
	assert.True(t, HasRawAt("postgres://u:p@ss@db/x"))
	assert.False(t, HasRawAt("postgres://u:p%40ss@db/x"))
	assert.False(t, HasRawAt("postgres://u@db/x?options=a@b"))
	assert.False(t, HasRawAt("callqa.review.db"))
}

func TestClean(t *testing.T) {
	db := "postgres://u:s3cret@db/x?password=t0ps3cret"
	err := errors.New("failed to connect to `user=u password=s3cret`:\n  dial: t0ps3cret refused")
	got := Clean(err, db)
	assert.NotContains(t, got, "s3cret")
	assert.NotContains(t, got, "\n")
}

// FuzzRedact: whatever the password, written as a URL's user info or
// option, Redact never gives it back.
func FuzzRedact(f *testing.F) {
	f.Add("s3cret", "db:5432")
	f.Add("p@ss:w/rd?#", "127.0.0.1")
	f.Fuzz(func(t *testing.T, password, host string) {
		if strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != "" {
			return // not a host name
		}
		if len(password) < 6 || strings.Contains(host, password) || strings.Contains("postgres://callqa@/callqa?sslmode=disable", password) {
			return
		}
		for _, db := range []string{
			(&url.URL{Scheme: "postgres", User: url.UserPassword("callqa", password), Host: host, Path: "/callqa"}).String(),
			"postgres://callqa@" + host + "/callqa?password=" + url.QueryEscape(password) + "&sslmode=disable",
		} {
			got := Redact(db)
			if strings.Contains(got, password) || strings.Contains(got, url.QueryEscape(password)) || strings.Contains(got, url.PathEscape(password)) {
				t.Fatalf("Redact kept the password: %q", got)
			}
		}
	})
}
