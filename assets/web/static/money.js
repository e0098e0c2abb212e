// Money is whole fen everywhere in the API. Conversions to and from yuan
// work on the digits as strings, so no binary float ever touches a price.

// yuan formats fen for inputs: 12850 → "128.50", 12800 → "128".
export function yuan(fen) {
	const d = String(Math.abs(fen)).padStart(3, '0');
	const cents = d.slice(-2);
	return (fen < 0 ? '-' : '') + d.slice(0, -2) + (cents === '00' ? '' : '.' + cents);
}

// money formats fen for display: "¥128", "¥128.50", "-¥3.50".
export const money = (fen) => (fen < 0 ? '-¥' : '¥') + yuan(Math.abs(fen));

// parseYuan reads what was typed ("128.5", "¥1,280", full-width "１２８．５")
// and returns whole fen, or null unless it is a positive price with at most
// two decimals, up to the server's limit of 10 million yuan.
export function parseYuan(input) {
	let s = String(input).replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s¥￥]/g, '');
	// Commas only as thousands separators: "128,5" is refused, not read as 1285.
	if (s.includes(',')) s = /^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s) ? s.replace(/,/g, '') : 'x';
	const m = /^(\d*)(?:\.(\d{0,2}))?$/.exec(s);
	if (!m || !(m[1] || m[2])) return null;
	const digits = ((m[1] || '') + (m[2] || '').padEnd(2, '0')).replace(/^0+/, '');
	const fen = digits.length > 10 ? 0 : +digits;
	return fen > 0 && fen <= 1e9 ? fen : null;
}

// margin is what a distributor keeps at the suggested retail price: fen,
// and as a share of retail with one decimal ("37.5%").
export function margin(cost, retail) {
	const fen = retail - cost;
	const tenths = Math.round((fen * 1000) / retail);
	const d = String(Math.abs(tenths)).padStart(2, '0');
	return { fen, pct: (tenths < 0 ? '-' : '') + d.slice(0, -1) + (d.endsWith('0') ? '' : '.' + d.slice(-1)) + '%' };
}
