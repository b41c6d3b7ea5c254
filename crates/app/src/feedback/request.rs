//! Whether a survey comment is a new request, read with the coach's
//! listening (`rapport_coach::listening::asks`): the customer's questions
//! and requests. A comment is a new request when it has an ask that names
//! something (not a generic "what now?") and is either a request aimed at
//! us ("can you send me the invoice", "please ...", an action) or a
//! question that is not a "why" (in feedback, "why did it take so long?"
//! is a complaint, answered by the recovery task, not a new ticket).

use rapport_coach::listening::asks;

/// The asks of a comment that make it a new request (`None`: it is not one).
pub fn new_request(comment: &str) -> Option<Vec<String>> {
    let found: Vec<String> = asks(comment)
        .into_iter()
        .filter(|ask| !ask.generic && !ask.subject.is_empty())
        .filter(|ask| ask.action.is_some() || ask.kind != "why")
        .map(|ask| ask.text)
        .collect();
    (!found.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_requests_are_new_requests_praise_and_complaints_are_not() {
        assert!(new_request("Can you also send me the invoice for order 5521?").is_some());
        assert!(new_request("Great help, thanks. How do I change my delivery address?").is_some());
        assert!(new_request("Quick and friendly, thank you!").is_none());
        assert!(new_request("Why did it take three weeks?").is_none());
        assert!(new_request("It took far too long and nobody called back.").is_none());
    }
}
