// Package liberationserifbolditalic stands in for the "LiberationSerif BoldItalic" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationserifbolditalic // import "codeberg.org/go-fonts/liberation/liberationserifbolditalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSerif BoldItalic".
var TTF = liberationsansregular.TTF
