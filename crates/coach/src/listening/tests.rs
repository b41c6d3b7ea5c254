//! The listening check's unit tests.

use super::*;
use crate::Medium;

fn missed(draft: &str, message: &str) -> usize {
    let mut f = Vec::new();
    check(draft, message, Medium::Mail, None, &mut f);
    f.len()
}

#[test]
fn questions_back_in_other_forms_and_conditions_inside_closed_questions() {
    let social = |draft: &str, message: &str| {
        let mut f = Vec::new();
        check(draft, message, Medium::Social, None, &mut f);
        f.len()
    };
    let message = "Why does the game keep disconnecting me from the servers?";
    assert_eq!(
        social("Please let us know which console you play on.", message),
        0
    );
    assert_eq!(
        social(
            "Just to confirm, did you try the steps here: https://x.org/a",
            message
        ),
        0
    );
    assert_eq!(social("Let us know if you need anything else.", message), 1);
    // "when I travel" is a condition; "tell me when" asks when.
    let abroad = asks("Can I still watch it when I travel abroad?");
    assert_eq!(abroad[0].kind, "what");
    let when = asks("Could you tell me when it ships?");
    assert_eq!(when[0].kind, "when");
}

#[test]
fn finds_the_asks() {
    let a = asks(
        "My parcel is late. When will it arrive, and can you refund the shipping fee? Thanks.",
    );
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0].kind, "when");
    assert_eq!(a[1].action.as_deref(), Some("refund"));
    let why = asks("My bill is 40 EUR higher this month. Why?");
    assert_eq!((why.len(), why[0].kind), (1, "why"));
    assert!(why[0].subject.contains(&"bill".to_string()));
}

#[test]
fn answered_asks_pass_and_missed_ones_are_named() {
    let message = "When will my parcel arrive? Can you refund the shipping fee?";
    assert_eq!(
        missed(
            "Hi Ann, your parcel arrives Thursday and I've refunded the shipping fee.",
            message
        ),
        0
    );
    assert_eq!(
        missed("Hi Ann, it should be with you by Thursday.", message),
        1,
        "the refund was ignored"
    );
    assert_eq!(
        missed(
            "Hi Ann, I've credited your money back.",
            "Can you refund the fee?"
        ),
        0,
        "answered in other words"
    );
    assert_eq!(
        missed("Hi Ann, thanks for writing.", "How do I change my address?"),
        1
    );
    assert_eq!(
        missed(
            "Hi Ann, go to Settings, then Profile.",
            "How do I change my e-mail?"
        ),
        0,
        "steps answer a how"
    );
}

#[test]
fn structure_answers_in_other_words() {
    let two = "Is the shop open late, and do you sell stamps?";
    assert_eq!(
        missed("Hi Ann,\n\nYes, the shop is open until nine.", two),
        1,
        "one yes, two questions"
    );
    assert_eq!(missed("Hi Ann,\n\nYes to both.", two), 0);
    assert_eq!(
        missed("Hi Ann, I've replaced the hinge.", "Can someone fix it?"),
        0,
        "a step taken answers an ask that points back"
    );
    assert_eq!(
        missed("Hi Ann, hinges are sturdy.", "Can someone fix it?"),
        1
    );
    assert_eq!(
        missed(
            "Hi Ann, that ticket can't be refunded.",
            "Could you refund my ticket?"
        ),
        0,
        "a refusal answers a request"
    );
    assert_eq!(
        missed("Hi Ann, we are on Mill Road.", "What time do you open?"),
        1,
        "what time asks when"
    );
    assert_eq!(
        missed(
            "Hi Ann, I've stopped the payments.",
            "You charged me again. Please stop."
        ),
        0,
        "a short order answered by the step"
    );
    assert_eq!(
        missed(
            "Hi Ann, we'll bring it over at 3 pm.",
            "The cake was due at noon. Where is it?"
        ),
        0,
        "'where is it?' names nothing of its own"
    );
}

#[test]
fn a_hardship_the_trouble_causes_wants_something_done_for_it() {
    let lift = "The lift has been broken since Monday. I live on floor nine and use crutches.";
    assert_eq!(
        missed("I'm sorry the lift is out. A part has been ordered.", lift),
        1
    );
    assert_eq!(
        missed("I'm sorry. An engineer comes tomorrow at 9.", lift),
        0
    );
    assert_eq!(
        missed(
            "I'm sorry. Our caretaker will carry your shopping up.",
            lift
        ),
        0
    );
    // The reply's "cooker" is not "cook".
    let cooker = "The cooker was disconnected and we can't cook for the kids.";
    assert_eq!(missed("The cooker failed its test.", cooker), 1);
    // A story that is over is a complaint to own, not a need to meet now.
    let over = "At last night's show I had to leave my wheelchair at the door.";
    assert_eq!(missed("I'm very sorry, that was wrong of us.", over), 0);
}

#[test]
fn done_is_a_thing_done_for_the_customer_not_a_check_or_a_rule() {
    let deadline = "Our visas need the certificates by 15 December or the slot is lost.";
    assert_eq!(missed("I've checked with the translator.", deadline), 1);
    assert_eq!(
        missed("Once an order has been sent, it moves.", deadline),
        1
    );
    assert_eq!(missed("Your case has been classed as urgent.", deadline), 1);
    assert_eq!(
        missed("Your certificates have been sent by courier.", deadline),
        0
    );
    let cancel = "Please cancel order 7781 before it ships tomorrow.";
    assert_eq!(missed("I've cancelled order 7781.", cancel), 0);
}

#[test]
fn nothing_i_can_do_offers_nothing_and_alone_is_a_hardship() {
    let cold = "No hot water for five days. I have asthma.";
    assert_eq!(missed("Sorry. There is nothing more I can do.", cold), 1);
    assert_eq!(missed("Sorry. I can send a heater today.", cold), 0);
    let fridge = "Your drivers left the fridge outside. We can't shift it on our own.";
    assert_eq!(missed("Sorry they left it outside.", fridge), 1);
}

#[test]
fn when_wants_a_date_not_an_event_without_one() {
    let when = "My glasses were due Friday. When can I collect them?";
    assert_eq!(
        missed("Sorry. We'll call you as soon as the lab sends them.", when),
        1
    );
    assert_eq!(missed("Sorry. They are ready by 5 pm tomorrow.", when), 0);
}

#[test]
fn a_date_after_the_deadline_does_not_meet_it() {
    let wedding = "Our wedding is on Saturday 19 December. Will the suit be ready in time?";
    assert_eq!(
        missed("Sorry. It will be ready on Tuesday 22 December.", wedding),
        1
    );
    assert_eq!(
        missed("Yes: it will be ready on Thursday 17 December.", wedding),
        0
    );
}

fn at_monday(draft: &str, message: &str) -> Vec<String> {
    let now: jiff::Zoned = "2026-12-07T10:00:00+00:00[UTC]"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut f = Vec::new();
    check(draft, message, Medium::Mail, Some(&now), &mut f);
    f.into_iter().map(|f| f.explanation).collect()
}

#[test]
fn a_day_after_the_one_asked_for_is_not_listening_unless_said() {
    let message = "Can the blinds be fitted by Friday?";
    assert_eq!(
        at_monday("Our fitter has a slot on Tuesday 15 December.", message).len(),
        1
    );
    assert!(at_monday("Our fitter comes on Wednesday 9 December.", message).is_empty());
    assert!(
        at_monday(
            "Friday isn't possible, I'm sorry; the earliest is Tuesday 15 December.",
            message
        )
        .is_empty()
    );
}

#[test]
fn two_whens_want_two_times_and_money_is_no_fix() {
    let message = "When will the new door arrive? And when can the fitter come back?";
    assert_eq!(missed("The fitter can come back on Thursday.", message), 1);
    assert_eq!(
        missed(
            "The door arrives on Tuesday and the fitter can come back on Thursday.",
            message
        ),
        0
    );
    let shower = "The shower has no hot water. Can someone fix it tonight?";
    assert_eq!(missed("I've refunded tonight's room rate.", shower), 1);
    assert_eq!(
        missed(
            "Our engineer will have it working by 9 pm; I've also refunded tonight's rate.",
            shower
        ),
        0
    );
}

#[test]
fn a_deadline_wants_a_date_and_a_cancelled_journey_strands() {
    let message = "I need the signed lease back before my meeting on 14 December.";
    assert_eq!(
        missed("We'll return it once the landlord has signed it.", message),
        1
    );
    assert_eq!(
        missed("We'll return it on Thursday 10 December.", message),
        0
    );
    assert!(
        needs::urgent(&Said::new(
            "Our train home was cancelled and the next one is Monday."
        ))
        .is_some()
    );
    assert!(needs::urgent(&Said::new("The train was on time.")).is_none());
}

#[test]
fn every_date_in_a_sentence_counts_and_money_does_not_meet_a_deadline() {
    let message = "I need the visa letter for my appointment on Thursday 10 December.";
    assert_eq!(
        missed(
            "Letters take 5 working days, so you will have it by Monday 14 December.",
            message
        ),
        1
    );
    assert_eq!(
        missed(
            "Letters take 2 working days, so you will have it by Wednesday 9 December.",
            message
        ),
        0
    );
    let party = "The cake topper was missing. The party is on Sunday.";
    assert_eq!(
        missed(
            "I've refunded the topper; it is back on your card within five days.",
            party
        ),
        1
    );
    assert_eq!(
        missed(
            "A new topper arrives on Friday, and I've refunded the postage.",
            party
        ),
        0
    );
}

#[test]
fn hardship_now_and_getting_to_work_against_a_rule() {
    let wall = "Hi,\n\nRepairs are done in order under our policy; there is nothing I can do.\n\nRegards,\nRepairs";
    let mut f = vec![Finding {
        check: Check::PolicyWall,
        severity: Severity::Warn,
        span: 0..2,
        explanation: String::new(),
        suggestion: None,
    }];
    check(
        wall,
        "The boiler broke on Monday and we're freezing.",
        Medium::Mail,
        None,
        &mut f,
    );
    assert!(f.iter().any(|x| x.check == Check::NotListening));
    assert!(
        needs::urgent(&Said::new(
            "The lease car is still at the garage. I can't get to work."
        ))
        .is_some()
    );
    // Software that freezes is no hardship; a cold room told as past is over.
    assert!(needs::urgent(&Said::new("The app keeps freezing on the invoices screen.")).is_none());
    assert!(needs::urgent(&Said::new("The room was freezing last night.")).is_none());
}

#[test]
fn a_length_in_the_possessive_answers_how_much_notice() {
    let message = "How much notice do I have to give?";
    assert_eq!(
        missed(
            "Hi Jo,\n\nYou need to give two weeks' notice in writing.\n\nBest,\nDesk",
            message
        ),
        0
    );
    assert_eq!(
        missed(
            "Hi Jo,\n\nPlease email us when you are ready to leave.\n\nBest,\nDesk",
            message
        ),
        1
    );
}
