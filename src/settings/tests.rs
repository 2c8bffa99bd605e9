use super::*;

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn defaults_need_no_environment() {
    let settings = Settings::from_iter(vars(&[])).expect("defaults are valid");
    assert_eq!(settings.server.bind_address(), "127.0.0.1:7000");
    assert_eq!(settings.upstreams.yts_url.as_str(), "https://yts.mx/api/v2");
    assert!(settings.cache.redis_url.is_none());
    assert_eq!(settings.server.log_format, LogFormat::Pretty);
}

#[test]
fn a_bad_port_names_the_variable() {
    let error = Settings::from_iter(vars(&[("PORT", "seventy")])).expect_err("not a number");
    assert!(error.to_string().contains("PORT"), "{error}");
}

#[test]
fn a_bad_url_names_the_variable() {
    let error = Settings::from_iter(vars(&[("YTS_URL", "not a url")])).expect_err("bad url");
    assert!(error.to_string().contains("YTS_URL"), "{error}");
    let error = Settings::from_iter(vars(&[("DMM_URL", "ftp://x")])).expect_err("bad scheme");
    assert!(error.to_string().contains("DMM_URL"), "{error}");
}

#[test]
fn a_bad_log_format_names_the_variable() {
    let error = Settings::from_iter(vars(&[("LOG_FORMAT", "xml")])).expect_err("bad format");
    assert!(error.to_string().contains("LOG_FORMAT"), "{error}");
}

#[test]
fn empty_values_count_as_unset() {
    let settings = Settings::from_iter(vars(&[("PUBLIC_URL", ""), ("PORT", "")])).expect("valid");
    assert!(settings.server.public_url.is_none());
    assert_eq!(settings.server.port, 7000);
}

#[test]
fn durations_are_read_in_their_variables_unit() {
    let settings = Settings::from_iter(vars(&[
        ("REQUEST_DEADLINE_MS", "1500"),
        ("CACHE_DMM_TTL_SECS", "90"),
    ]))
    .expect("valid");
    assert_eq!(
        settings.upstreams.request_deadline,
        Duration::from_millis(1500)
    );
    assert_eq!(settings.cache.dmm_ttl, Duration::from_secs(90));
    let error = Settings::from_iter(vars(&[("SOURCE_TIMEOUT_MS", "0")])).expect_err("zero");
    assert!(error.to_string().contains("SOURCE_TIMEOUT_MS"), "{error}");
}

#[test]
fn a_short_config_secret_refuses_to_start() {
    let error = Settings::from_iter(vars(&[("CONFIG_SECRET", "s3cret")])).expect_err("short");
    assert!(error.to_string().contains("CONFIG_SECRET"), "{error}");
    assert!(
        !error.to_string().contains("s3cret"),
        "the secret is never repeated"
    );
    let long = "x".repeat(MIN_SECRET_BYTES);
    assert!(Settings::from_iter(vars(&[("CONFIG_SECRET", &long)])).is_ok());
}
