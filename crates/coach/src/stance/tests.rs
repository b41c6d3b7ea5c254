//! Tests of the stance checks.

use super::check;
use crate::Check;

fn checks(draft: &str) -> Vec<Check> {
    let mut f = Vec::new();
    check(draft, crate::apology::apologises(draft), &mut f);
    f.into_iter().map(|f| f.check).collect()
}

#[test]
fn records_against_the_customer_are_arguing_unless_we_look_again() {
    assert_eq!(
        checks("Hi Jo, our system shows no request from you, so the fee applies. Best, Al"),
        [Check::Arguing]
    );
    assert!(
        checks("Hi Jo, our system shows no request, which doesn't match what you sent, so I'm checking. Best, Al")
            .is_empty()
    );
}

#[test]
fn the_customer_as_the_cause_is_blame() {
    assert_eq!(
        checks("Hi Jo, you ticked express at checkout, which is why it cost more. Best, Al"),
        [Check::Blame]
    );
    assert!(checks("Hi Jo, you chose express, and it ships today. Best, Al").is_empty());
}

#[test]
fn tag_questions_and_curt_replies_are_rude() {
    assert_eq!(
        checks("Hi Jo, the box can't pack itself, can it? Best, Al"),
        [Check::Rude]
    );
    assert_eq!(checks("See the FAQ."), [Check::Rude]);
    assert!(checks("Thanks, it's fixed now!").is_empty());
}

#[test]
fn structure_finds_blame_and_arguing_in_other_words() {
    let has = |draft: &str, check: Check| checks(draft).contains(&check);
    assert!(has(
        "Had you packed it in a box, it would have survived.",
        Check::Blame
    ));
    assert!(has(
        "Perhaps you misheard the price on the phone.",
        Check::Blame
    ));
    assert!(!has(
        "Perhaps we could swap it for the larger size.",
        Check::Blame
    ));
    assert!(has(
        "Read the guide we sent before writing in again.",
        Check::Blame
    ));
    assert!(!has(
        "Check with your neighbours before we resend it.",
        Check::Blame
    ));
    assert!(has("The fault lies with the airline.", Check::Blame));
    assert!(!has("The fault lies with us, and I'm sorry.", Check::Blame));
    assert!(has("Please contact the seller directly.", Check::Blame));
    assert!(has("The invoice is correct.", Check::Arguing));
    assert!(has(
        "You say it broke, but our notes show it worked.",
        Check::Arguing
    ));
    assert!(has("It was one night, not two.", Check::Arguing));
    assert!(has(
        "Our call centre notes show that you agreed.",
        Check::Arguing
    ));
}

#[test]
fn a_careless_act_guessed_or_the_job_sent_to_a_bank_is_blame() {
    let has = |draft: &str| checks(draft).contains(&Check::Blame);
    assert!(has("Did you overfill it?"));
    assert!(has("Were you overloading the drill?"));
    assert!(!has("Did you update the app yesterday?"));
    assert!(has("Maybe your router had a fault of its own."));
    assert!(!has("Perhaps the meter has a fault; it's ours to fix."));
    assert!(has("Please speak to your bank about the charge."));
    assert!(!has("Your bank may take 3 days to show the refund."));
}

#[test]
fn where_our_email_lands_is_no_lecture() {
    assert!(checks("Keep an eye on your spam folder for the tickets.").is_empty());
    assert!(!checks("Perhaps keep an eye on your balance, then.").is_empty());
}
