// Package searchcorpus makes synthetic product text, shaped like the posts
// of clothing and accessory wholesalers on 1688's 微供 channel, for the
// search benchmarks: the bbolt index's (storage) and the bleve comparison
// (storage/searchcorpus/blevecmp). The server does not use it.
//
// Words are drawn with a skew (a few colours, fabrics and items are very
// common, most are rare), so a query set has dense and sparse postings,
// and titles repeat common phrases the way real listings do.
package searchcorpus

import (
	"math/rand/v2"
	"strings"
)

// Vocabularies, most common first within each list.
var (
	colours   = []string{"黑色", "白色", "米白", "杏色", "卡其", "灰色", "藏青", "酒红", "粉色", "浅蓝", "墨绿", "焦糖", "咖啡", "奶白", "雾霾蓝", "燕麦色", "姜黄", "牛油果绿"}
	fabrics   = []string{"纯棉", "针织", "雪纺", "牛仔", "羊毛", "亚麻", "真丝", "涤纶", "羊绒", "蕾丝", "灯芯绒", "天丝", "莫代尔", "醋酸", "摇粒绒", "重磅"}
	items     = []string{"T恤", "连衣裙", "衬衫", "卫衣", "外套", "半身裙", "阔腿裤", "毛衣", "牛仔裤", "开衫", "风衣", "马甲", "西装", "羽绒服", "大衣", "短裤", "打底衫", "睡衣", "围巾", "帽子", "手提包", "双肩包", "运动鞋", "凉鞋", "袜子", "发夹"}
	styles    = []string{"韩版", "宽松", "百搭", "显瘦", "简约", "休闲", "复古", "修身", "气质", "法式", "ins风", "港风", "小香风", "学院风", "高级感", "网红同款"}
	seasons   = []string{"新款", "2024", "夏季", "秋冬", "春秋", "爆款", "现货", "冬季", "春季", "早秋"}
	audiences = []string{"女", "女装", "男", "男装", "大码", "情侣", "儿童", "中老年"}
	selling   = []string{"一件代发", "支持退换", "48小时发货", "厂家直销", "品质保证", "不起球", "不掉色", "透气舒适", "加厚保暖", "弹力好", "高腰显瘦", "可机洗", "防晒", "亲肤柔软", "做工精细", "实拍图"}
	latin     = []string{"oversize", "basic", "vintage", "cotton", "polo", "logo", "denim", "silk", "chic", "casual", "street", "retro", "cashmere", "linen", "wool", "cargo"}
	sizes     = []string{"S M L XL", "M L XL 2XL", "均码", "S M L", "XL 2XL 3XL 4XL", "36 37 38 39 40"}
	tags      = []string{"女装", "男装", "新品", "爆款", "秋冬", "夏季", "配饰", "鞋靴", "箱包", "童装", "清仓", "Basic"}
)

// Card is the text of one synthetic card.
type Card struct {
	Title       string
	Description string
	Tags        []string
}

// Generator draws cards from a seeded source, so a benchmark builds the
// same corpus every run.
type Generator struct {
	rng *rand.Rand
}

// New returns a generator seeded with seed.
func New(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// pick draws from words with a skew toward the front: the square of a
// uniform number puts about half the draws in the first third.
func (g *Generator) pick(words []string) string {
	f := g.rng.Float64()
	return words[int(f*f*float64(len(words)))]
}

// maybe returns s with probability p, else "".
func (g *Generator) maybe(p float64, s string) string {
	if g.rng.Float64() < p {
		return s
	}
	return ""
}

// Card returns the next card: a title of 10 to 30 characters (season,
// style, fabric, colour, item, audience, sometimes a Latin word), a
// description of about 40 to 120 characters and one to three tags.
func (g *Generator) Card() Card {
	title := g.pick(seasons) + g.pick(styles) + g.maybe(0.7, g.pick(fabrics)) + g.maybe(0.4, g.pick(colours)) +
		g.pick(items) + g.maybe(0.6, g.pick(audiences)) + g.maybe(0.3, " "+g.pick(latin))
	var d strings.Builder
	d.WriteString(g.pick(fabrics) + "面料，" + g.pick(selling) + "，" + g.pick(selling) + "。")
	d.WriteString("颜色：" + g.pick(colours) + "/" + g.pick(colours) + "。")
	d.WriteString("尺码：" + g.pick(sizes) + "。")
	if g.rng.IntN(2) == 0 {
		d.WriteString(g.pick(styles) + g.pick(items) + "，" + g.pick(selling) + "！")
	}
	if g.rng.IntN(3) == 0 {
		d.WriteString(g.pick(latin) + " style，" + g.pick(selling) + "。")
	}
	n := 1 + g.rng.IntN(3)
	cardTags := make([]string, 0, n)
	for range n {
		t := g.pick(tags)
		if !contains(cardTags, t) {
			cardTags = append(cardTags, t)
		}
	}
	return Card{Title: title, Description: d.String(), Tags: cardTags}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Query is one benchmark query: its text and, optionally, a tag filter.
type Query struct {
	Name string
	Q    string
	Tag  string
}

// Queries are the benchmark's queries, from the commonest to the rarest:
// one and several CJK characters, Latin prefixes, mixed terms, phrases
// whose bigrams are common but which are rare or absent as a whole (the
// intersection's worst case), and filters.
var Queries = []Query{
	{"cjk-1-common", "裙", ""},
	{"cjk-1-rare", "夹", ""},
	{"cjk-2-common", "纯棉", ""},
	{"cjk-3", "连衣裙", ""},
	{"cjk-4-rare", "牛油果绿", ""},
	{"cjk-phrase", "宽松纯棉T恤", ""},
	{"cjk-no-match", "羽绒裙", ""},
	{"cjk-2-absent", "鑫淼", ""},
	{"latin-prefix-1", "c", ""},
	{"latin-prefix", "vint", ""},
	{"latin-word-long", "cashmere", ""},
	{"mixed-2-terms", "韩版 oversize", ""},
	{"mixed-3-terms", "黑色 卫衣 basic", ""},
	{"tag-only", "", "爆款"},
	{"q-and-tag", "毛衣", "秋冬"},
	{"empty-list", "", ""},
}
