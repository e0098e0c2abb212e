package share

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Browsers' User-Agents, as they send them: phones, in-app browsers and
// desktops. Each must count as a view.
var browserUAs = map[string]string{
	"iPhone Safari":   "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Android Chrome":  "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"WeChat iOS":      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN",
	"WeChat Android":  "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
	"WeCom":           "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.16 MicroMessenger/7.0.1 Language/zh ColorScheme/Light",
	"Weibo":           "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone14,2__weibo__13.9.1__iphone__os16.6)",
	"QQ":              "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 QQ/8.9.80.614 V1_IPH_SQ_8.9.80_1_APP_A Pixel/1170 MiniAppEnable SimpleUISwitch/0 StudyMode/0 QQTheme/1000 Core/WKWebView Device/Apple(iPhone 13 Pro) NetType/WIFI QBWebViewType/1 WKType/1",
	"Alipay":          "Mozilla/5.0 (Linux; U; Android 12; zh-CN; M2102K1C Build/SKQ1.211006.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.43 Mobile Safari/537.36 UCBS/3.22.2.43_221124174200 ChannelId(0) NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:393|0|2.75) AliApp(AP/10.3.86.8000) AlipayClient/10.3.86.8000 Language/zh-Hans useStatusBar/true isConcaveScreen/true Region/CNAriver/1.0.0",
	"Douyin":          "Mozilla/5.0 (Linux; Android 12; 22041211AC Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 Mobile Safari/537.36 aweme_260100 JsSdk/1.0 NetType/WIFI Channel/xiaomi_1128_64 AppName/aweme app_version/26.1.0 ByteLocale/zh-CN Region/CN AppSkin/white AppTheme/light BytedanceWebview/d8a21c6",
	"phone named BOT": "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"desktop Firefox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"desktop Edge":    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
}

// Link-preview fetchers, crawlers and libraries, as their owners document
// them. None may count as a view.
var fetcherUAs = map[string]string{
	"Facebook":            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	"Facebot":             "Facebot",
	"Meta FacebookBot":    "Mozilla/5.0 (compatible; FacebookBot/1.0; +https://developers.facebook.com/docs/sharing/webmasters/facebookbot/)",
	"Twitter":             "Twitterbot/1.0",
	"Slack":               "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	"Slack images":        "Slack-ImgProxy (+https://api.slack.com/robots)",
	"Telegram":            "TelegramBot (like TwitterBot)",
	"WhatsApp":            "WhatsApp/2.23.18.78 i",
	"WhatsApp Android":    "WhatsApp/2.19.81 A",
	"LinkedIn":            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
	"Discord":             "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
	"Skype":               "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
	"WeChat iOS fetch":    "WeChat/8.0.47.33 CFNetwork/1410.0.3 Darwin/22.6.0",
	"WeChat share ext":    "WeChatShareExtensionNew/8.0.47.33 CFNetwork/1410.0.3 Darwin/22.6.0",
	"Kakao":               "kakaotalk-scrap/1.0; +https://devtalk.kakao.com/public",
	"LINE":                "facebookexternalhit/1.1;line-poker/1.0",
	"Snapchat":            "Mozilla/5.0 (compatible; SnapURLPreview/1.0; +https://www.snapchat.com)",
	"Pinterest":           "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
	"Reddit":              "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
	"VK":                  "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
	"Mastodon":            "http.rb/5.1.1 (Mastodon/4.2.8; +https://mastodon.social/)",
	"Microsoft Teams":     "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36 SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
	"Bing preview":        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b",
	"Yahoo preview":       "Mozilla/5.0 (compatible; Yahoo Link Preview; https://help.yahoo.com/kb/mail/yahoo-link-preview-SLN23615.html)",
	"Iframely":            "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian",
	"Googlebot":           "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"Google inspection":   "Mozilla/5.0 (compatible; Google-InspectionTool/1.0)",
	"Google page render":  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)",
	"Bing":                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	"Applebot":            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
	"Baidu":               "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
	"Sogou":               "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
	"Bytespider":          "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
	"360":                 "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.102 Safari/537.36; 360Spider",
	"generic crawler":     "Mozilla/5.0 (compatible; ExampleCrawler/2.1)",
	"headless Chrome":     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
	"curl":                "curl/8.5.0",
	"Go":                  "Go-http-client/1.1",
	"Python":              "python-requests/2.31.0",
	"okhttp":              "okhttp/4.12.0",
	"no User-Agent":       "",
	"unknown app fetcher": "SomeChatApp/3.2 (link unfurler)",
}

// TestVisit_IsView_Browsers ensures every kind of browser a buyer opens a
// link in counts, WeChat's in-app browser on iOS and Android included.
func TestVisit_IsView_Browsers(t *testing.T) {
	for name, ua := range browserUAs {
		t.Run(name, func(t *testing.T) {
			if !(Visit{Method: "GET", Address: "203.0.113.7", UserAgent: ua}).IsView() {
				t.Errorf("%q is not counted as a view", ua)
			}
		})
	}
}

// TestVisit_IsView_Fetchers ensures no link-preview fetcher, crawler or
// HTTP library counts, WeChat's own fetches included.
func TestVisit_IsView_Fetchers(t *testing.T) {
	for name, ua := range fetcherUAs {
		t.Run(name, func(t *testing.T) {
			if (Visit{Method: "GET", Address: "203.0.113.7", UserAgent: ua}).IsView() {
				t.Errorf("%q is counted as a view", ua)
			}
		})
	}
}

// TestVisit_IsView_NoPage ensures requests that show nobody the page do
// not count: HEAD, and the speculative loads of Chrome, Safari and Firefox.
func TestVisit_IsView_NoPage(t *testing.T) {
	ua := browserUAs["iPhone Safari"]
	for name, v := range map[string]Visit{
		"HEAD":              {Method: "HEAD", UserAgent: ua},
		"Chrome prefetch":   {Method: "GET", UserAgent: ua, Purpose: "prefetch"},
		"Chrome prerender":  {Method: "GET", UserAgent: ua, Purpose: "prefetch;prerender"},
		"Safari preview":    {Method: "GET", UserAgent: ua, Purpose: "  preview "},
		"Firefox prefetch":  {Method: "GET", UserAgent: ua, Purpose: "   prefetch"},
		"old Chrome header": {Method: "GET", UserAgent: ua, Purpose: " Prefetch  "},
	} {
		t.Run(name, func(t *testing.T) {
			if v.IsView() {
				t.Errorf("%+v is counted as a view", v)
			}
		})
	}
}

// nopStore takes flushed views and nothing else.
type nopStore struct{ Store }

func (nopStore) AddViews(context.Context, map[string]int64) error { return nil }

// newTestCounter returns a counter with a one-hour window on a clock the
// test moves by hand.
func newTestCounter() (*ViewCounter, *time.Time) {
	v := NewViewCounter(nopStore{}, time.Hour)
	clock := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	v.now = func() time.Time { return clock }
	return v, &clock
}

func browserVisit(address string, i int) Visit {
	return Visit{Method: "GET", Address: address, UserAgent: fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) Safari/604.1", i)}
}

// TestViewCounter_OncePerVisitorPerWindow ensures a visitor reloading the
// page counts once within the window and again after it.
func TestViewCounter_OncePerVisitorPerWindow(t *testing.T) {
	v, clock := newTestCounter()
	for i := 0; i < 5; i++ {
		v.Count("s1", browserVisit("203.0.113.7", 1))
	}
	if got := v.Pending("s1"); got != 1 {
		t.Fatalf("views = %d after five loads, want 1", got)
	}
	*clock = clock.Add(time.Hour + time.Second)
	v.Count("s1", browserVisit("203.0.113.7", 1))
	if got := v.Pending("s1"); got != 2 {
		t.Errorf("views = %d after the window, want 2", got)
	}
}

// TestViewCounter_RotatingUserAgentsCapped ensures one address counts at
// most MaxViewsPerAddress visitors per share per window, however many
// User-Agents it sends; other addresses and other shares are unaffected,
// and the cap lifts when the window ends.
func TestViewCounter_RotatingUserAgentsCapped(t *testing.T) {
	v, clock := newTestCounter()
	for i := 0; i < 1000; i++ {
		v.Count("s1", browserVisit("203.0.113.7", i))
	}
	if got := v.Pending("s1"); got != MaxViewsPerAddress {
		t.Fatalf("views = %d from 1000 user agents at one address, want %d", got, MaxViewsPerAddress)
	}
	v.Count("s1", browserVisit("198.51.100.1", 0))
	v.Count("s2", browserVisit("203.0.113.7", 0))
	if a, b := v.Pending("s1"), v.Pending("s2"); a != MaxViewsPerAddress+1 || b != 1 {
		t.Errorf("another address: %d views (want %d); another share: %d (want 1)", a, MaxViewsPerAddress+1, b)
	}
	*clock = clock.Add(time.Hour + time.Second)
	for i := 0; i < 10; i++ {
		v.Count("s1", browserVisit("203.0.113.7", i))
	}
	if got := v.Pending("s1"); got != 2*MaxViewsPerAddress+1 {
		t.Errorf("views = %d after the window, want %d", got, 2*MaxViewsPerAddress+1)
	}
}

// TestViewCounter_IPv6NetworkCapped ensures an IPv6 client cannot escape
// the cap by picking new addresses within its /64, while another /64
// counts on its own, and an IPv4-mapped address is its IPv4 address.
func TestViewCounter_IPv6NetworkCapped(t *testing.T) {
	v, _ := newTestCounter()
	for i := 0; i < 100; i++ {
		v.Count("s1", browserVisit(fmt.Sprintf("2001:db8:1:2::%x", i+1), i))
	}
	if got := v.Pending("s1"); got != MaxViewsPerAddress {
		t.Fatalf("views = %d from 100 addresses of one /64, want %d", got, MaxViewsPerAddress)
	}
	v.Count("s1", browserVisit("2001:db8:1:3::1", 0))
	if got := v.Pending("s1"); got != MaxViewsPerAddress+1 {
		t.Errorf("another /64: views = %d, want %d", got, MaxViewsPerAddress+1)
	}
	v.Count("s2", browserVisit("192.0.2.9", 1))
	v.Count("s2", browserVisit("::ffff:192.0.2.9", 1))
	if got := v.Pending("s2"); got != 1 {
		t.Errorf("one visitor over IPv4 and IPv4-mapped IPv6: views = %d, want 1", got)
	}
}

// TestViewCounter_FetchersNotCounted ensures Count refuses what IsView
// refuses, so a fetcher does not use up an address's cap either.
func TestViewCounter_FetchersNotCounted(t *testing.T) {
	v, _ := newTestCounter()
	for _, ua := range fetcherUAs {
		if v.Count("s1", Visit{Method: "GET", Address: "203.0.113.7", UserAgent: ua}) {
			t.Errorf("%q counted", ua)
		}
	}
	v.Count("s1", Visit{Method: "HEAD", Address: "203.0.113.7", UserAgent: browserUAs["WeChat iOS"]})
	for i := 0; i < MaxViewsPerAddress; i++ {
		v.Count("s1", browserVisit("203.0.113.7", i))
	}
	if got := v.Pending("s1"); got != MaxViewsPerAddress {
		t.Errorf("views = %d, want %d: fetchers used up the cap", got, MaxViewsPerAddress)
	}
}
