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
		if len(password) < 6 {
			return
		}
		userInfo := func(p string) string {
			return (&url.URL{Scheme: "postgres", User: url.UserPassword("callqa", p), Host: host, Path: "/callqa"}).String()
		}
		option := func(p string) string {
			return "postgres://callqa@" + host + "/callqa?password=" + url.QueryEscape(p) + "&sslmode=disable"
		}
		for _, form := range []func(string) string{userInfo, option} {
			// The URL with the password masked: a password that is part
			// of it anyway (of the host, of "@host") proves nothing.
			masked := form("xxxxx")
			got := Redact(form(password))
			for _, p := range []string{password, url.QueryEscape(password), url.PathEscape(password)} {
				if !strings.Contains(masked, p) && strings.Contains(got, p) {
					t.Fatalf("Redact kept the password: %q", got)
				}
			}
		}
	})
}
