package format

import (
	"fmt"
	"strconv"
)

// Pos is a position in a result file. Line and Col count from 1; 0 means
// unknown. Member names the entry of an archive (a zip member).
type Pos struct {
	File   string
	Member string
	Line   int
	Col    int
}

// String formats p as file[!member][:line[:col]].
func (p Pos) String() string {
	s := p.File
	if p.Member != "" {
		s += "!" + p.Member
	}
	if p.Line > 0 {
		s += ":" + strconv.Itoa(p.Line)
		if p.Col > 0 {
			s += ":" + strconv.Itoa(p.Col)
		}
	}
	return s
}

// SyntaxError is an error at a position in a result file. It prints as
// `file:line:col: what was found, what was expected`.
type SyntaxError struct {
	Pos
	Err error
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Err.Error() }

func (e *SyntaxError) Unwrap() error { return e.Err }

// errorf returns a *SyntaxError at pos.
func errorf(pos Pos, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Err: fmt.Errorf(format, args...)}
}
