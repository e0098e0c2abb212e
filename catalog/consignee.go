package catalog

import (
	"strings"
	"unicode/utf8"
)

// Consignee is the end buyer an order ships to: personal data of someone
// who has no account. It is stored encrypted at rest, shown whole only in
// the order's detail to its two parties, masked everywhere else (Masked),
// never logged, and erased to its masked form 30 days after the order
// ends (API.md part 2, "Orders").
type Consignee struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Province string `json:"province"`
	City     string `json:"city"`
	District string `json:"district"`
	Address  string `json:"address"`
	Postcode string `json:"postcode,omitempty"`
}

// Limits on consignee fields, in characters.
const (
	maxConsigneeName    = 50
	maxConsigneePhone   = 20
	maxConsigneeRegion  = 40
	maxConsigneeAddress = 200
	maxPostcode         = 10
)

// String never shows the consignee: a Consignee that reaches a log line by
// mistake prints as a placeholder, not as a stranger's address.
func (c Consignee) String() string { return "[consignee]" }

// GoString is String for %#v.
func (c Consignee) GoString() string { return c.String() }

// validate checks every field; messages name the field, never its value.
func (c Consignee) validate() error {
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

// Masked is the consignee as lists, events and webhooks show it: the
// name's first character then *, the phone's first 3 and last 4 digits
// (138****1234), the province and city only.
func (c Consignee) Masked() Consignee {
	return Consignee{Name: maskName(c.Name), Phone: maskPhone(c.Phone), Province: c.Province, City: c.City}
}

func maskName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if size == 0 {
		return ""
	}
	if utf8.RuneCountInString(name) == 1 {
		return "*"
	}
	return string(r) + strings.Repeat("*", min(utf8.RuneCountInString(name)-1, 3))
}

func maskPhone(phone string) string {
	var digits []rune
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) < 8 {
		return strings.Repeat("*", len(digits))
	}
	return string(digits[:3]) + "****" + string(digits[len(digits)-4:])
}
