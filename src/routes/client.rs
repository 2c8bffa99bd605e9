//! The viewer's address of a request: from the header the proxy in front of Ferrio sets
//! (`CLIENT_IP_HEADER`), else the connection's peer. Only a public address comes out of it
//! (see [`ClientAddress`]); a missing or malformed header is no address, never an error.

use crate::{
    client_address::{ClientAddress, ClientKey, header_address},
    state::AppState,
};
use actix_web::HttpRequest;
use std::net::IpAddr;

/// The address a request states: the configured proxy header's, else the connection's peer.
/// With a header configured, the peer is never used instead: it is the proxy's own address.
fn stated_address(request: &HttpRequest, header: Option<&str>) -> Option<IpAddr> {
    match header {
        Some(name) => header_address(request.headers().get(name)?.to_str().ok()?),
        None => request.peer_addr().map(|peer| peer.ip()),
    }
}

/// The client a request counts against for per-client limits, whatever kind of address it
/// states through the proxy header the server is configured with.
pub fn request_client(request: &HttpRequest, state: &AppState) -> ClientKey {
    let header = state.settings.server.client_ip_header.as_deref();
    state.client_keys.of(stated_address(request, header))
}

/// The viewer's public address, if the request shows one: telling Real-Debrid a private or
/// proxy address is what gets links refused.
pub fn viewer_address(request: &HttpRequest, header: Option<&str>) -> Option<ClientAddress> {
    ClientAddress::public(stated_address(request, header)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn form(address: Option<ClientAddress>) -> Option<String> {
        address.map(|address| address.form_value())
    }

    #[test]
    fn the_configured_header_names_the_viewer() {
        let request = TestRequest::default()
            .insert_header(("Fly-Client-IP", "81.2.69.160"))
            .peer_addr("10.0.0.1:4000".parse().expect("socket address"))
            .to_http_request();
        assert_eq!(
            form(viewer_address(&request, Some("fly-client-ip"))).as_deref(),
            Some("81.2.69.160")
        );
    }

    #[test]
    fn with_a_header_configured_the_peer_is_never_used() {
        let request = TestRequest::default()
            .peer_addr("81.2.69.161:4000".parse().expect("socket address"))
            .to_http_request();
        assert_eq!(viewer_address(&request, Some("Fly-Client-IP")), None);
        let garbled = TestRequest::default()
            .insert_header(("Fly-Client-IP", "not an address"))
            .to_http_request();
        assert_eq!(viewer_address(&garbled, Some("Fly-Client-IP")), None);
    }

    #[test]
    fn without_a_header_the_public_peer_is_the_viewer() {
        let public = TestRequest::default()
            .peer_addr("81.2.69.161:4000".parse().expect("socket address"))
            .to_http_request();
        assert_eq!(
            form(viewer_address(&public, None)).as_deref(),
            Some("81.2.69.161")
        );
        let local = TestRequest::default()
            .peer_addr("127.0.0.1:4000".parse().expect("socket address"))
            .to_http_request();
        assert_eq!(viewer_address(&local, None), None);
    }
}
