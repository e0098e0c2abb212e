package web

import _ "embed"

// Widget is embed/weigong.js, served at /embed/weigong.js: the
// <weigong-channel> and <weigong-share> web components any page can
// include. It reads only anonymous endpoints, without cookies.
//
//go:embed embed/weigong.js
var Widget []byte
