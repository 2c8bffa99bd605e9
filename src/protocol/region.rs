//! Regions, as ISO 3166-1 alpha-2 codes (`US`, `GB`): what TMDB's and Watchmode's
//! availability is keyed by, and what a user's config names.
//!
//! Only an assigned code is a region: a region names cache keys and TMDB calls, so anything a
//! client sends in its place is refused before either (the configure page falls back to the
//! server's default region).

/// The 249 officially assigned codes, sorted (ISO 3166-1, 2024), space-separated.
const ASSIGNED: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO \
BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ \
DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP \
GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG \
KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML \
MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE \
PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL \
SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM \
US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code, in capitals.
pub fn is_region(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && ASSIGNED.split(' ').any(|assigned| assigned == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_assigned_codes_in_capitals() {
        assert!(is_region("US") && is_region("GB") && is_region("BR") && is_region("ZW"));
        assert!(!is_region("us") && !is_region("USA") && !is_region("U1") && !is_region(""));
        assert!(
            !is_region("ZZ") && !is_region("XK") && !is_region("AA"),
            "unassigned"
        );
        assert!(!is_region(&"A".repeat(20_000)));
    }

    #[test]
    fn the_list_is_sorted_and_complete() {
        let codes: Vec<&str> = ASSIGNED.split(' ').collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
