//! Ranking: parse release names, filter by the user config, sort, and present as streams.
