package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// parsedAddress is what address.js's parseAddress returns.
type parsedAddress struct {
	Name, Phone, Province, City, District, Address, Postcode string
}

// TestBrowser_AddressParser ensures the web app's paste-to-fill parser
// (assets/web/static/address.js) splits the address texts buyers send in
// chats into consignee fields: the plain form, WeChat's labelled copy,
// Taobao's comma form, the name after the address, municipalities,
// autonomous regions and prefectures, landlines, full-width digits and
// postcodes; and that it leaves a field empty rather than guess.
func TestBrowser_AddressParser(t *testing.T) {
	needBrowser(t)
	n := startNode(t, t.TempDir())
	b := browserFor(t, 60*time.Second)
	tb := b.newTab("parser")
	tb.do("open the app", chromedp.Navigate(n.URL+appPath))
	tb.waitFor("[data-test=signin-handle]")
	tb.eval(`import('./address.js').then((m) => { window.parseAddress = m.parseAddress; }), true`, nil)
	tb.waitJS("address.js loaded", `typeof window.parseAddress === 'function'`)

	hz := parsedAddress{Province: "浙江省", City: "杭州市", District: "西湖区"}
	with := func(p parsedAddress, name, phone, address, postcode string) parsedAddress {
		p.Name, p.Phone, p.Address, p.Postcode = name, phone, address, postcode
		return p
	}
	type addressCase struct {
		text string
		want parsedAddress
	}
	var cases []addressCase
	add := func(text string, want parsedAddress) { cases = append(cases, addressCase{text, want}) }
	add("张三 13800001234 浙江省杭州市西湖区文三路 1 号", with(hz, "张三", "13800001234", "文三路 1 号", ""))
	add("收货人：张三\n手机号码：13800001234\n所在地区：浙江省 杭州市 西湖区\n详细地址：文三路1号", with(hz, "张三", "13800001234", "文三路1号", ""))
	add("张三，86-13800001234，浙江省 杭州市 西湖区 文三路1号 ，000000", with(hz, "张三", "13800001234", "文三路1号", ""))
	add("浙江省杭州市西湖区文三路1号 李四 138 0000 1234", with(hz, "李四", "13800001234", "文三路1号", ""))
	add("孙八 0571-88886666 浙江杭州市西湖区文三路2号 310012", with(hz, "孙八", "0571-88886666", "文三路2号", "310012"))
	add("周九 １３８００００１２３４ 浙江省杭州市西湖区文三路3号", with(hz, "周九", "13800001234", "文三路3号", ""))
	add("王五 15900001111 北京市朝阳区建国路88号SOHO现代城",
		parsedAddress{"王五", "15900001111", "北京市", "北京市", "朝阳区", "建国路88号SOHO现代城", ""})
	add("13800001234 张三 上海市 上海市 浦东新区 世纪大道 100 号",
		parsedAddress{"张三", "13800001234", "上海市", "上海市", "浦东新区", "世纪大道 100 号", ""})
	add("赵六 13512345678 广西壮族自治区南宁市青秀区民族大道100号",
		parsedAddress{"赵六", "13512345678", "广西壮族自治区", "南宁市", "青秀区", "民族大道100号", ""})
	add("钱七 13612345678 湖北省恩施土家族苗族自治州恩施市舞阳大街1号",
		parsedAddress{"钱七", "13612345678", "湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大街1号", ""})
	add("吴十\t13800001234\t浙江省杭州市西湖区文三路\t4号", with(hz, "吴十", "13800001234", "文三路 4号", ""))
	// Nothing to go on: no phone is made up, no region guessed.
	add("张三 文三路1号", parsedAddress{})
	add("", parsedAddress{})

	for _, c := range cases {
		arg, _ := json.Marshal(c.text)
		var raw string
		tb.eval(`JSON.stringify(window.parseAddress(`+string(arg)+`))`, &raw)
		var got parsedAddress
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatalf("%q: %s: %v", c.text, raw, err)
		}
		if got != c.want {
			t.Errorf("parseAddress(%q)\n got %+v\nwant %+v", c.text, got, c.want)
		}
	}
}
