// Package liberationmonoitalic stands in for the "LiberationMono Italic" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationmonoitalic // import "codeberg.org/go-fonts/liberation/liberationmonoitalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationMono Italic".
var TTF = liberationsansregular.TTF
