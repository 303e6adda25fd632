package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"
)

// A word table codes a note's JSON before zstd compresses it: each word of
// the table becomes two or three bytes that valid UTF-8 never holds, and the
// note's own id (the record's key) one byte. zstd then sees words as short
// symbols whose frequencies its entropy coder learns, instead of matches into
// its dictionary of a dozen bits each: on generated notes of 3.4 KB, about
// 1,080 → 820 bytes a note, on the second corpus 1,310 → 1,000
// (docs/performance.md, session 25). Word-based text compression is an old
// idea of full-text stores (Moffat 1989; "Managing Gigabytes").
//
// Coded bytes (JSON is valid UTF-8, which has none of them; a note's JSON
// that is not is stored without the table):
//
//	0xC1                 the note's id
//	0xF5..0xFE, b        word (lead−0xF5)×256 + b         (the 2,560 first)
//	0xC0, b1, b2         word 2,560 + b1×256 + b2         (65,536 more)
//	0xFF                 never written
//
// Two words' codes side by side stand for the words with one space between
// them (words are runs of letters: two are never side by side in the text),
// which saves the most common byte: 4 % of a generated note.
const (
	codeID     = 0xC1
	codeLong   = 0xC0
	codeShort  = 0xF5 // first lead byte of a two-byte code
	shortLeads = 10   // 0xF5..0xFE
	shortCodes = shortLeads * 256
	maxWords   = shortCodes + 1<<16
	// minWordLen: shorter words would not shrink (a code is two bytes).
	minWordLen = 3
	// minIDLen: a shorter id is left as it is.
	minIDLen = 3
)

// wordTable is one trained table: its words by code, side by side in arena
// (word i at arena[ends[i-1]:ends[i]], so that a probe reads two arrays,
// not a slice header and its bytes), and an open-addressing hash table of
// their codes (slots hold a word's hash above its code+1, 0 for none).
type wordTable struct {
	slots []uint64
	mask  uint32
	arena []byte
	ends  []uint32
}

// size is how many words the table codes.
func (t *wordTable) size() int { return len(t.ends) }

// bounds returns where the word of code c (c < size()) is in the arena.
func (t *wordTable) bounds(c uint32) (start, end uint32) {
	if c > 0 {
		start = t.ends[c-1]
	}
	return start, t.ends[c]
}

// word returns the word of code c (c < size()).
func (t *wordTable) word(c uint32) []byte {
	start, end := t.bounds(c)
	return t.arena[start:end]
}

// hashWord hashes a word of at least minWordLen bytes from its length and
// its first and last bytes, in constant time: the probe compares the bytes.
func hashWord(w []byte) uint32 {
	n := len(w)
	h := uint32(n)*0x9e3779b1 ^ (uint32(w[0])|uint32(w[1])<<8|uint32(w[2])<<16)*0x85ebca6b ^
		(uint32(w[n-1])|uint32(w[n-2])<<8|uint32(w[n/2])<<16)*0xc2b2ae35
	h ^= h >> 15
	h *= 0x2c1b3c6d
	return h ^ h>>13
}

// code returns the code of w, a word of at least minWordLen bytes.
func (t *wordTable) code(w []byte) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	h := hashWord(w)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if c := uint32(s) - 1; uint32(s>>32) == h && string(t.word(c)) == string(w) {
			return c, true
		}
	}
}

// asciiLetter[c] says whether the ASCII byte c is a letter.
var asciiLetter = func() (t [utf8.RuneSelf]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

var errBadCode = errors.New("code de mot invalide : enregistrement abîmé, restaurez une sauvegarde")

// trainWords picks the words of samples worth a code: seen at least twice,
// at least minWordLen bytes, the most bytes saved first (occurrences ×
// bytes beyond two), so that the two-byte codes go to the words they save
// the most on. The same samples always give the same table.
func trainWords(samples [][]byte) [][]byte {
	counts := make(map[string]int)
	for _, s := range samples {
		eachWord(s, func(a, e int) { counts[string(s[a:e])]++ })
	}
	type cand struct {
		w    string
		gain int
	}
	var cs []cand
	for w, n := range counts {
		if n >= 2 {
			cs = append(cs, cand{w, n * (len(w) - 2)})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.gain, a.gain); c != 0 {
			return c
		}
		return cmp.Compare(a.w, b.w)
	})
	if len(cs) > maxWords {
		cs = cs[:maxWords]
	}
	words := make([][]byte, len(cs))
	for i, c := range cs {
		words[i] = []byte(c.w)
	}
	return words
}

// nextWord returns the bounds of the first word of b at or after i: a run
// of letters (any script) between two non-letters; start == len(b) when
// there is none. Training and coding read words the same way through it.
func nextWord(b []byte, i int) (start, end int) {
	n := len(b)
	for i < n { // to the next letter
		if c := b[i]; c < utf8.RuneSelf {
			if asciiLetter[c] {
				break
			}
			i++
		} else if r, size := utf8.DecodeRune(b[i:]); unicode.IsLetter(r) {
			break
		} else {
			i += size
		}
	}
	start = i
	for i < n { // to the word's end
		if c := b[i]; c < utf8.RuneSelf {
			if !asciiLetter[c] {
				break
			}
			i++
		} else if r, size := utf8.DecodeRune(b[i:]); unicode.IsLetter(r) {
			i += size
		} else {
			break
		}
	}
	return start, i
}

// eachWord calls fn with the bounds of each word of at least minWordLen
// bytes in b.
func eachWord(b []byte, fn func(start, end int)) {
	for a, e := nextWord(b, 0); a < len(b); a, e = nextWord(b, e) {
		if e-a >= minWordLen {
			fn(a, e)
		}
	}
}

func newWordTable(words [][]byte) *wordTable {
	size := 16
	for size < 2*len(words) {
		size *= 2
	}
	t := &wordTable{slots: make([]uint64, size), mask: uint32(size - 1), ends: make([]uint32, len(words))}
	for i, w := range words {
		t.arena = append(t.arena, w...)
		t.ends[i] = uint32(len(t.arena))
	}
	t.arena = append(t.arena, make([]byte, 16)...) // decode reads 16 bytes a word
	for i, w := range words {
		if _, dup := t.code(w); dup {
			continue // the first code of a word (a stored table has none twice)
		}
		h := hashWord(w)
		j := h & t.mask
		for t.slots[j] != 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = uint64(h)<<32 | uint64(i+1)
	}
	return t
}

// marshalWords is the table as stored: its words, one per line.
func marshalWords(words [][]byte) []byte { return bytes.Join(words, []byte{'\n'}) }

// unmarshalWords reads a stored table back, refusing one that could not
// have been written (the codes would decode to something else).
func unmarshalWords(b []byte) (*wordTable, error) {
	var words [][]byte
	if len(b) > 0 {
		words = bytes.Split(b, []byte{'\n'})
	}
	if len(words) > maxWords {
		return nil, fmt.Errorf("table de mots de %d mots (au plus %d)", len(words), maxWords)
	}
	for _, w := range words {
		if len(w) < minWordLen || !utf8.Valid(w) {
			return nil, fmt.Errorf("table de mots : mot invalide %q", w)
		}
	}
	return newWordTable(words), nil
}

// encode appends to dst the coded form of js, a note's JSON whose id is id;
// scratch is a buffer it may use (returned grown). ok is false when js is
// not valid UTF-8 (it could hold the code bytes): then dst is returned as it
// was and the note is stored without the table.
func (t *wordTable) encode(dst, scratch, js []byte, id string) (out, scratchOut []byte, ok bool) {
	if !utf8.Valid(js) {
		return dst, scratch, false
	}
	// The id first (ids hold letters): its byte is no letter, so the words
	// are then looked up around it.
	if len(id) >= minIDLen && bytes.Contains(js, []byte(id)) {
		scratch = scratch[:0]
		for {
			k := bytes.Index(js, []byte(id))
			if k < 0 {
				break
			}
			scratch = append(append(scratch, js[:k]...), codeID)
			js = js[k+len(id):]
		}
		scratch = append(scratch, js...)
		js = scratch
	}
	last, prevEnd := 0, -1
	for a, i := nextWord(js, 0); a < len(js); a, i = nextWord(js, i) {
		if i-a >= minWordLen {
			if c, found := t.code(js[a:i]); found {
				// Two coded words with one space between them: the
				// space is implied (two words are never side by side).
				if !(prevEnd == last && a == last+1 && js[last] == ' ') {
					dst = append(dst, js[last:a]...)
				}
				if c < shortCodes {
					dst = append(dst, byte(codeShort+c>>8), byte(c))
				} else {
					c -= shortCodes
					dst = append(dst, codeLong, byte(c>>8), byte(c))
				}
				last, prevEnd = i, i
			}
		}
	}
	return append(dst, js[last:]...), scratch, true
}

// decode appends to dst the JSON that encode coded from src.
func (t *wordTable) decode(dst, src []byte, id string) ([]byte, error) {
	// Room for a note whose words took a third of their bytes, at once.
	dst = slices.Grow(dst, 3*len(src))
	prevWord := false // the last thing decoded was a word's code
	for i := 0; i < len(src); {
		// Copy the run up to the next code byte.
		j := i
		for j < len(src) && !codeByte[src[j]] {
			j++
		}
		if j > i {
			if n := len(dst); j-i <= 8 && i+8 <= len(src) && cap(dst)-n >= 8 {
				// A short run (a space, a comma), copied as one word
				// rather than through memmove.
				dst = dst[:n+8]
				binary.LittleEndian.PutUint64(dst[n:], binary.LittleEndian.Uint64(src[i:]))
				dst = dst[:n+j-i]
			} else {
				dst = append(dst, src[i:j]...)
			}
			prevWord = false
		}
		if j == len(src) {
			break
		}
		var c int
		switch b := src[j]; {
		case b == codeID:
			dst = append(dst, id...)
			i = j + 1
			prevWord = false
			continue
		case b == codeLong:
			if j+2 >= len(src) {
				return dst, errBadCode
			}
			c = shortCodes + int(src[j+1])<<8 + int(src[j+2])
			i = j + 3
		case b >= codeShort && b < codeShort+shortLeads:
			if j+1 >= len(src) {
				return dst, errBadCode
			}
			c = int(b-codeShort)<<8 + int(src[j+1])
			i = j + 2
		default:
			return dst, errBadCode
		}
		if c >= len(t.ends) {
			return dst, errBadCode
		}
		if prevWord {
			dst = append(dst, ' ')
		}
		start, end := t.bounds(uint32(c))
		if n, w := len(dst), int(end-start); w <= 16 && cap(dst)-n >= 16 {
			// Most words: two 8-byte moves (the arena has 16 bytes
			// past its last word).
			dst = dst[:n+16]
			binary.LittleEndian.PutUint64(dst[n:], binary.LittleEndian.Uint64(t.arena[start:]))
			binary.LittleEndian.PutUint64(dst[n+8:], binary.LittleEndian.Uint64(t.arena[start+8:]))
			dst = dst[:n+w]
		} else {
			dst = append(dst, t.arena[start:end]...)
		}
		prevWord = true
	}
	return dst, nil
}

// codeByte[b] says whether b starts a code: a byte valid UTF-8 never has.
var codeByte = func() (t [256]bool) {
	t[0xC0], t[0xC1] = true, true
	for b := 0xF5; b <= 0xFF; b++ {
		t[b] = true
	}
	return t
}()
