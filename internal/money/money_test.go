package money

import "testing"

func TestParseCents(t *testing.T) {
	for _, tc := range []struct {
		in     string
		strict bool
		want   int64
		ok     bool
	}{{"12.50", true, 1250, true}, {"12.5", true, 0, false}, {"12.5", false, 1250, true}, {"12", false, 1200, true}, {"-1.01", false, -101, true},
		{"-1.01", true, 0, false}, {"1.001", false, 0, false}, {".5", false, 0, false}, {"0012.00", true, 1200, true}, {"99999999999999999.00", false, 0, false}} {
		got, err := ParseCents(tc.in, tc.strict)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCents(%q,%v) = %d,%v", tc.in, tc.strict, got, err)
		}
	}
}

func TestFormatCents(t *testing.T) {
	for c, want := range map[int64]string{0: "0.00", 5: "0.05", 1250: "12.50", -101: "-1.01", 123456789: "1234567.89"} {
		if got := FormatCents(c); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", c, got, want)
		}
	}
}

func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"12.50", "-1.01", "0012.00", ".5", "1e3", "99999999999999999.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCents(s, false)
		if err != nil {
			return
		}
		back, err := ParseCents(FormatCents(c), c >= 0)
		if err != nil || back != c {
			t.Fatalf("%q → %d → %q → %d, %v", s, c, FormatCents(c), back, err)
		}
	})
}
