// Paste-to-fill: reads the address text a buyer sends in a chat, e.g.
// "张三 13800001234 浙江省杭州市西湖区文三路 1 号", WeChat's copied
// address ("收货人：张三 手机号码：… 所在地区：浙江省 杭州市 西湖区 详细地址：…")
// or Taobao's ("张三，86-13800001234，浙江省 杭州市 西湖区 文三路1号，000000"),
// into the consignee fields of an order. What it cannot find is left
// empty for the distributor to type; it never guesses a phone number.

// The 34 provincial divisions, full names; short forms are the names
// without 省/市/自治区/特别行政区 and the nationality in the autonomous
// regions' names.
const PROVINCES = ['北京市', '天津市', '上海市', '重庆市', '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省',
	'浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '海南省', '四川省', '贵州省',
	'云南省', '陕西省', '甘肃省', '青海省', '台湾省', '内蒙古自治区', '广西壮族自治区', '西藏自治区', '宁夏回族自治区',
	'新疆维吾尔自治区', '香港特别行政区', '澳门特别行政区'];
const MUNICIPALITIES = new Set(['北京市', '天津市', '上海市', '重庆市']);
const short = (p) => p.replace(/(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/, '');

// Labels the apps put before fields; they become separators.
const LABELS = /(收货人|收件人|联系人|姓名|手机号码|手机号|手机|联系电话|电话号码|电话|所在地区|所在地|地区|详细地址|收货地址|地址|邮编|邮政编码)\s*[:：]/g;
const MOBILE = /(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)/;
const LANDLINE = /(?<!\d)(0\d{2,3})-(\d{7,8})(?:-(\d{1,6}))?(?!\d)/;
const CITY = /^[^\d\s]{1,10}?(自治州|地区|盟|市)/;
const DISTRICT = /^[^\d\s]{1,10}?(区|县|市|旗)/;
// A trailing word that looks like a person, not a place: 2–4 Han
// characters without the usual ends of street names.
const NAME_AT_END = /\s([\u4e00-\u9fff]{2,4})$/;
const PLACE_CHARS = /[路街号巷弄室栋幢楼村镇道区县市园厦座层]/;

// normalize turns full-width digits and punctuation into ASCII ones and
// tabs into spaces.
function normalize(text) {
	return String(text || '')
		.replace(/[０-９＋－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/[\u3000\t\v\f]/g, ' '); // the server takes each field as one line
}

// findProvince returns the earliest province in s: {index, length, full}.
function findProvince(s) {
	let best = null;
	for (const full of PROVINCES) {
		for (const name of [full, short(full)]) {
			const i = s.indexOf(name);
			if (i >= 0 && (!best || i < best.index || (i === best.index && name.length > best.length))) best = { index: i, length: name.length, full };
		}
	}
	return best;
}

// takeRegion reads province, city and district from the start of s
// (spaces between them allowed) and returns them with the rest.
function takeRegion(s, prov) {
	let rest = s.slice(prov.index + prov.length).trimStart();
	const take = (re) => {
		const m = re.exec(rest);
		if (!m) return '';
		rest = rest.slice(m[0].length).trimStart();
		return m[0];
	};
	let city = '';
	if (MUNICIPALITIES.has(prov.full)) {
		city = prov.full;
		// "北京市 北京市 朝阳区" or "上海市 市辖区 …": the city repeated.
		rest = rest.replace(new RegExp('^(' + short(prov.full) + '市?|市辖区)\\s*'), '');
	} else {
		city = take(CITY);
	}
	const district = take(DISTRICT);
	return { province: prov.full, city, district, rest };
}

// parseAddress returns {name, phone, province, city, district, address,
// postcode}, each a string ('' when not found).
export function parseAddress(text) {
	const out = { name: '', phone: '', province: '', city: '', district: '', address: '', postcode: '' };
	let s = normalize(text).replace(LABELS, '\n');
	const mobile = MOBILE.exec(s);
	const land = !mobile && LANDLINE.exec(s);
	if (mobile) out.phone = mobile[1] + mobile[2] + mobile[3];
	else if (land) out.phone = land[1] + '-' + land[2] + (land[3] ? '-' + land[3] : '');
	const found = mobile || land;
	if (found) s = s.slice(0, found.index) + '\n' + s.slice(found.index + found[0].length);
	// Segments: lines, commas and semicolons part fields; spaces may be
	// inside an address ("文三路 1 号"), so they do not.
	let segs = s.split(/[\n\r,，;；|]+/).map((x) => x.trim()).filter(Boolean);
	// A six-digit segment of its own is a postcode (Taobao's 000000 means none).
	segs = segs.filter((x) => {
		if (!/^\d{6}$/.test(x)) return true;
		if (x !== '000000') out.postcode = x;
		return false;
	});
	const at = segs.findIndex((x) => findProvince(x));
	const names = [];
	if (at >= 0) {
		const seg = segs[at];
		const prov = findProvince(seg);
		const before = seg.slice(0, prov.index).trim();
		if (before) names.push(before);
		const r = takeRegion(seg, prov);
		Object.assign(out, { province: r.province, city: r.city, district: r.district });
		let addr = r.rest;
		let used = at;
		// WeChat puts the region and the street on separate lines.
		if (!addr && segs[at + 1] && (/\d/.test(segs[at + 1]) || PLACE_CHARS.test(segs[at + 1]))) addr = segs[(used = at + 1)];
		names.push(...segs.filter((x, i) => i !== at && i !== used));
		if (!names.length) {
			const m = NAME_AT_END.exec(addr);
			if (m && !PLACE_CHARS.test(m[1])) {
				names.push(m[1]);
				addr = addr.slice(0, m.index);
			}
		}
		const code = /\s(\d{6})$/.exec(addr);
		if (code) {
			if (code[1] !== '000000') out.postcode = code[1];
			addr = addr.slice(0, code.index);
		}
		out.address = addr.trim();
	} else {
		names.push(...segs);
	}
	out.name = (names.find((x) => !/\d/.test(x)) || '').replace(/^[\s:：]+|[\s:：]+$/g, '').slice(0, 50);
	return out;
}
