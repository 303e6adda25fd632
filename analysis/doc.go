// Package analysis is Trouvaille's French text analysis: tokenization,
// elision, inclusive writing (participant·es), hyphenated compounds, accent
// and case folding, stop words and Snowball stemming, registered as a Bleve
// analyzer and callable directly (Analyze, Fold, Stem). It also holds the
// synonyms file format and the embedded Québec list (synonyms.go), and the
// edit distances the typo tolerance uses.
package analysis
