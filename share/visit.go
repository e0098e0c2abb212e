package share

import (
	"net/netip"
	"strings"
)

// Visit is one request for a share page, as the HTTP layer saw it: the
// facts that decide whether it is a person opening the page.
type Visit struct {
	// Method is the HTTP method: HEAD fetches no page, so it is no view.
	Method string
	// Address is the client's IP address.
	Address string
	// UserAgent is the User-Agent header.
	UserAgent string
	// Purpose holds the speculative-load headers a browser sends when it
	// loads a page the user has not opened (Sec-Purpose, Purpose,
	// X-Purpose, X-Moz), joined; empty for an ordinary load.
	Purpose string
}

// IsView reports whether the visit is a person opening the page: a GET,
// not a prefetch or prerender, from a browser rather than a link-preview
// fetcher or a crawler.
func (v Visit) IsView() bool {
	if v.Method != "GET" {
		return false
	}
	p := strings.ToLower(v.Purpose)
	if strings.Contains(p, "prefetch") || strings.Contains(p, "prerender") || strings.Contains(p, "preview") {
		return false
	}
	return isBrowser(v.UserAgent)
}

// isBrowser reports whether a User-Agent is a person's browser. Every
// browser, and every in-app browser (WeChat's MicroMessenger, Weibo, QQ,
// Alipay, Douyin), starts its User-Agent with "Mozilla/". The social apps'
// link-preview fetchers either do not (facebookexternalhit/1.1,
// Twitterbot/1.0, WhatsApp/2.23, TelegramBot, Slackbot-LinkExpanding,
// LinkedInBot/1.0, kakaotalk-scrap; WeChat's own fetches from its iOS app
// and share extension send "WeChat/8.0 CFNetwork/…" and
// "WeChatShareExtensionNew/…"), nor do HTTP libraries (curl, okhttp,
// Go-http-client, python-requests), or they say what they are within a
// Mozilla string (fetcherTokens). WeChat's Android browser sends
// "WeChat/arm64 Weixin" after "MicroMessenger/": a visit, so no token
// matches "WeChat" alone. Sources: the fetchers' own documentation and the
// crawler-user-agents list (github.com/monperrus/crawler-user-agents).
func isBrowser(ua string) bool {
	if !strings.HasPrefix(ua, "Mozilla/") {
		return false
	}
	for _, token := range fetcherTokens {
		if strings.Contains(ua, token) {
			return false
		}
	}
	return true
}

// fetcherTokens mark a fetcher or crawler inside a Mozilla-style
// User-Agent. They are matched case-sensitively: "bot" and "Bot" find
// Googlebot, bingbot, Applebot, Discordbot, TelegramBot and the rest,
// while a phone model such as "CUBOT X30" is still a browser. "+http" is
// the link to a bot's information page that well-behaved bots include and
// browsers never do.
var fetcherTokens = []string{
	"bot", "Bot", "spider", "Spider", "crawler", "Crawler", // generic names (Baiduspider, Bytespider, Sogou web spider)
	"preview", "Preview", // SkypeUriPreview, BingPreview, Google Web Preview, Yahoo Link Preview, SnapURLPreview
	"+http", // "(compatible; Foo/1.0; +https://…)"
	"facebookexternalhit", "WhatsApp", "vkShare", "Embedly", "Iframely",
	"Google-", "Google Favicon", "GoogleImageProxy", // Google-InspectionTool, Google-PageRenderer, Google-Read-Aloud…
	"HeadlessChrome", "Lighthouse", "PhantomJS", // scripted browsers: no person behind them
}

// addressKey is the part of an address that names one visitor's network:
// the address itself for IPv4, the /64 prefix for IPv6, since one home or
// phone is given a whole /64 and can pick any address within it.
func addressKey(address string) string {
	a, err := netip.ParseAddr(address)
	if err != nil {
		return address
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}
