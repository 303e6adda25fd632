// Package discover holds the features that help people find their words
// rather than rank notes: autocomplete (Suggest), "Vouliez-vous dire…?"
// (Suggestion), related notes (Related) and facet value look-ups
// (FacetSearch, FacetValues). They share an in-memory view of the public
// notes' short fields, kept by a Discovery value per index, and read the
// index through a few exported methods (Search, FacetCounts, Dictionary,
// SearchIDs, PublicIDs).
package discover
