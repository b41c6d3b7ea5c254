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

#[test]
fn the_customer_in_a_clause_about_a_thing_or_a_purpose_is_no_cause() {
    let blame = |draft: &str| checks(draft).contains(&Check::Blame);
    assert!(!blame(
        "The voucher you entered was applied twice by our system, so I've refunded it."
    ));
    assert!(!blame(
        "I've rebilled it today, so you won't pay for the estimate."
    ));
    assert!(blame(
        "You entered the voucher twice, so it was applied twice."
    ));
    // A comma ends the noun phrase: the customer is the subject again.
    assert!(blame(
        "Looking at your order, you chose the large size, so that is what was sent."
    ));
}

#[test]
fn a_buck_with_the_cost_lifted_damage_covered_and_a_hedged_step_are_no_blame() {
    let has = |draft: &str, check: Check| checks(draft).contains(&check);
    assert!(!has(
        "The fee is for visits missed at the customer's end, not ours, so there is nothing to pay.",
        Check::Blame
    ));
    assert!(has(
        "The delay is the courier's fault, not ours.",
        Check::Blame
    ));
    assert!(!has(
        "Water damage from a burst pipe is covered under your policy.",
        Check::Blame
    ));
    assert!(has(
        "Our technician found signs of water damage on the board.",
        Check::Blame
    ));
    let step = "Perhaps ask your neighbours whether anyone took it in.";
    assert!(!has(step, Check::Blame) && !has(step, Check::Rude));
    assert!(has("Maybe try sitting closer to the router?", Check::Rude));
    let watch = "Keep an eye on your letterbox for a white envelope.";
    assert!(!has(watch, Check::Blame) && !has(watch, Check::Rude));
}

#[test]
fn the_docs_pointed_to_is_blame_and_chasing_told_off_is_rude() {
    let docs = checks("Have you tried looking at the user guide?");
    assert!(docs.contains(&Check::Blame) && !docs.contains(&Check::Rude));
    assert!(checks("Emailing every hour won't get it done any faster.").contains(&Check::Rude));
    assert!(
        !checks("I've escalated it to get the engineer out any faster.").contains(&Check::Rude)
    );
    assert!(
        checks("Look at the photo before you accuse our driver of anything.")
            .contains(&Check::Rude)
    );
}
