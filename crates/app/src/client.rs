//! Who is on the other end of a connection: the client address that rate
//! limits are keyed by, taken from the socket, or from `X-Forwarded-For`
//! only when the socket's peer is a proxy the operator said to trust.

use std::net::IpAddr;
use std::str::FromStr;

/// A network given as an address and a prefix length (`10.0.0.0/8`,
/// `::1`; a bare address is a network of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Whether the address is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not an IP address or network like 10.0.0.0/8");
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (text.trim(), None),
        };
        let addr = addr.parse::<IpAddr>().map_err(|_| bad())?.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpNet { addr, prefix })
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// The client's address: the socket's peer, unless that peer is a trusted
/// proxy; then the nearest `X-Forwarded-For` entry (read from the right)
/// that is not itself a trusted proxy. `forwarded_for` holds the header's
/// values in the order received.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .rev()
        .map(|hop| hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()));
    let mut client = peer;
    for hop in hops {
        match hop {
            Ok(ip) if is_trusted(ip) => client = ip,
            Ok(ip) => return ip,
            // A hop we cannot read ends the chain we can vouch for.
            Err(_) => return client,
        }
    }
    client
}

/// The throttle key of a client: its IPv4 address, or its IPv6 /64 network
/// (one host usually holds a whole /64); `unknown` without an address.
pub(crate) fn client_key(client: Option<IpAddr>) -> String {
    match client.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(ip)) => format!("ip:{ip}"),
        Some(IpAddr::V6(ip)) => {
            let network = u128::from(ip) & (u128::MAX << 64);
            format!("ip:{}/64", std::net::Ipv6Addr::from(network))
        }
        None => "ip:unknown".into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1".parse().unwrap()];
        let xff = ["198.51.100.9, 10.1.2.3"];
        // Not from a proxy: the header is the client's own say-so.
        assert_eq!(
            client_address(ip("203.0.113.5"), &xff, &trusted),
            ip("203.0.113.5")
        );
        // From a proxy: the nearest untrusted hop, skipping inner proxies.
        assert_eq!(
            client_address(ip("10.0.0.1"), &xff, &trusted),
            ip("198.51.100.9")
        );
        // A client cannot hide behind a forged left-most entry.
        let forged = ["1.2.3.4, 198.51.100.9"];
        assert_eq!(
            client_address(ip("::1"), &forged, &trusted),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &[], &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &["junk"], &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("::ffff:203.0.113.5"), &[], &[]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn networks_parse_and_contain() {
        let net: IpNet = "192.168.0.0/16".parse().unwrap();
        assert!(net.contains(ip("192.168.4.4")) && !net.contains(ip("192.169.0.1")));
        assert!(
            "0.0.0.0/0"
                .parse::<IpNet>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("proxy".parse::<IpNet>().is_err());
        assert_eq!(
            client_key(Some(ip("2001:db8:1:2:3:4:5:6"))),
            "ip:2001:db8:1:2::/64"
        );
        assert_eq!(client_key(Some(ip("192.0.2.7"))), "ip:192.0.2.7");
        assert_eq!(client_key(None), "ip:unknown");
    }
}
