//! Signed values in links: an HMAC-SHA256 under the installation's secret,
//! cut to 128 bits of hex, and a comparison that takes the same time
//! wherever the first difference is.

use hmac::{KeyInit, Mac};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Hex digits of a MAC kept in a link (128 bits).
const MAC_HEX: usize = 32;

/// The MAC of `message` under `secret`, as hex.
pub(crate) fn mac_hex(secret: &[u8], message: &str) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    let mut hex = rapport_core::hex::encode(&mac.finalize().into_bytes());
    hex.truncate(MAC_HEX);
    hex
}

/// Whether a given MAC is the expected one (in constant time).
pub(crate) fn same(given: &str, expected: &str) -> bool {
    !expected.is_empty()
        && given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}
