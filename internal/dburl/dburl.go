// Package dburl recognizes PostgreSQL connection URLs and keeps their
// passwords out of messages.
package dburl

import (
	"net/url"
	"strings"
)

// IsURL reports whether a --db value names a PostgreSQL server rather than
// a SQLite file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Redact is a database location fit for messages: a URL's password is
// replaced by "xxxxx"; a URL that does not parse is not quoted at all.
func Redact(db string) string {
	if !IsURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://(a URL that does not parse)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Clean is a driver's error text on one line, with the URL's password
// taken out should the driver have quoted it.
func Clean(err error, db string) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if IsURL(db) {
		if u, perr := url.Parse(db); perr == nil {
			if p, ok := u.User.Password(); ok && p != "" {
				msg = strings.ReplaceAll(msg, p, "xxxxx")
			}
			if p := u.Query().Get("password"); p != "" {
				msg = strings.ReplaceAll(msg, p, "xxxxx")
			}
		}
	}
	return msg
}
