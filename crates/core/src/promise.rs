//! Promises made to customers in replies: what was promised, by when, and
//! whether it was kept.

use crate::ids::PromiseId;
use crate::str_enum;
use crate::time::Timestamp;

/// Where a promise to a customer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromiseStatus {
    /// Made; its due time has not passed and nobody marked it done.
    Open,
    /// Done: the owner said so, the ticket was solved, or a reply fulfilled it.
    Kept,
    /// Its due time passed while it was open.
    Broken,
    /// The sender (or the owner) said it is not a promise after all.
    Dropped,
}

str_enum!(PromiseStatus {
    PromiseStatus::Open => "open",
    PromiseStatus::Kept => "kept",
    PromiseStatus::Broken => "broken",
    PromiseStatus::Dropped => "dropped",
});

/// What the sender of a reply decides about one promise the coach found in
/// it (by its position in the coach's list for that draft).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseChoice {
    /// Record it with the due time the coach read from the sentence.
    Confirm,
    /// Record it with this due time instead (also for a vague promise).
    DueAt(Timestamp),
    /// Do not record it.
    Drop,
}

/// How a promise's life ended, for its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    /// Which promise.
    pub promise: PromiseId,
    /// Kept (and whether before its due time), broken or dropped.
    pub status: PromiseStatus,
    /// When.
    pub at: Timestamp,
    /// Its due time.
    pub due_at: Timestamp,
}

impl Settled {
    /// Whether a kept promise was kept by its due time.
    pub fn on_time(&self) -> bool {
        self.status == PromiseStatus::Kept && self.at <= self.due_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_on_time_means_by_the_due_time() {
        let due = Timestamp(1_000);
        let kept = |at| Settled {
            promise: PromiseId(1),
            status: PromiseStatus::Kept,
            at: Timestamp(at),
            due_at: due,
        };
        assert!(kept(1_000).on_time());
        assert!(!kept(1_001).on_time());
        let broken = Settled {
            status: PromiseStatus::Broken,
            ..kept(10)
        };
        assert!(!broken.on_time());
        assert_eq!("broken".parse::<PromiseStatus>(), Ok(PromiseStatus::Broken));
    }
}
