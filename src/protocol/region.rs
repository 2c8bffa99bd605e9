//! Regions, as ISO 3166-1 alpha-2 codes (`US`, `GB`): what TMDB's and Watchmode's
//! availability is keyed by, and what a user's config names.

/// Whether `code` is two upper-case ASCII letters.
pub fn is_region(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_two_upper_case_letters() {
        assert!(is_region("US") && is_region("GB"));
        assert!(!is_region("us") && !is_region("USA") && !is_region("U1") && !is_region(""));
    }
}
