package schema

import (
	"errors"
	"strings"
	"time"
)

// What ParseDate may refuse; callers word their own message for each.
var (
	ErrDateSyntax = errors.New("not a date of RFC 3339")
	ErrDateNoZone = errors.New("date and time without a time zone")
	ErrDateOffset = errors.New("time zone offset out of range")
)

// ParseDate reads a note's date or a date bound, as ingestion and the API
// both accept it: a day (2006-01-02: that day's midnight in UTC, day true)
// or an RFC 3339 instant. RFC 3339 allows what Go's parser does not take as
// such: a lower-case t or z, and a leap second (23:59:60 in UTC, whatever
// the offset it is written with, read here as the second before it). Go's
// parser accepts offsets of 24 hours or 60 minutes, which RFC 3339 does
// not: they are refused. The time is returned in UTC, with its fraction of
// a second.
func ParseDate(s string) (t time.Time, day bool, err error) {
	if len(s) == len(time.DateOnly) {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return time.Time{}, false, ErrDateSyntax
		}
		return t, true, nil
	}
	if len(s) > 10 && s[10] == 't' {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	// A leap second: 60 seconds, in the last minute of a UTC day (checked
	// once the offset is read: 05:29:60+05:30 is one).
	leap := len(s) >= 19 && s[10] == 'T' && s[17:19] == "60"
	if leap {
		s = s[:17] + "59" + s[19:]
	}
	t, err = time.Parse(time.RFC3339, s)
	if err == nil && leap {
		if u := t.UTC(); u.Hour() != 23 || u.Minute() != 59 {
			return time.Time{}, false, ErrDateSyntax
		}
	}
	if err != nil {
		if _, err2 := time.Parse("2006-01-02T15:04:05", s); err2 == nil {
			return time.Time{}, false, ErrDateNoZone
		}
		return time.Time{}, false, ErrDateSyntax
	}
	if !strings.HasSuffix(s, "Z") {
		// RFC3339 parsed, so the string ends with ±hh:mm.
		off := s[len(s)-5:]
		if off[0:2] > "23" || off[3:5] > "59" {
			return time.Time{}, false, ErrDateOffset
		}
	}
	return t.UTC(), false, nil
}
