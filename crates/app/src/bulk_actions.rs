//! Bulk actions of the workspace's lists: one command (assign, status,
//! tags) on many tickets, each through [`App::command`], so every ticket is
//! authorized and changed exactly as one API call would.

use crate::{App, AppError, Caller};
use rapport_core::{Command, TicketId};

/// The most tickets one bulk action takes (two pages of a view).
pub const MAX_BULK: usize = 100;

/// What became of a bulk action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    /// Tickets changed.
    pub done: usize,
    /// Tickets refused, with the reason.
    pub refused: Vec<(TicketId, String)>,
}

impl App {
    /// Gives each command to each ticket in turn; a ticket that refuses
    /// (not allowed, an illegal move, gone) is reported and the rest go on.
    pub async fn bulk_command(
        &self,
        caller: &Caller,
        tickets: &[TicketId],
        commands: &[Command],
    ) -> Result<BulkOutcome, AppError> {
        if tickets.is_empty() {
            return Err(AppError::invalid("ids", msg!("error.bulk.none")));
        }
        if tickets.len() > MAX_BULK {
            return Err(AppError::invalid(
                "ids",
                msg!("error.bulk.max", max = MAX_BULK),
            ));
        }
        if commands.is_empty() {
            return Err(AppError::invalid("action", msg!("error.bulk.no_action")));
        }
        let mut outcome = BulkOutcome::default();
        for id in tickets {
            let mut refused = None;
            for command in commands {
                match self.command(caller, *id, command.clone()).await {
                    Ok(_) => {}
                    Err(
                        e @ (AppError::Forbidden(_)
                        | AppError::Refused(_)
                        | AppError::Conflict(_)
                        | AppError::Invalid { .. }
                        | AppError::NotFound(_)),
                    ) => {
                        refused = Some(e.to_string());
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
            match refused {
                Some(reason) => outcome.refused.push((*id, reason)),
                None => outcome.done += 1,
            }
        }
        Ok(outcome)
    }
}
