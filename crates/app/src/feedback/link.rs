//! The survey link: `<base>/survey/<ticket>-<mac>`, the MAC an HMAC-SHA256
//! of the ticket under the installation's secret. Nothing secret is stored;
//! a changed ticket number or MAC is refused. How long it works is the
//! survey row's business (`surveys.expires_at`).

use crate::signed::{mac_hex, same};
use rapport_core::TicketId;

fn mac(secret: &[u8], ticket: TicketId) -> String {
    mac_hex(secret, &format!("rapport-survey:{}", ticket.0))
}

/// The token of a ticket's survey link.
pub(crate) fn token(secret: &[u8], ticket: TicketId) -> String {
    format!("{}-{}", ticket.0, mac(secret, ticket))
}

/// The ticket a token names, if its MAC is right.
pub(crate) fn verify(secret: &[u8], token: &str) -> Option<TicketId> {
    let (number, given) = token.split_once('-')?;
    let ticket = TicketId(number.parse().ok().filter(|n: &i64| *n > 0)?);
    same(given, &mac(secret, ticket)).then_some(ticket)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_verifies_and_any_change_is_refused() {
        let secret = b"installation secret";
        let good = token(secret, TicketId(42));
        assert_eq!(verify(secret, &good), Some(TicketId(42)));
        let (_, mac) = good.split_once('-').unwrap_or_default();
        assert_eq!(verify(secret, &format!("43-{mac}")), None);
        let mut flipped = good.clone();
        let last = flipped
            .pop()
            .map_or('0', |c| if c == '0' { '1' } else { '0' });
        flipped.push(last);
        assert_eq!(verify(secret, &flipped), None);
        assert_eq!(verify(b"another secret", &good), None);
        assert_eq!(verify(secret, "42"), None);
        assert_eq!(verify(secret, "-1-abc"), None);
    }
}
