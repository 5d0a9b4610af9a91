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

// Redact is a database location fit for messages: a URL's password
// (also one of another scheme than postgres://, or in a URL that does not
// parse) is replaced by "xxxxx".
func Redact(db string) string {
	scheme, rest, ok := strings.Cut(db, "://")
	if !ok {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return redactRaw(scheme, rest)
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

// redactRaw takes the password out of a URL that does not parse: what
// lies between the user name and the last "@" (which may hide more than
// the password, never less), and any password= option.
func redactRaw(scheme, rest string) string {
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, ok := strings.Cut(rest[:at], ":"); ok {
			rest = user + ":xxxxx" + rest[at:]
		}
	}
	if i := strings.Index(rest, "password="); i >= 0 {
		end := strings.IndexAny(rest[i:], "& ")
		if end < 0 {
			end = len(rest) - i
		}
		rest = rest[:i] + "password=xxxxx" + rest[i+end:]
	}
	return scheme + "://" + rest
}

// HasRawAt reports whether a URL holds more than one "@" before its
// options: a user name or password with an "@" not written %40, which
// drivers cut at the wrong place, taking part of the password for the
// host and quoting it in their errors.
func HasRawAt(db string) bool {
	_, rest, ok := strings.Cut(db, "://")
	if !ok {
		return false
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.Count(rest, "@") > 1
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
