//! The link to a ticket in each mail we send its customer:
//! `<base>/portal/t/<ticket>-<customer>-<expires>-<mac>`, the MAC an
//! HMAC-SHA256 of all three under the installation's secret (the one that
//! signs reply addresses). Nothing is stored: a changed number or MAC is
//! refused, and so is a link past its time (`[security] ticket_link_days`).
//!
//! Opening it signs the customer in to the portal (a customer session,
//! never an agent's) and shows that ticket. It is bound to the ticket and
//! to its customer: a ticket that no longer belongs to that customer is
//! refused as a forged link.

use crate::signed::{mac_hex, same};
use crate::web_sessions::NewWebSession;
use crate::{App, AppError};
use rapport_core::{CustomerId, TicketId, Timestamp};

/// Where ticket links point, under the public base URL.
pub const LINK_PATH: &str = "/portal/t/";

/// What a ticket link's token says, read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    /// Ours, in time: this customer's ticket.
    Valid(TicketId, CustomerId),
    /// Ours, but past its time.
    Expired,
    /// Not ours: a changed number or MAC, or not a token at all.
    Forged,
}

fn mac(secret: &[u8], ticket: TicketId, customer: CustomerId, expires: i64) -> String {
    mac_hex(
        secret,
        &format!("rapport-ticket-link:{}:{}:{expires}", ticket.0, customer.0),
    )
}

/// The token of a link to `ticket` for `customer`, working until `expires`
/// (seconds since the epoch).
fn token(secret: &[u8], ticket: TicketId, customer: CustomerId, expires: i64) -> String {
    format!(
        "{}-{}-{expires}-{}",
        ticket.0,
        customer.0,
        mac(secret, ticket, customer, expires)
    )
}

/// Reads and checks a token as of `now` (seconds since the epoch).
fn check(secret: &[u8], token: &str, now: i64) -> Checked {
    let mut parts = token.splitn(4, '-');
    let number = |part: Option<&str>| part.and_then(|p| p.parse::<i64>().ok()).filter(|n| *n > 0);
    let (Some(ticket), Some(customer), Some(expires), Some(given)) = (
        number(parts.next()),
        number(parts.next()),
        number(parts.next()),
        parts.next(),
    ) else {
        return Checked::Forged;
    };
    let (ticket, customer) = (TicketId(ticket), CustomerId(customer));
    if !same(given, &mac(secret, ticket, customer, expires)) {
        Checked::Forged
    } else if expires <= now {
        Checked::Expired
    } else {
        Checked::Valid(ticket, customer)
    }
}

/// What opening a ticket link comes to.
#[derive(Debug, Clone)]
pub enum TicketLinkOutcome {
    /// Show this ticket; a new customer session when the browser holds
    /// none of this customer's.
    Open {
        /// The ticket to show.
        ticket: TicketId,
        /// The session to set, if one was opened.
        session: Option<NewWebSession>,
    },
    /// The link is past its time: offer a new sign-in link.
    Expired,
    /// The link is not one of ours (changed, or for a ticket no longer
    /// this customer's): offer a new sign-in link.
    Refused,
}

impl App {
    /// The link to `ticket` for its customer, for a mail sent now.
    pub(crate) async fn ticket_link(
        &self,
        ticket: TicketId,
        customer: CustomerId,
    ) -> Result<String, AppError> {
        let secret = self.reply_secret().await?;
        let days = self.config().security.ticket_link_days;
        let expires = Timestamp::now().plus_seconds(days * 86_400).0 / 1_000_000;
        Ok(format!(
            "{}{LINK_PATH}{}",
            self.config().public_base_url.trim_end_matches('/'),
            token(secret, ticket, customer, expires)
        ))
    }

    /// Opens a ticket link. `signed_in` is the customer whose portal
    /// session the browser already holds, if any: when it is the link's
    /// customer no new session is opened.
    pub async fn open_ticket_link(
        &self,
        token: &str,
        signed_in: Option<CustomerId>,
    ) -> Result<TicketLinkOutcome, AppError> {
        let secret = self.reply_secret().await?;
        let (ticket, customer) = match check(secret, token, Timestamp::now().0 / 1_000_000) {
            Checked::Valid(ticket, customer) => (ticket, customer),
            Checked::Expired => return Ok(TicketLinkOutcome::Expired),
            Checked::Forged => return Ok(TicketLinkOutcome::Refused),
        };
        match self.own_ticket(customer, ticket).await {
            Ok(_) => {}
            Err(AppError::NotFound(_)) => return Ok(TicketLinkOutcome::Refused),
            Err(e) => return Err(e),
        }
        let session = if signed_in == Some(customer) {
            None
        } else {
            Some(self.open_customer_session(customer).await?)
        };
        tracing::debug!(
            ticket = ticket.0,
            customer = customer.0,
            "portal: a ticket link opened"
        );
        Ok(TicketLinkOutcome::Open { ticket, session })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"installation secret";

    #[test]
    fn a_link_is_bound_to_its_ticket_customer_and_time() {
        let good = token(SECRET, TicketId(42), CustomerId(7), 2_000);
        assert_eq!(
            check(SECRET, &good, 1_000),
            Checked::Valid(TicketId(42), CustomerId(7))
        );
        assert_eq!(check(SECRET, &good, 2_000), Checked::Expired);
        let mac = good.rsplit('-').next().unwrap_or_default();
        for changed in [
            format!("43-7-2000-{mac}"),
            format!("42-8-2000-{mac}"),
            format!("42-7-9000-{mac}"),
        ] {
            assert_eq!(check(SECRET, &changed, 1_000), Checked::Forged, "{changed}");
        }
        let other = token(b"another secret", TicketId(42), CustomerId(7), 2_000);
        assert_eq!(check(SECRET, &other, 1_000), Checked::Forged);
        for junk in ["", "42", "42-7-2000", "-42-7-2000-abc", "42-7-2000-"] {
            assert_eq!(check(SECRET, junk, 1_000), Checked::Forged, "{junk:?}");
        }
    }
}
