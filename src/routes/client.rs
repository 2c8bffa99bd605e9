//! The viewer's address of a request: from the header the proxy in front of Ferrio sets
//! (`CLIENT_IP_HEADER`), else the connection's peer. Only a public address comes out of it
//! (see [`ClientAddress`]); a missing or malformed header is no address, never an error.

use crate::client_address::{ClientAddress, ClientKey};
use actix_web::HttpRequest;

/// The client a request counts against for per-client limits: from the same header or peer as
/// the viewer's address, whatever kind of address it is.
pub fn client_key(request: &HttpRequest, header: Option<&str>) -> ClientKey {
    match header {
        Some(name) => request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map_or_else(|| ClientKey::of(None), ClientKey::from_header),
        None => ClientKey::of(request.peer_addr().map(|peer| peer.ip())),
    }
}

/// The viewer's public address, if the request shows one. With a header configured, the peer
/// address is never used instead: it is the proxy's, and telling Real-Debrid the proxy's
/// address is exactly what gets links refused.
pub fn viewer_address(request: &HttpRequest, header: Option<&str>) -> Option<ClientAddress> {
    match header {
        Some(name) => {
            let value = request.headers().get(name)?.to_str().ok()?;
            ClientAddress::from_header(value)
        }
        None => ClientAddress::public(request.peer_addr()?.ip()),
    }
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
