package wire

import "testing"

// TestCode_StatusBothWays ensures the code↔status table of API.md
// "Conventions" (plus 412) holds in both directions.
func TestCode_StatusBothWays(t *testing.T) {
	want := map[Code]int{Invalid: 400, Unauthorized: 401, Forbidden: 403, NotFound: 404, Conflict: 409,
		PreconditionFailed: 412, TooLarge: 413, UnsupportedMedia: 415, RateLimited: 429, Internal: 500}
	for code, status := range want {
		if got := code.Status(); got != status {
			t.Errorf("%s.Status() = %d, want %d", code, got, status)
		}
		if got, ok := CodeOf(status); !ok || got != code {
			t.Errorf("CodeOf(%d) = %s, %v; want %s", status, got, ok, code)
		}
	}
	if len(statusOf) != len(want) {
		t.Errorf("the table has %d codes, the contract %d", len(statusOf), len(want))
	}
	for status, code := range map[int]Code{405: NotFound, 408: Invalid, 431: TooLarge} {
		if got, ok := CodeOf(status); !ok || got != code {
			t.Errorf("CodeOf(%d) = %s, want %s", status, got, code)
		}
	}
	if _, ok := CodeOf(418); ok {
		t.Errorf("CodeOf(418) claims a code")
	}
	if Code("nope").Status() != 500 {
		t.Errorf("an unknown code is not a 500")
	}
}
