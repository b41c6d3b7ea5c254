//! A customer's answer from the portal, as a help desk takes it: added to
//! their ticket, which opens again when it was solved; on a closed ticket
//! (final) it starts a follow-up ticket linked to the old one both ways by
//! notes, in the old ticket's team. Either way the work is back on someone's
//! desk, so the ticket's owner is told (a notification, in the answer's
//! transaction).

use crate::i18n::Lang;
use crate::tickets::{NewTicket, message_events};
use crate::{App, AppError};
use rapport_core::{
    Actor, AuthorKind, CustomerId, EventKind, MessageKind, Priority, Status, Ticket, TicketId,
};
use rapport_store::{NewMessage, NotificationKind, TeamState, WriteTx};

/// The tag a follow-up of a closed ticket carries.
pub const FOLLOW_UP_TAG: &str = "follow-up";

/// What became of a customer's answer in the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalAnswer {
    /// Added to the ticket, which was still being worked on.
    Added(TicketId),
    /// Added to a solved ticket, which is open again.
    Reopened(TicketId),
    /// The ticket was closed: a new ticket continues it.
    FollowUp {
        /// The new ticket, with the answer as its first message.
        ticket: TicketId,
        /// The closed ticket the customer answered on.
        previous: TicketId,
    },
}

impl PortalAnswer {
    /// The ticket that holds the answer now.
    pub fn ticket(self) -> TicketId {
        match self {
            Self::Added(id) | Self::Reopened(id) | Self::FollowUp { ticket: id, .. } => id,
        }
    }
}

impl App {
    /// The customer answers on one of their tickets (anyone else's is not
    /// found): see the module's text for what becomes of the answer.
    pub async fn portal_reply(
        &self,
        customer: CustomerId,
        id: TicketId,
        text: &str,
        files: Vec<crate::portal_files::PortalFile>,
        lang: Lang,
    ) -> Result<PortalAnswer, AppError> {
        self.own_ticket(customer, id).await?;
        self.note_customer_lang(customer, lang).await?;
        let text = crate::tickets::body(text)?;
        let files = self.store_portal_files(files).await?;
        let message = NewMessage::from_customer(customer, text);
        self.sla_rules().await?;
        let mut tx = self.store().begin_write().await?;
        // Read again under the lock: closed meanwhile is decided here.
        let ticket = tx
            .ticket_locked(id)
            .await?
            .filter(|t| t.customer_id == customer)
            .ok_or(AppError::NotFound("ticket"))?;
        let (answer, message_id) = if ticket.status == Status::Closed {
            self.follow_up(&mut tx, &ticket, message).await?
        } else {
            let actor = Actor::Customer(customer);
            let mut change = tx
                .change_locked(ticket, actor, Some(message), move |t, m| {
                    message_events(t, m, MessageKind::Public, AuthorKind::Customer, actor)
                })
                .await?;
            crate::teams::reroute_reopened(&mut tx, &mut change).await?;
            let reopened = tell_owner_if_reopened(&mut tx, &change).await?;
            let answer = if reopened {
                PortalAnswer::Reopened(id)
            } else {
                PortalAnswer::Added(id)
            };
            (answer, change.message.as_ref().map(|m| m.id))
        };
        if let Some(message) = message_id {
            tx.add_attachments(answer.ticket(), message, &files).await?;
        }
        tx.commit().await?;
        Ok(answer)
    }

    /// Opens the ticket that continues a closed one with the customer's
    /// answer, links the two by notes and tells the closed one's owner.
    async fn follow_up(
        &self,
        tx: &mut WriteTx,
        closed: &Ticket,
        first: NewMessage,
    ) -> Result<(PortalAnswer, Option<rapport_core::MessageId>), AppError> {
        let actor = Actor::Customer(closed.customer_id);
        // A team deleted (archived) since takes no tickets: the general queue does.
        let team_id = match closed.team_id {
            Some(team) if tx.lock_team(team).await? == TeamState::Open => Some(team),
            _ => None,
        };
        let opening = NewTicket {
            subject: closed.subject.clone(),
            customer_id: closed.customer_id,
            channel: rapport_core::Channel::Portal,
            priority: Priority::Normal,
            team_id,
            tags: vec![FOLLOW_UP_TAG.into()],
        }
        .decide(Some(&first), actor)?;
        let created = tx.create_ticket(opening, actor, Some(first)).await?;
        let new_id = created.ticket.id;
        let lang = Lang::default();
        let (old, new) = (closed.id.to_string(), new_id.to_string());
        self.note_in(
            tx,
            new_id,
            &lang.fill("system.follow_up.new", &[("previous", old.as_str())]),
        )
        .await?;
        self.note_in(
            tx,
            closed.id,
            &lang.fill("system.follow_up.old", &[("ticket", new.as_str())]),
        )
        .await?;
        if let Some(owner) = closed.owner_id {
            let words = msg!(
                "notification.follow_up",
                ticket = new_id,
                previous = closed.id,
                subject = closed.subject
            );
            tx.notify(&[crate::notices::note(
                owner,
                Some(new_id),
                NotificationKind::CustomerAnswered,
                &words,
            )])
            .await?;
        }
        let answer = PortalAnswer::FollowUp {
            ticket: new_id,
            previous: closed.id,
        };
        Ok((answer, created.message.as_ref().map(|m| m.id)))
    }
}

/// When a customer's answer reopened a solved ticket, tells its owner (in
/// the answer's transaction); whether it reopened. Mail and portal both.
pub(crate) async fn tell_owner_if_reopened(
    tx: &mut WriteTx,
    change: &rapport_store::TicketChange,
) -> Result<bool, AppError> {
    let reopened = change.events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::StatusChanged {
                from: Status::Solved,
                ..
            }
        )
    });
    if reopened && let Some(owner) = change.ticket.owner_id {
        let id = change.ticket.id;
        let words = msg!(
            "notification.reopened",
            ticket = id,
            subject = change.ticket.subject
        );
        tx.notify(&[crate::notices::note(
            owner,
            Some(id),
            NotificationKind::CustomerAnswered,
            &words,
        )])
        .await?;
    }
    Ok(reopened)
}
