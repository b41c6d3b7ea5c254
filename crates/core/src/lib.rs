//! The Rapport domain: what a help desk is made of, with no I/O.
//!
//! A [`Ticket`] is one customer request with exactly one owner once work
//! starts. Every change goes through the state machine in [`machine`]: a
//! [`Command`] is checked against the ticket by [`decide`], which either
//! refuses it with a [`TicketError`] or returns the [`EventKind`]s that
//! describe the change; [`apply`] folds events into the ticket. Storing the
//! events and replaying them gives the same ticket back, which is what makes
//! the append-only event log the source of every report.

pub mod calendar;
pub mod customer;
pub mod event;
pub mod feedback;
pub mod hex;
pub mod ids;
pub mod machine;
pub mod message;
pub mod promise;
pub mod report;
pub mod role;
pub mod sla;
pub mod text;
pub mod ticket;
pub mod time;

pub use calendar::{
    BusinessCalendar, CalendarError, CalendarSpec, ClosedPeriod, ClosedSpan, ClosureKind,
    DateFault, DayHours, Holiday, HolidayRule, IcalError, MAX_ICAL_EVENTS, Nth, TimeRange,
    UpcomingClosure, Weekday, WeeklyHours,
};
pub use customer::{
    CustomerChange, CustomerEvent, Identity, IdentityError, IdentityKind, MAX_IDENTITY_BYTES,
    normalize_identity,
};
pub use event::{Actor, Event, EventKind, NoteWords};
pub use feedback::{RecoveryOutcome, RecoverySource};
pub use ids::{AgentId, CustomerId, EventId, MessageId, PromiseId, TeamId, TicketId};
pub use machine::{Command, Opening, TicketError, apply, decide, replay};
pub use message::{AuthorKind, MessageKind};
pub use promise::{PromiseChoice, PromiseStatus, Settled};
pub use role::{Permission, Role, Scope, TokenKind};
pub use text::{check_text, forbidden_control};
pub use ticket::{Channel, Closure, Priority, Status, TagError, Ticket};
pub use time::Timestamp;
