//! Feedback that closes the loop: the satisfaction survey of a solved
//! ticket (a durable job, due after a delay in the ticket's business time),
//! its signed link and answers (`survey.rs`, `answer.rs`, `link.rs`),
//! recovery tasks for a lead after a low rating or a negative review
//! (`recovery.rs`), comments that are new requests (`request.rs`), and
//! public reviews imported as tickets (`reviews.rs`, `csv.rs`).

mod answer;
mod csv;
mod link;
mod recovery;
pub mod request;
pub mod reviews;
mod survey;

pub use answer::{SurveyAnswer, SurveyQuestion, SurveyState};
pub use recovery::RecoveryBoard;
pub use reviews::{ReviewOutcome, ReviewReport, ReviewRow, parse_reviews};
pub(crate) use survey::ReadySurvey;
pub use survey::survey_due;
