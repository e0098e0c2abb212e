// Package share owns what leaves the closed channel: reshare links with a
// distributor's own words and price (never below the supplier's floor), the
// nine-grid collage used in link previews, and the public HTML pages an end
// buyer or a prospective distributor opens (share pages, channel pages).
// Nothing it renders ever carries a cost price.
package share
