//! Which addresses a delivery target may reach (SSRF protection): pure functions, no I/O.
//!
//! A target's URL is resolved and every resolved address is checked with
//! [`NetworkPolicy::check`] at save, at test and at send. Public unicast addresses pass;
//! anything else (loopback, private, link-local, cloud metadata, multicast, reserved, ...)
//! passes only if an operator listed a network containing it
//! (`--allow-target-network` / `HERALD_ALLOW_TARGET_NETWORKS`).
//!
//! IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
//! `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are classified by the IPv4 address
//! they carry, so `::ffff:127.0.0.1` is loopback just like `127.0.0.1`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IPv4 or IPv6 network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// The network address (host bits all zero).
    addr: IpAddr,
    /// Prefix length: at most 32 for IPv4, 128 for IPv6.
    prefix: u8,
}

/// The netmask of an IPv4 prefix of `prefix` bits (`prefix` <= 32).
fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

/// The netmask of an IPv6 prefix of `prefix` bits (`prefix` <= 128).
fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

/// `ip` with an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) replaced by its IPv4 address.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => ip,
        },
        v4 => v4,
    }
}

impl Cidr {
    /// Parse `"127.0.0.0/8"`, `"::1/128"`, or a bare address (`"10.1.2.3"` = `/32`,
    /// `"::1"` = `/128`). The error names the problem; an address with host bits set is an
    /// error that suggests the network meant.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty network: expected CIDR notation such as 10.0.0.0/8".to_string());
        }
        let (addr_text, prefix_text) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr_text.parse().map_err(|_| {
            format!(
                "'{text}' is not a network in CIDR notation: '{addr_text}' is not an IP address"
            )
        })?;
        let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
        let family = if addr.is_ipv4() { "IPv4" } else { "IPv6" };
        let prefix = match prefix_text {
            None => max,
            Some("") => return Err(format!("'{text}': missing prefix length after '/'")),
            Some(p) => {
                if !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("'{text}': prefix length '{p}' is not a number"));
                }
                match p.parse::<u8>() {
                    Ok(n) if n <= max => n,
                    _ => {
                        return Err(format!(
                            "'{text}': prefix length {p} is too long for {family} (at most {max})"
                        ))
                    }
                }
            }
        };
        let network = match addr {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask_v4(prefix))),
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask_v6(prefix))),
        };
        if network != addr {
            return Err(format!(
                "{addr}/{prefix} has host bits set; did you mean {network}/{prefix}?"
            ));
        }
        Ok(Cidr { addr, prefix })
    }

    /// Whether `ip` lies in this network. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is
    /// checked as its IPv4 address, on both sides: `127.0.0.0/8` contains `::ffff:127.0.0.1`,
    /// and a network written as `::ffff:127.0.0.0/104` contains `127.0.0.1`. An IPv6 network
    /// that is wider than the mapped range (`::/0`, say) does not contain IPv4 addresses.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (net, prefix) = self.canonical();
        match (net, unmap(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let m = mask_v4(prefix);
                u32::from(a) & m == u32::from(n) & m
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let m = mask_v6(prefix);
                u128::from(a) & m == u128::from(n) & m
            }
            _ => false,
        }
    }

    /// This network with an IPv6 network inside `::ffff:0:0/96` rewritten as the IPv4
    /// network it maps.
    fn canonical(&self) -> (IpAddr, u8) {
        match self.addr {
            IpAddr::V6(v6) if self.prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), self.prefix - 96),
                None => (self.addr, self.prefix),
            },
            _ => (self.addr, self.prefix),
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Cidr, String> {
        Cidr::parse(text)
    }
}

/// Whether the top `prefix` bits of `a` equal those of `net`.
fn in_v4(a: u32, net: [u8; 4], prefix: u8) -> bool {
    let m = mask_v4(prefix);
    a & m == u32::from_be_bytes(net) & m
}

/// Whether the top `prefix` bits of `a` equal those of `net`.
fn in_v6(a: u128, net: [u16; 8], prefix: u8) -> bool {
    let m = mask_v6(prefix);
    let n = u128::from(Ipv6Addr::new(
        net[0], net[1], net[2], net[3], net[4], net[5], net[6], net[7],
    ));
    a & m == n & m
}

/// Special-purpose IPv4 ranges, most specific first where they overlap.
const V4_RANGES: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 32, "unspecified"),
    ([255, 255, 255, 255], 32, "broadcast"),
    ([0, 0, 0, 0], 8, "this-network"),
    ([127, 0, 0, 0], 8, "loopback"),
    ([10, 0, 0, 0], 8, "private"),
    ([172, 16, 0, 0], 12, "private"),
    ([192, 168, 0, 0], 16, "private"),
    ([100, 64, 0, 0], 10, "shared (CGNAT)"),
    ([169, 254, 0, 0], 16, "link-local"),
    ([192, 0, 0, 0], 24, "IETF protocol assignment"),
    ([192, 0, 2, 0], 24, "documentation"),
    ([198, 51, 100, 0], 24, "documentation"),
    ([203, 0, 113, 0], 24, "documentation"),
    ([198, 18, 0, 0], 15, "benchmarking"),
    ([192, 88, 99, 0], 24, "reserved"), // deprecated 6to4 relay anycast
    ([224, 0, 0, 0], 4, "multicast"),
    ([240, 0, 0, 0], 4, "reserved"),
];

/// Why an IPv4 address is not public, or None.
fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let a = u32::from(ip);
    V4_RANGES
        .iter()
        .find(|(net, prefix, _)| in_v4(a, *net, *prefix))
        .map(|(_, _, reason)| *reason)
}

/// The IPv4 address in the low 32 bits of `a`.
fn low_v4(a: u128) -> Ipv4Addr {
    Ipv4Addr::from((a & 0xffff_ffff) as u32)
}

/// Why an IPv6 address is not public, or None.
fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let a = u128::from(ip);
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // Forms that carry an IPv4 address: judge the IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(v4); // ::ffff:0:0/96
    }
    if in_v6(a, [0; 8], 96) {
        return v4_reason(low_v4(a)); // ::/96, IPv4-compatible (deprecated)
    }
    if in_v6(a, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96) {
        return v4_reason(low_v4(a)); // NAT64 well-known prefix
    }
    if in_v6(a, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        return v4_reason(Ipv4Addr::from((a >> 80) as u32)); // 6to4: bits 16..48
    }
    const V6_RANGES: &[([u16; 8], u8, &str)] = &[
        ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, "local-use NAT64"),
        ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only"),
        ([0x2001, 0x2, 0, 0, 0, 0, 0, 0], 48, "benchmarking"),
        (
            [0x2001, 0, 0, 0, 0, 0, 0, 0],
            23,
            "IETF protocol assignment",
        ),
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, "documentation"),
        ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "documentation"),
        ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "unique-local"),
        ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "link-local"),
        ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "site-local (deprecated)"),
        ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast"),
    ];
    if let Some((_, _, reason)) = V6_RANGES
        .iter()
        .find(|(net, prefix, _)| in_v6(a, *net, *prefix))
    {
        return Some(reason);
    }
    // Only 2000::/3 is allocated for global unicast; the rest is reserved by the IETF.
    if !in_v6(a, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
        return Some("reserved");
    }
    None
}

/// Why an address is not public, or None if it is a public unicast address.
pub fn non_public_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

/// "a" or "an" before `word`, as spoken ("an unspecified", "a unique-local", "an IETF").
fn article(word: &str) -> &'static str {
    let lower = word.to_ascii_lowercase();
    if lower.starts_with("uni") || lower.starts_with("use") {
        "a"
    } else if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The policy: public addresses pass; others pass only inside an allowed network.
#[derive(Debug, Clone, Default)]
pub struct NetworkPolicy {
    pub allowed: Vec<Cidr>,
}

impl NetworkPolicy {
    /// Ok(()) or Err("127.0.0.1 is a loopback address; targets must be public (an operator can allow it with --allow-target-network)").
    pub fn check(&self, ip: IpAddr) -> Result<(), String> {
        let Some(reason) = non_public_reason(ip) else {
            return Ok(());
        };
        if self.allowed.iter().any(|net| net.contains(ip)) {
            return Ok(());
        }
        Err(format!(
            "{ip} is {} {reason} address; targets must be public \
             (an operator can allow it with --allow-target-network)",
            article(reason)
        ))
    }

    /// Parse a comma-separated list (the HERALD_ALLOW_TARGET_NETWORKS form); empty string = none.
    /// Spaces around entries and empty entries (`"a,,b,"`) are ignored.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Cidr::parse)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse()
            .unwrap_or_else(|_| panic!("bad test address {text}"))
    }

    fn cidr(text: &str) -> Cidr {
        Cidr::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    // --- classification ---

    #[test]
    fn public_addresses() {
        for a in [
            "8.8.8.8",
            "1.1.1.1",
            "9.9.9.9",
            "93.184.216.34",
            "1.0.0.0",
            "223.255.255.255",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "192.0.3.1",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "198.51.99.1",
            "203.0.112.1",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001:80b::200e",
            "2001:200::1",
            "2001:db9::1",
            "2400:cb00::1",
            "3ffe::1",
            "::ffff:8.8.8.8",
            "::8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(non_public_reason(ip(a)), None, "{a} should be public");
        }
    }

    #[test]
    fn non_public_addresses() {
        let table = [
            // IPv4
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "this-network"),
            ("0.255.255.255", "this-network"),
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "shared (CGNAT)"),
            ("100.127.255.255", "shared (CGNAT)"),
            ("169.254.0.1", "link-local"),
            ("169.254.169.254", "link-local"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.254", "reserved"),
            ("192.0.2.1", "documentation"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.200", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("192.0.0.8", "IETF protocol assignment"),
            ("192.0.0.170", "IETF protocol assignment"),
            ("192.88.99.1", "reserved"),
            // IPv6
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("febf:ffff::1", "link-local"),
            ("fec0::1", "site-local (deprecated)"),
            ("fc00::1", "unique-local"),
            ("fd12:3456:789a::1", "unique-local"),
            ("ff02::1", "multicast"),
            ("ff0e::fb", "multicast"),
            ("2001:db8::1", "documentation"),
            ("2001:db8:ffff:ffff::1", "documentation"),
            ("3fff::1", "documentation"),
            ("2001:2::1", "benchmarking"),
            ("2001::1", "IETF protocol assignment"),
            ("100::1", "discard-only"),
            ("64:ff9b:1::1", "local-use NAT64"),
            ("4000::1", "reserved"),
            ("1::1", "reserved"),
            ("5f00::1", "reserved"),
            // IPv4-mapped: the embedded IPv4 decides
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:0.0.0.0", "unspecified"),
            ("::ffff:7f00:1", "loopback"),
            // IPv4-compatible (deprecated)
            ("::127.0.0.1", "loopback"),
            ("::192.168.0.1", "private"),
            ("::0.0.0.2", "this-network"),
            // NAT64
            ("64:ff9b::127.0.0.1", "loopback"),
            ("64:ff9b::a00:1", "private"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            // 6to4: IPv4 in bits 16..48
            ("2002:7f00:1::", "loopback"),
            ("2002:7f00:1:abcd::1", "loopback"),
            ("2002:c0a8:101::1", "private"),
            ("2002:a9fe:a9fe::1", "link-local"),
            ("2002::1", "unspecified"),
        ];
        for (a, want) in table {
            assert_eq!(non_public_reason(ip(a)), Some(want), "{a}");
        }
    }

    // --- CIDR parsing ---

    #[test]
    fn cidr_parse_good() {
        let table = [
            ("127.0.0.0/8", "127.0.0.0/8"),
            ("10.1.2.3", "10.1.2.3/32"),
            ("10.1.2.3/32", "10.1.2.3/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("::1/128", "::1/128"),
            ("::1", "::1/128"),
            ("::/0", "::/0"),
            ("fd00::/8", "fd00::/8"),
            ("2001:DB8::/32", "2001:db8::/32"),
            (" 192.168.0.0/16 ", "192.168.0.0/16"),
            ("::ffff:127.0.0.0/104", "::ffff:127.0.0.0/104"),
        ];
        for (text, shown) in table {
            let c = cidr(text);
            assert_eq!(c.to_string(), shown, "{text}");
            assert_eq!(shown.parse::<Cidr>().unwrap(), c, "FromStr {shown}");
        }
    }

    #[test]
    fn cidr_parse_errors() {
        let table = [
            ("", "empty network"),
            ("   ", "empty network"),
            ("garbage", "'garbage' is not an IP address"),
            ("10.0.0/8", "'10.0.0' is not an IP address"),
            ("256.0.0.0/8", "is not an IP address"),
            ("example.com/24", "is not an IP address"),
            ("fe80::1%eth0/64", "is not an IP address"),
            ("10.0.0.0/", "missing prefix length"),
            ("10.0.0.0/x", "prefix length 'x' is not a number"),
            ("10.0.0.0/-1", "is not a number"),
            ("10.0.0.0/+8", "is not a number"),
            ("10.0.0.0/8/8", "is not a number"),
            (
                "10.0.0.0/33",
                "prefix length 33 is too long for IPv4 (at most 32)",
            ),
            ("10.0.0.0/300", "too long for IPv4"),
            (
                "::/129",
                "prefix length 129 is too long for IPv6 (at most 128)",
            ),
            ("::/99999999999999999999", "too long for IPv6"),
        ];
        for (text, want) in table {
            let err = Cidr::parse(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: got {err:?}, want {want:?}");
        }
    }

    #[test]
    fn cidr_host_bits() {
        assert_eq!(
            Cidr::parse("10.0.0.1/8").unwrap_err(),
            "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?"
        );
        assert_eq!(
            Cidr::parse("192.168.1.77/24").unwrap_err(),
            "192.168.1.77/24 has host bits set; did you mean 192.168.1.0/24?"
        );
        assert_eq!(
            Cidr::parse("fd00::1/8").unwrap_err(),
            "fd00::1/8 has host bits set; did you mean fd00::/8?"
        );
        assert_eq!(
            Cidr::parse("1.2.3.4/0").unwrap_err(),
            "1.2.3.4/0 has host bits set; did you mean 0.0.0.0/0?"
        );
    }

    #[test]
    fn contains_v4() {
        let c = cidr("127.0.0.0/8");
        assert!(c.contains(ip("127.0.0.1")));
        assert!(c.contains(ip("127.255.255.255")));
        assert!(!c.contains(ip("128.0.0.0")));
        assert!(!c.contains(ip("126.255.255.255")));
        assert!(!c.contains(ip("::1")));
        let c = cidr("172.16.0.0/12");
        assert!(c.contains(ip("172.31.0.1")));
        assert!(!c.contains(ip("172.32.0.1")));
        let one = cidr("10.1.2.3");
        assert!(one.contains(ip("10.1.2.3")));
        assert!(!one.contains(ip("10.1.2.4")));
        let all = cidr("0.0.0.0/0");
        assert!(all.contains(ip("8.8.8.8")));
        assert!(!all.contains(ip("2001:db8::1")));
    }

    #[test]
    fn contains_v6() {
        let c = cidr("fd00::/8");
        assert!(c.contains(ip("fd12::1")));
        assert!(!c.contains(ip("fc00::1")));
        assert!(!c.contains(ip("10.0.0.1")));
        let lo = cidr("::1/128");
        assert!(lo.contains(ip("::1")));
        assert!(!lo.contains(ip("::2")));
        assert!(!lo.contains(ip("127.0.0.1")));
        let all = cidr("::/0");
        assert!(all.contains(ip("2606:4700::1")));
        // The whole IPv6 space does not swallow IPv4, mapped or not.
        assert!(!all.contains(ip("127.0.0.1")));
        assert!(!all.contains(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn contains_mapped() {
        let c = cidr("127.0.0.0/8");
        assert!(c.contains(ip("::ffff:127.0.0.1")));
        assert!(!c.contains(ip("::ffff:10.0.0.1")));
        // IPv4-compatible is not IPv4-mapped.
        assert!(!c.contains(ip("::127.0.0.1")));
        let mapped = cidr("::ffff:127.0.0.0/104");
        assert!(mapped.contains(ip("127.0.0.1")));
        assert!(mapped.contains(ip("::ffff:127.0.0.1")));
        assert!(!mapped.contains(ip("10.0.0.1")));
        let mapped_all = cidr("::ffff:0:0/96");
        assert!(mapped_all.contains(ip("8.8.8.8")));
        assert!(!mapped_all.contains(ip("2001:db8::1")));
    }

    // --- policy ---

    #[test]
    fn policy_default_refuses_non_public() {
        let p = NetworkPolicy::default();
        assert_eq!(p.check(ip("8.8.8.8")), Ok(()));
        assert_eq!(p.check(ip("2606:4700:4700::1111")), Ok(()));
        assert_eq!(
            p.check(ip("127.0.0.1")).unwrap_err(),
            "127.0.0.1 is a loopback address; targets must be public \
             (an operator can allow it with --allow-target-network)"
        );
        assert!(p
            .check(ip("169.254.169.254"))
            .unwrap_err()
            .starts_with("169.254.169.254 is a link-local address;"));
        assert!(p
            .check(ip("::ffff:127.0.0.1"))
            .unwrap_err()
            .starts_with("::ffff:127.0.0.1 is a loopback address;"));
        assert!(p
            .check(ip("0.0.0.0"))
            .unwrap_err()
            .starts_with("0.0.0.0 is an unspecified address;"));
        assert!(p
            .check(ip("fd00::1"))
            .unwrap_err()
            .starts_with("fd00::1 is a unique-local address;"));
        assert!(p
            .check(ip("192.0.0.1"))
            .unwrap_err()
            .starts_with("192.0.0.1 is an IETF protocol assignment address;"));
        assert!(p
            .check(ip("100.64.0.1"))
            .unwrap_err()
            .starts_with("100.64.0.1 is a shared (CGNAT) address;"));
    }

    #[test]
    fn policy_allow_list() {
        let p = NetworkPolicy {
            allowed: vec![cidr("127.0.0.0/8")],
        };
        assert_eq!(p.check(ip("127.0.0.1")), Ok(()));
        assert_eq!(p.check(ip("::ffff:127.0.0.1")), Ok(()));
        assert_eq!(p.check(ip("8.8.8.8")), Ok(()));
        assert!(p.check(ip("10.0.0.1")).is_err());
        assert!(p.check(ip("::1")).is_err());
        assert!(p.check(ip("169.254.169.254")).is_err());

        let p = NetworkPolicy {
            allowed: NetworkPolicy::parse_list("10.0.0.0/8, fd00::/8, ::1").unwrap(),
        };
        assert_eq!(p.check(ip("10.9.8.7")), Ok(()));
        assert_eq!(p.check(ip("fd00::5")), Ok(()));
        assert_eq!(p.check(ip("::1")), Ok(()));
        assert!(p.check(ip("127.0.0.1")).is_err());
        assert!(p.check(ip("192.168.0.1")).is_err());
        assert!(p.check(ip("fc00::1")).is_err());
    }

    #[test]
    fn parse_list_forms() {
        assert_eq!(NetworkPolicy::parse_list(""), Ok(vec![]));
        assert_eq!(NetworkPolicy::parse_list("  "), Ok(vec![]));
        assert_eq!(NetworkPolicy::parse_list(" , ,"), Ok(vec![]));
        assert_eq!(
            NetworkPolicy::parse_list("127.0.0.0/8"),
            Ok(vec![cidr("127.0.0.0/8")])
        );
        assert_eq!(
            NetworkPolicy::parse_list(" 127.0.0.0/8 ,, 10.0.0.0/8 , ::1/128 ,"),
            Ok(vec![
                cidr("127.0.0.0/8"),
                cidr("10.0.0.0/8"),
                cidr("::1/128")
            ])
        );
        let err = NetworkPolicy::parse_list("127.0.0.0/8, 10.0.0.1/8").unwrap_err();
        assert_eq!(
            err,
            "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?"
        );
        let err = NetworkPolicy::parse_list("127.0.0.0/8,nope").unwrap_err();
        assert!(err.contains("'nope' is not an IP address"), "{err}");
    }

    #[test]
    fn article_choice() {
        assert_eq!(article("loopback"), "a");
        assert_eq!(article("unspecified"), "an");
        assert_eq!(article("unique-local"), "a");
        assert_eq!(article("IETF protocol assignment"), "an");
        assert_eq!(article("shared (CGNAT)"), "a");
    }
}
