package ingest

// scanMembers lists the members of a JSON object as membersJSON does, in
// order, without encoding/json's tokenizer (a tenth of the ingest's CPU):
// one pass checks the syntax of the whole record, keys are unquoted, values
// are slices of data. ok is false for anything but a valid object, and for
// values nested deeper than maxScanDepth: membersJSON then decides and says
// why (FuzzScanMembers checks both agree).
func scanMembers(data []byte) (_ []member, ok bool) {
	s := scanner{data: data}
	s.space()
	if !s.byte('{') {
		return nil, false
	}
	var out []member
	ok = s.list('}', func() bool {
		start := s.at
		if !s.str() {
			return false
		}
		key, ok := unquote(data[start:s.at])
		if !ok || !s.colon() {
			return false
		}
		start = s.at
		if !s.value(0) {
			return false
		}
		out = append(out, member{key, data[start:s.at:s.at]})
		return true
	})
	s.space()
	return out, ok && s.at == len(data)
}

// scanElements returns the elements of a JSON array, as slices of data,
// like encoding/json's []json.RawMessage (elements compares them); ok is
// false where scanMembers' would be.
func scanElements(data []byte) (_ [][]byte, ok bool) {
	s := scanner{data: data}
	s.space()
	if !s.byte('[') {
		return nil, false
	}
	var out [][]byte
	ok = s.list(']', func() bool {
		start := s.at
		if !s.value(1) {
			return false
		}
		out = append(out, data[start:s.at:s.at])
		return true
	})
	s.space()
	return out, ok && s.at == len(data)
}

// maxScanDepth bounds the nesting scanMembers follows.
const maxScanDepth = 64

type scanner struct {
	data []byte
	at   int
}

func (s *scanner) space() {
	for s.at < len(s.data) {
		switch s.data[s.at] {
		case ' ', '\t', '\r', '\n':
			s.at++
		default:
			return
		}
	}
}

// list consumes the items of an object or an array up to close (its
// opening byte consumed), separated by commas.
func (s *scanner) list(close byte, item func() bool) bool {
	s.space()
	if s.byte(close) {
		return true
	}
	for {
		s.space()
		if !item() {
			return false
		}
		s.space()
		if !s.byte(',') {
			return s.byte(close)
		}
	}
}

// colon consumes a member's colon and the spaces around it.
func (s *scanner) colon() bool {
	s.space()
	if !s.byte(':') {
		return false
	}
	s.space()
	return true
}

// byte consumes c if it comes next.
func (s *scanner) byte(c byte) bool {
	if s.at < len(s.data) && s.data[s.at] == c {
		s.at++
		return true
	}
	return false
}

// str consumes a string literal.
func (s *scanner) str() bool {
	if !s.byte('"') {
		return false
	}
	for s.at < len(s.data) {
		c := s.data[s.at]
		switch {
		case c == '"':
			s.at++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.at+1 >= len(s.data) {
				return false
			}
			switch s.data[s.at+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.at += 2
			case 'u':
				if _, ok := hex4(s.data[s.at+2:]); !ok {
					return false
				}
				s.at += 6
			default:
				return false
			}
		default:
			s.at++
		}
	}
	return false
}

// value consumes any JSON value.
func (s *scanner) value(depth int) bool {
	if s.at >= len(s.data) || depth > maxScanDepth {
		return false
	}
	switch c := s.data[s.at]; {
	case c == '"':
		return s.str()
	case c == '{':
		s.at++
		return s.list('}', func() bool { return s.str() && s.colon() && s.value(depth+1) })
	case c == '[':
		s.at++
		return s.list(']', func() bool { return s.value(depth + 1) })
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(s.data)-s.at >= len(lit) && string(s.data[s.at:s.at+len(lit)]) == lit {
				s.at += len(lit)
				return true
			}
		}
		return false
	}
}

// number consumes a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	s.byte('-')
	switch {
	case s.byte('0'):
	case s.digits() == 0:
		return false
	}
	if s.byte('.') && s.digits() == 0 {
		return false
	}
	if s.byte('e') || s.byte('E') {
		if !s.byte('+') {
			s.byte('-')
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	n := 0
	for s.at < len(s.data) && '0' <= s.data[s.at] && s.data[s.at] <= '9' {
		s.at++
		n++
	}
	return n
}
