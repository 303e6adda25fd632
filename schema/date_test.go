package schema

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC3339Nano in UTC; "" when refused
		day  bool
		err  error
	}{
		{in: "2024-05-02", want: "2024-05-02T00:00:00Z", day: true},
		{in: "2024-05-02T14:30:00-04:00", want: "2024-05-02T18:30:00Z"},
		{in: "2024-05-02T14:30:00.8Z", want: "2024-05-02T14:30:00.8Z"},
		{in: "2024-05-02t14:30:00z", want: "2024-05-02T14:30:00Z"},
		{in: "2024-05-02T14:30:00+14:00", want: "2024-05-02T00:30:00Z"},
		{in: "2024-05-02T14:30:00-23:59", want: "2024-05-03T14:29:00Z"},
		{in: "2016-12-31T23:59:60Z", want: "2016-12-31T23:59:59Z"},
		{in: "2016-12-31T18:59:60-05:00", want: "2016-12-31T23:59:59Z"},
		{in: "2017-01-01T05:29:60+05:30", want: "2016-12-31T23:59:59Z"},
		{in: "2024-05-02T14:30:60Z", err: ErrDateSyntax}, // 60 seconds only ends a UTC day
		{in: "2024-05-02T14:59:60Z", err: ErrDateSyntax},
		{in: "2024-05-02T14:30:00-04:60", err: ErrDateOffset},
		{in: "2024-05-02T14:30:00+24:00", err: ErrDateOffset},
		{in: "2024-05-02T14:30:00", err: ErrDateNoZone},
		{in: "2024-05-02T14:30:00.5", err: ErrDateNoZone},
		{in: "2024-02-30", err: ErrDateSyntax},
		{in: "2024-13-01", err: ErrDateSyntax},
		{in: "2024-05-02T24:00:00Z", err: ErrDateSyntax},
		{in: "2024-05-02 14:30:00Z", err: ErrDateSyntax},
		{in: "02/05/2024", err: ErrDateSyntax},
		{in: "hier", err: ErrDateSyntax},
		{in: "", err: ErrDateSyntax},
		{in: "2024-05-02T14:30:00+0400", err: ErrDateSyntax},
	} {
		got, day, err := ParseDate(tc.in)
		if !errors.Is(err, tc.err) {
			t.Errorf("%q: error %v, want %v", tc.in, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		if s := got.Format(time.RFC3339Nano); s != tc.want || day != tc.day || got.Location() != time.UTC {
			t.Errorf("%q = %s (day %v, %v), want %s (day %v, UTC)", tc.in, s, day, got.Location(), tc.want, tc.day)
		}
	}
}

// FuzzParseDate: never a panic; what it accepts is in UTC, and written back
// as RFC 3339 reads as the same instant.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-05-02", "2024-05-02T14:30:00-04:00", "2016-12-31T23:59:60z", "2024-05-02T14:30:00-04:60", "2024-05-02T14:30:00.123456789+14:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _, err := ParseDate(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q: not in UTC: %v", s, got)
		}
		again, _, err := ParseDate(got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q = %v, written back %v (%v)", s, got, again, err)
		}
	})
}
