package catalog

import (
	"strings"

	"github.com/weigong/weigong/catalog/wire"
)

// Consignee is the end buyer an order ships to (wire.Consignee): personal
// data of someone who has no account. It is stored encrypted at rest,
// shown whole only in the order's detail to its two parties, masked
// everywhere else (Masked), never logged (its String is a placeholder),
// and erased to its masked form 30 days after the order ends (API.md
// part 2, "Orders").
type Consignee = wire.Consignee

// Limits on consignee fields, in characters.
const (
	maxConsigneeName    = 50
	maxConsigneePhone   = 20
	maxConsigneeRegion  = 40
	maxConsigneeAddress = 200
	maxPostcode         = 10
)

// validateConsignee checks every field; messages name the field, never
// its value.
func validateConsignee(c Consignee) error {
	fields := []struct {
		name, value string
		max         int
		required    bool
	}{
		{"consignee.name", c.Name, maxConsigneeName, true},
		{"consignee.phone", c.Phone, maxConsigneePhone, true},
		{"consignee.province", c.Province, maxConsigneeRegion, true},
		{"consignee.city", c.City, maxConsigneeRegion, true},
		{"consignee.district", c.District, maxConsigneeRegion, true},
		{"consignee.address", c.Address, maxConsigneeAddress, true},
		{"consignee.postcode", c.Postcode, maxPostcode, false},
	}
	for _, f := range fields {
		if f.required && strings.TrimSpace(f.value) == "" {
			return Errorf(Invalid, "%s is required", f.name)
		}
		if err := validateText(f.name, f.value, f.max); err != nil {
			return err
		}
		if strings.ContainsAny(f.value, "\n\r\t") {
			return Errorf(Invalid, "%s must be one line", f.name)
		}
	}
	digits := 0
	for _, r := range c.Phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == ' ':
		default:
			return Errorf(Invalid, "consignee.phone may hold only digits, spaces, + and -")
		}
	}
	if digits < 5 {
		return Errorf(Invalid, "consignee.phone needs at least 5 digits")
	}
	return nil
}
