// Package liberationsansbolditalic stands in for the "LiberationSans BoldItalic" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationsansbolditalic // import "codeberg.org/go-fonts/liberation/liberationsansbolditalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSans BoldItalic".
var TTF = liberationsansregular.TTF
