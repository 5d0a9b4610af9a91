package callview

import _ "embed"

// BaseCSS is the style sheet the console and the report both start from;
// each page adds its own rules after it.
//
//go:embed base.css
var BaseCSS string
