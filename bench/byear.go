package bench

import (
	"strings"

	"github.com/encommun/trouvaille/analysis"
)

// ByEar respells folded word w the way it sounds: a double consonant
// single, qu and a hard c as k, ph as f, au and eau as o, -tion as -ssion, a
// soft c as s, a soft g as j. The cost bounds' and the completions'
// measures type words so (trouvaille-bounds, trouvaille-latency -suggest).
func ByEar(w string) string {
	w = analysis.Fold(w)
	for _, r := range [][2]string{{"tion", "ssion"}, {"qu", "k"}, {"ph", "f"}, {"eau", "o"}, {"au", "o"},
		{"ce", "se"}, {"ci", "si"}, {"ge", "je"}, {"gi", "ji"}, {"ca", "ka"}, {"co", "ko"}, {"cu", "ku"}} {
		w = strings.ReplaceAll(w, r[0], r[1])
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] && w[i] != 's' && !strings.ContainsRune("aeiouy", rune(w[i])) {
			continue
		}
		b.WriteByte(w[i])
	}
	return b.String()
}
