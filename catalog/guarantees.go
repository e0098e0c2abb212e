package catalog

import "strings"

// The guarantees a supplier may promise (API.md part 2, "Guarantees"):
// one handling time, one exchange window, and late_refund. Each order
// keeps the guarantees in force when it was placed.
const (
	GuaranteeShip24h     = "ship_24h"
	GuaranteeShip48h     = "ship_48h"
	GuaranteeShip72h     = "ship_72h"
	GuaranteeLateRefund  = "late_refund"
	GuaranteeExchange7d  = "exchange_7d"
	GuaranteeExchange15d = "exchange_15d"
)

// ReasonLateRefund is the reason of the refund the server opens for an
// accepted order not shipped by its ship_by under late_refund.
const ReasonLateRefund = "late_refund"

// validateGuarantees accepts known codes only, each once, with at most one
// handling time and one exchange window.
func validateGuarantees(codes []string) error {
	seen := map[string]bool{}
	ship, exchange := 0, 0
	for _, g := range codes {
		switch g {
		case GuaranteeShip24h, GuaranteeShip48h, GuaranteeShip72h:
			ship++
		case GuaranteeExchange7d, GuaranteeExchange15d:
			exchange++
		case GuaranteeLateRefund:
		default:
			return Errorf(Invalid, "guarantee %q is not one of ship_24h, ship_48h, ship_72h, late_refund, exchange_7d, exchange_15d", g)
		}
		if seen[g] {
			return Errorf(Invalid, "guarantee %q is listed twice", g)
		}
		seen[g] = true
	}
	if ship > 1 || exchange > 1 {
		return Errorf(Invalid, "promise at most one handling time (ship_*) and one exchange window (exchange_*)")
	}
	return nil
}

// hasGuarantee reports whether a list of guarantees holds code.
func hasGuarantee(codes []string, code string) bool {
	for _, g := range codes {
		if strings.EqualFold(g, code) {
			return true
		}
	}
	return false
}
