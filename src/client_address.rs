//! The viewer's network address, as far as Ferrio may use it.
//!
//! Real-Debrid refuses download links asked for from hosting providers' addresses
//! (`ip_not_allowed`, code 22) unless the request names the viewer's own address in the form
//! field `ip`, as DMM and Torrentio send it. A hosted Ferrio therefore passes on the address of
//! the player that tapped the stream — and nothing else of it: only a public address is ever
//! kept (a private or loopback one means the viewer shares Ferrio's network, where Real-Debrid
//! already sees the right address), and the address never reaches a log line, a metric label
//! or, in clear, a cache key. Its `Debug` form is redacted for that reason.

use crate::keyed_hash::hmac_sha256;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A public IPv4 or IPv6 address of a viewer.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(IpAddr);

impl ClientAddress {
    /// The address, if it is one Real-Debrid may be told: public, routable, unicast.
    pub fn public(address: IpAddr) -> Option<Self> {
        let public = match address {
            IpAddr::V4(v4) => is_public_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => is_public_v4(v4),
                None => is_public_v6(v6),
            },
        };
        public.then_some(Self(address))
    }

    /// The public address a proxy header names (see [`header_address`]).
    pub fn from_header(value: &str) -> Option<Self> {
        Self::public(header_address(value)?)
    }

    /// The value of Real-Debrid's `ip` form field.
    pub fn form_value(&self) -> String {
        self.0.to_string()
    }

    /// The address's bytes, for a keyed hash.
    pub fn octets(&self) -> Vec<u8> {
        match self.0 {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets().to_vec(),
        }
    }
}

impl fmt::Debug for ClientAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientAddress(redacted)")
    }
}

/// Who a request counts against for per-client limits: a keyed digest of the client's network
/// (public or not — behind no proxy, a LAN's addresses are the clients), made by
/// [`ClientKeys`]. Requests that show no address share one key.
///
/// A client is an IPv4 address, or an IPv6 /64: one subscriber is handed a whole /64 and can
/// pick any address in it, so keying the full address would give them 2^64 allowances. An
/// IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is that IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientKey(u64);

impl ClientKey {
    /// Ferrio's own background work (the trending prewarm): bounded by its own settings, not
    /// by a client's allowance. No address keys to it: digests stop one short of it.
    pub const BACKGROUND: Self = Self(u64::MAX);

    /// The key as 16 hex digits, for a Redis key that counts a client.
    pub fn digest(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Makes [`ClientKey`]s: HMAC-SHA256 of the client's network under a key derived from
/// `CONFIG_SECRET` when one is set, so instances sharing the secret agree on who a client is
/// (a daily share counted in Redis is then one count across the fleet), and nobody without it
/// can tell from a Redis key which address it counts. Without the secret the key is random per
/// process: nothing personal can be recovered, and each instance counts its own clients.
#[derive(Clone)]
pub struct ClientKeys {
    key: [u8; 32],
}

/// Domain separation: client keys differ from every other use of `CONFIG_SECRET`.
const CLIENT_KEY_LABEL: &[u8] = b"ferrio:v1 client keys";

impl ClientKeys {
    /// Keys derived from `config_secret` when it is set and not empty, random otherwise.
    pub fn new(config_secret: Option<&SecretString>) -> Self {
        let key = match config_secret.map(|secret| secret.expose_secret().as_bytes()) {
            Some(secret) if !secret.is_empty() => hmac_sha256(secret, CLIENT_KEY_LABEL),
            _ => rand::random(),
        };
        Self { key }
    }

    /// Keys every test of the crate agrees on.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self { key: [7; 32] }
    }

    /// The key of an address as the proxy header or the peer states it.
    pub fn of(&self, address: Option<IpAddr>) -> ClientKey {
        let message = match address.map(network) {
            None => Vec::new(),
            Some(IpAddr::V4(v4)) => v4.octets().to_vec(),
            Some(IpAddr::V6(v6)) => v6.octets().to_vec(),
        };
        let digest = hmac_sha256(&self.key, &message);
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        ClientKey(u64::from_be_bytes(first).min(u64::MAX - 1))
    }
}

/// The network a client is: its IPv4 address, or the /64 its IPv6 address is in.
fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
    }
}

/// The address a proxy header names, public or not. A list (`X-Forwarded-For: a, b, c`)
/// gives its last entry, the one the trusted proxy in front of Ferrio appended: earlier entries
/// are whatever the client chose to send. A malformed value is no address, never an error.
pub fn header_address(value: &str) -> Option<IpAddr> {
    parse_address(value.rsplit(',').next()?.trim())
}

/// `1.2.3.4`, `1.2.3.4:567`, `::1`, `[::1]:567`.
fn parse_address(text: &str) -> Option<IpAddr> {
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(address);
    }
    text.parse::<std::net::SocketAddr>()
        .ok()
        .map(|socket| socket.ip())
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, c, _] = address.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10, carrier-grade NAT
    let benchmarking = a == 198 && (b == 18 || b == 19); // 198.18.0.0/15
    let protocol_assignments = a == 192 && b == 0 && c == 0; // 192.0.0.0/24
    let reserved = a >= 240; // 240.0.0.0/4 and broadcast
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_multicast()
        || address.is_documentation()
        || shared
        || benchmarking
        || protocol_assignments
        || reserved
        || a == 0)
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    let first = address.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00; // fc00::/7
    let link_local = first & 0xffc0 == 0xfe80; // fe80::/10
    let documentation = first == 0x2001 && address.segments()[1] == 0x0db8; // 2001:db8::/32
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_multicast()
        || unique_local
        || link_local
        || documentation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        ClientAddress::from_header(text).is_some()
    }

    #[test]
    fn only_public_addresses_are_kept() {
        for address in [
            "81.2.69.160",
            "2a00:1450:4007:80c::200e",
            "[2a00:1450::1]:443",
        ] {
            assert!(public(address), "{address} is public");
        }
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.20",
            "169.254.10.1",
            "100.64.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.10",
            "198.18.0.1",
            "::1",
            "::",
            "fd12:3456::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!public(address), "{address} is not public");
        }
    }

    #[test]
    fn a_list_gives_its_last_entry_the_one_the_proxy_appended() {
        let chosen = ClientAddress::from_header("1.1.1.1, 81.2.69.160");
        assert_eq!(
            chosen.map(|address| address.form_value()).as_deref(),
            Some("81.2.69.160")
        );
        // A spoofed public first entry does not win over a private last one.
        assert!(ClientAddress::from_header("81.2.69.160, 10.0.0.2").is_none());
    }

    #[test]
    fn malformed_values_are_no_address() {
        for value in [
            "",
            "unknown",
            "81.2.69",
            "81.2.69.160.5",
            "::zz",
            "a, ",
            "1.2.3.4:99999",
        ] {
            assert!(ClientAddress::from_header(value).is_none(), "{value:?}");
        }
        assert!(public("81.2.69.160:51234"), "a port is allowed");
    }

    #[test]
    fn client_keys_tell_addresses_apart_without_holding_them() {
        let keys = ClientKeys::new(None);
        let key = |value| keys.of(header_address(value));
        let one = key("10.0.0.1");
        assert_eq!(one, key("1.1.1.1, 10.0.0.1"));
        assert_ne!(one, key("10.0.0.2"));
        assert_eq!(key("junk"), keys.of(None));
        assert!(!format!("{one:?}").contains("10.0.0.1"));
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_mapped_address_is_ipv4() {
        let keys = ClientKeys::new(None);
        let key = |value| keys.of(header_address(value));
        let home = key("2a02:8108:1:2::1");
        for same in [
            "2a02:8108:1:2::ffff",
            "2a02:8108:1:2:dead:beef:1:1",
            "[2a02:8108:1:2:abcd::9]:4000",
        ] {
            assert_eq!(key(same), home, "{same}");
        }
        assert_ne!(
            key("2a02:8108:1:3::1"),
            home,
            "the next /64 is another client"
        );
        assert_eq!(key("::ffff:81.2.69.160"), key("81.2.69.160"));
        assert_ne!(key("81.2.69.160"), key("81.2.69.161"));
    }

    #[test]
    fn instances_sharing_a_secret_agree_and_others_do_not() {
        let secret = SecretString::from("a secret every instance of the fleet shares");
        let address = header_address("81.2.69.160");
        let one = ClientKeys::new(Some(&secret)).of(address);
        assert_eq!(one, ClientKeys::new(Some(&secret)).of(address));
        let other = SecretString::from("another fleet's secret, just as long as that");
        assert_ne!(one, ClientKeys::new(Some(&other)).of(address));
        assert_ne!(one, ClientKeys::new(None).of(address), "no secret: random");
        assert_eq!(one.digest().len(), 16);
        assert!(!one.digest().contains("81"), "{}", one.digest());
    }

    #[test]
    fn debug_output_never_shows_the_address() {
        let address = ClientAddress::from_header("81.2.69.160").map(|a| format!("{a:?}"));
        assert_eq!(address.as_deref(), Some("ClientAddress(redacted)"));
    }
}
