// Every visible string as [English, Chinese], grouped by screen. The
// language is chosen once from navigator.language: zh* gets Chinese,
// everything else English.

export const LANG = /^zh/i.test(navigator.language || '') ? 'zh' : 'en';
const L = LANG === 'zh' ? 1 : 0;

const S = {
	appName: ['Weigong', '微供'],
	tab: {
		feed: ['Feed', '动态'],
		shares: ['Shares', '分享'],
		profile: ['Me', '我的'],
		post: ['Post', '发布'],
		cards: ['My cards', '我的商品'],
		followers: ['Followers', '粉丝'],
	},
	conn: {
		live: ['Live', '实时'],
		reconnecting: ['Reconnecting…', '重连中…'],
		offline: ['Offline', '离线'],
	},
	working: ['Please wait…', '请稍候…'],
	retry: ['Retry', '重试'],
	save: ['Save', '保存'],
	saved: ['Saved', '已保存'],
	cancel: ['Cancel', '取消'],
	close: ['Close', '关闭'],
	remove: ['Remove', '删除'],
	optional: ['optional', '选填'],
	copied: ['Copied', '已复制'],
	copyFailed: ['Could not copy: press and hold to copy', '无法复制，请长按手动复制'],
	sure: ['Are you sure?', '确定吗？'],
	signedOut: ['Signed out', '已退出登录'],
	sessionEnded: ['Your session has ended. Please sign in.', '登录已失效，请重新登录'],
	err: {
		network: ['No connection to the server. Check your network.', '无法连接服务器，请检查网络'],
		status: ['Request failed ({status})', '请求失败（{status}）'],
		price: ['Enter a price in yuan, e.g. 128.5', '请输入价格（元），如 128.5'],
	},
	time: {
		now: ['just now', '刚刚'],
		min: ['{n} min ago', '{n}分钟前'],
		hour: ['{n} h ago', '{n}小时前'],
		day: ['{n} d ago', '{n}天前'],
	},
	signin: {
		title: ['Sign in', '登录'],
		toSignup: ['New here? Create an account', '还没有账号？注册'],
	},
	signup: {
		title: ['Create account', '注册'],
		toSignin: ['Have an account? Sign in', '已有账号？登录'],
		role: ['I am a…', '我是…'],
	},
	role: {
		supplier: ['Supplier', '供应商'],
		supplierHint: ['I post products and set prices', '发布商品，设定价格'],
		distributor: ['Distributor', '分销商'],
		distributorHint: ['I follow suppliers and resell', '关注供应商，转发赚差价'],
	},
	field: {
		handle: ['Handle', '账号'],
		handleHint: ['3–32 characters: a–z, 0–9, _', '3–32 位：小写字母、数字、下划线'],
		name: ['Name', '名称'],
		password: ['Password', '密码'],
		passwordHint: ['At least 8 characters', '至少 8 位'],
	},
	feed: {
		empty: ['No cards yet. Open a supplier\'s channel link to follow them.', '还没有商品。打开供应商的频道链接即可关注。'],
		end: ['That is everything', '已经到底了'],
		new: ['↑ {n} new', '↑ {n} 条新商品'],
	},
	price: {
		cost: ['Cost', '拿货价'],
		retail: ['Retail', '建议零售价'],
		margin: ['Margin', '利润'],
		floor: ['Floor', '最低价'],
		volume: ['Volume:', '批量价：'],
		tier: ['≥{n} pcs {p}', '≥{n}件 {p}'],
		hidden: ['Prices are for approved followers only', '价格仅对已通过的粉丝可见'],
	},
	card: {
		soldout: ['Sold out', '已售罄'],
	},
	badge: {
		verified: ['Verified', '已认证'],
		ship_48h: ['Ships in 48 h', '48小时发货'],
		exchange_7d: ['7-day exchange', '7天包换'],
	},
	photo: {
		n: ['Photo {n}', '第{n}张图'],
		open: ['View photo {n} of {total}', '查看第{n}张图，共{total}张'],
		prev: ['Previous photo', '上一张'],
		next: ['Next photo', '下一张'],
		viewer: ['Photo viewer', '看图'],
	},
	share: {
		button: ['Share', '一键转发'],
		title: ['Share to customers', '转发给客户'],
		price: ['Your price (yuan)', '我的售价（元）'],
		retail: ['Suggested retail {p}', '建议零售价 {p}'],
		floor: ['not below {p}', '不得低于 {p}'],
		belowFloor: ['The supplier allows no price below {p}.', '供应商规定不得低于 {p}。'],
		text: ['Your words (optional)', '我的文案（选填）'],
		confirm: ['Create link and share', '生成链接并转发'],
		done: ['Your share link is ready.', '转发链接已生成。'],
		copied: ['Text and link copied: paste them into WeChat', '文案和链接已复制，去微信粘贴吧'],
		copy: ['Copy text', '复制文案'],
		native: ['Share…', '分享…'],
		tapShare: ['Tap "Share…" to send the photos', '点“分享…”发送图片'],
		save: ['Save image', '保存图片'],
		saveHint: ['Or press and hold the image to save it.', '也可以长按图片保存。'],
		collageAlt: ['All photos in one image', '九宫格拼图'],
	},
	shares: {
		title: ['My shares', '我的分享'],
		empty: ['You have not shared anything yet.', '还没有分享过商品。'],
		views: ['{n} views', '{n} 次浏览'],
		copy: ['Copy link', '复制链接'],
		open: ['Open', '打开'],
		delete: ['Delete', '删除'],
		deleteConfirm: ['Delete this share? Its link stops working.', '删除分享？链接将失效。'],
		deleted: ['Share deleted', '已删除'],
	},
	following: {
		title: ['My suppliers', '我的供应商'],
		empty: ['You do not follow any supplier yet.', '还没有关注任何供应商。'],
	},
	follow: {
		active: ['Following', '已关注'],
		pending: ['Pending approval', '待审核'],
		blocked: ['Blocked', '已被拉黑'],
	},
	supplier: {
		none: ['Follow', '关注'],
		active: ['Following ✓', '已关注 ✓'],
		pending: ['Pending approval', '等待审核'],
		blocked: ['You cannot follow this supplier', '你无法关注该供应商'],
		pendingHint: ['Prices appear once the supplier approves you.', '供应商通过后即可看到价格。'],
		unfollow: ['Unfollow', '取消关注'],
		unfollowConfirm: ['Stop following {name}?', '取消关注{name}？'],
		followed: ['Following: new cards will show in your feed', '已关注，新商品将出现在动态里'],
		requested: ['Request sent', '申请已发送'],
		signinToFollow: ['Sign in to follow', '登录后关注'],
		empty: ['No cards yet.', '还没有商品。'],
	},
	post: {
		title: ['New card', '发布商品'],
		addPhotos: ['Photos', '添加图片'],
		photoCount: ['{n} / {max} photos', '{n} / {max} 张'],
		max9: ['A card has at most nine photos', '每个商品最多九张图'],
		tooLarge: ['Photo is larger than 20 MB', '图片超过 20 MB'],
		uploading: ['Uploading', '上传中'],
		remove: ['Remove photo {n}', '删除第{n}张图'],
		left: ['Move photo {n} earlier', '第{n}张图前移'],
		right: ['Move photo {n} later', '第{n}张图后移'],
		cardTitle: ['Title', '标题'],
		description: ['Description', '描述'],
		costHint: ['What distributors pay', '分销商拿货价'],
		floor: ['Floor price (yuan)', '最低售价（元）'],
		floorHint: ['Optional: the lowest price distributors may ask', '选填：分销商报价不得低于此价'],
		floorClear: ['Leave empty for no floor', '留空表示不限'],
		marginPreview: ['Distributor margin {m} ({pct})', '分销商利润 {m}（{pct}）'],
		advanced: ['Advanced: level and volume prices', '高级：等级价与批量价'],
		levels: ['Cost per level', '各等级拿货价'],
		levelPrice: ['Cost for level “{level}”', '“{level}”等级拿货价'],
		noLevels: ['Everyone pays the cost above. Add levels in your profile to vary it.', '所有人按上面的拿货价；可在“我的”添加等级。'],
		volume: ['Volume prices', '批量价'],
		minQty: ['From quantity', '起订数量'],
		tierPrice: ['Cost each', '单价'],
		addTier: ['+ Add volume price', '+ 添加批量价'],
		badQty: ['Quantity must be a whole number ≥ 2', '数量须为 ≥ 2 的整数'],
		publish: ['Publish', '发布'],
		publishing: ['Publishing…', '发布中…'],
		published: ['Published to your followers', '已发布给你的粉丝'],
		needPhoto: ['Add at least one photo', '请至少添加一张图片'],
		waitUploads: ['Wait for the photos to finish uploading', '请等待图片上传完成'],
		fixUploads: ['Some photos failed: retry or remove them', '有图片上传失败：请重试或删除'],
		needTitle: ['Enter a title', '请填写标题'],
		floorAbove: ['The floor cannot be above the retail price', '最低价不能高于零售价'],
	},
	mycards: {
		new: ['+ New', '+ 发布'],
		empty: ['No cards yet: post your first one.', '还没有商品，发布第一个吧。'],
		edit: ['Edit prices', '改价'],
		soldout: ['Mark sold out', '标记售罄'],
		restock: ['Back in stock', '恢复有货'],
		withdraw: ['Withdraw', '下架'],
		withdrawn: ['Card withdrawn', '已下架'],
		withdrawConfirm: ['Withdraw “{title}” from feeds, your channel and shares?', '从动态、频道和分享中下架“{title}”？'],
	},
	followers: {
		pending: ['Requests', '待审核'],
		active: ['Active', '已通过'],
		blocked: ['Blocked', '黑名单'],
		empty: {
			pending: ['No pending requests.', '没有待审核的申请。'],
			active: ['No followers yet: share your channel link.', '还没有粉丝：把频道链接发出去吧。'],
			blocked: ['Nobody is blocked.', '黑名单为空。'],
		},
		level: ['Level', '等级'],
		since: ['since {when}', '{when}关注'],
		approve: ['Approve', '通过'],
		approved: ['Approved', '已通过'],
		block: ['Block', '拉黑'],
		didBlock: ['Blocked', '已拉黑'],
		blockConfirm: ['Block {name}? They lose your prices at once.', '拉黑{name}？对方将立即看不到价格。'],
		unblock: ['Unblock', '移出黑名单'],
		unblocked: ['Unblocked', '已移出黑名单'],
		levelSaved: ['Level set to {level}', '等级已设为 {level}'],
	},
	profile: {
		name: ['Name', '名称'],
		bio: ['About', '简介'],
		contact: ['Contact', '联系方式'],
		contactHint: ['e.g. your WeChat ID', '如微信号'],
		policy: ['Who can follow', '谁可以关注我'],
		open: ['Anyone with the link', '任何拿到链接的人'],
		approval: ['Only people I approve', '需要我审核'],
		levels: ['Price levels', '价格等级'],
		levelsHint: ['Lowest first; new followers start on the first.', '从低到高，新粉丝默认第一级。'],
		levelName: ['Level name', '等级名称'],
		levelUp: ['Move up', '上移'],
		levelDown: ['Move down', '下移'],
		addLevel: ['+ Add level', '+ 添加等级'],
		levelsCount: ['Keep 1 to 10 levels', '等级数量须为 1 到 10 个'],
		levelChars: ['Level names use a–z, 0–9 and _ only', '等级名称只能用小写字母、数字和下划线'],
		levelDup: ['Each level name must be different', '等级名称不能重复'],
		channel: ['Your channel link', '我的频道链接'],
		channelHint: ['Give this link or QR code to distributors: it is the only way in.', '把链接或二维码发给分销商，这是唯一入口。'],
		qrAlt: ['QR code of your channel link', '频道链接二维码'],
		signout: ['Sign out', '退出登录'],
	},
};

// t looks up a string and fills its {name} placeholders from vars.
export function t(key, vars) {
	const e = key.split('.').reduce((o, k) => o && o[k], S);
	const s = Array.isArray(e) ? e[L] : key;
	return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m)) : s;
}

const dateFmt = new Intl.DateTimeFormat(L ? 'zh-CN' : 'en', { month: 'short', day: 'numeric' });

// ago says how long ago an RFC 3339 time was: "3 min ago" / "3分钟前".
export function ago(iso) {
	const then = Date.parse(iso);
	if (!then) return '';
	const s = Math.max(0, (Date.now() - then) / 1000);
	if (s < 60) return t('time.now');
	if (s < 3600) return t('time.min', { n: Math.floor(s / 60) });
	if (s < 86400) return t('time.hour', { n: Math.floor(s / 3600) });
	if (s < 2592000) return t('time.day', { n: Math.floor(s / 86400) });
	return dateFmt.format(then);
}
