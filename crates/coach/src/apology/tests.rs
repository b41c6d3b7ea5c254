use super::*;

fn checks(draft: &str, message: &str) -> Vec<Check> {
    let mut f = Vec::new();
    let read = regrets(draft);
    let apologises = read.apologises;
    check(draft, read, apologises, message, &mut f);
    f.into_iter().map(|f| f.check).collect()
}

#[test]
fn regret_for_feelings_or_formulas_is_no_apology_and_is_told_once() {
    // A reply whose only regret is a poor one gets the poor apology alone,
    // not a missing apology as well for the same sentence.
    let late = "My order is two weeks late.";
    assert_eq!(
        checks("We are sorry that you are unhappy with the wait.", late),
        [Check::PoorApology]
    );
    assert_eq!(
        checks("We regret the frustration this has caused.", late),
        [Check::PoorApology]
    );
    assert_eq!(
        checks("Apologies for any trouble.", late),
        [Check::PoorApology]
    );
    assert!(checks("I'm sorry you were charged twice; it's refunded.", late).is_empty());
    assert!(checks("I'm so sorry the order is late.", late).is_empty());
}

#[test]
fn failures_of_ours_need_an_apology_and_slips_do_not() {
    let draft = "I have booked a new visit for Thursday.";
    assert_eq!(
        checks(draft, "Your engineer never showed up yesterday."),
        [Check::MissingApology]
    );
    assert!(checks(draft, "I typed the wrong date by mistake. Can you move it?").is_empty());
    assert!(checks(draft, "Can you tell me the opening hours?").is_empty());
}

#[test]
fn what_only_looks_like_a_failure_owes_no_apology() {
    let draft = "Please hold the reset button for ten seconds.";
    // A wait needs a length; "has been blocked" says what happened.
    assert!(
        checks(
            draft,
            "It has been blocked in my country. Can I watch it abroad?"
        )
        .is_empty()
    );
    assert_eq!(
        checks(draft, "It's been two days and nothing arrived."),
        [Check::MissingApology]
    );
    // A closed question about a state asks; a fix the customer tried failed.
    assert!(checks(draft, "The screen flickers. So is it broken?").is_empty());
    assert!(checks(draft, "I restarted it twice, which didn't work.").is_empty());
    assert_eq!(
        checks(draft, "I paid and it just didn't work."),
        [Check::MissingApology]
    );
    // A restriction counted in days is no wait.
    assert!(checks(draft, "I can't change my username for 19 days.").is_empty());
    assert_eq!(
        checks(draft, "I have been waiting for 19 days."),
        [Check::MissingApology]
    );
    // Sorted now: nothing left to apologise for.
    assert!(checks(draft, "It crashed again. Never mind, it's working now!").is_empty());
}

#[test]
fn sympathy_is_an_apology_and_a_polite_refusal_is_no_non_apology() {
    let broken = "My parcel arrived damaged.";
    assert!(
        checks(
            "I'm sad to hear it arrived like that; a new one ships today.",
            broken
        )
        .is_empty()
    );
    assert!(
        checks(
            "Sorry, but names cannot be changed.",
            "Can I change the name?"
        )
        .is_empty()
    );
    assert_eq!(
        checks("Sorry, but returns are closed.", broken),
        [Check::PoorApology]
    );
}

#[test]
fn a_third_partys_failure_owes_no_apology() {
    let help = "We can move your booking to Friday.";
    assert!(
        checks(
            help,
            "My friend's wedding was cancelled, can I move my flight?"
        )
        .is_empty()
    );
    assert!(
        checks(
            help,
            "Many sellers on here are gouging, and things I ordered never arrived."
        )
        .is_empty()
    );
    // The one seller of the customer's own order: the marketplace answers for it.
    assert_eq!(
        checks(
            help,
            "The seller took my money and the headphones never arrived."
        ),
        [Check::MissingApology]
    );
    // Our own cancellation of their booking is ours.
    assert_eq!(
        checks(help, "You cancelled my flight without telling me."),
        [Check::MissingApology]
    );
}

#[test]
fn the_customers_own_cancellation_or_place_is_no_failure() {
    let help = "Open Plans and pick Family.";
    assert!(checks(help, "I already cancelled my subscription as you asked.").is_empty());
    assert!(checks(help, "We're stuck at home all week, what should we watch?").is_empty());
    assert_eq!(
        checks(help, "I cancelled my order and you still took the money."),
        [Check::MissingApology]
    );
    assert_eq!(
        checks(help, "Your app is stuck on the loading screen again."),
        [Check::MissingApology]
    );
}

#[test]
fn a_denial_is_neither_an_apology_nor_a_non_apology() {
    let late = "My parcel is a week late.";
    assert_eq!(
        checks("That is not our fault. It ships Friday.", late),
        [Check::MissingApology]
    );
}

#[test]
fn a_double_charge_in_any_words_is_a_failure() {
    assert_eq!(
        checks(
            "Please speak to your bank.",
            "Your app charged my card twice."
        ),
        [Check::MissingApology]
    );
    assert!(checks("It's ready.", "Will I be charged twice if I rebook?").is_empty());
}

#[test]
fn a_fault_after_the_warranty_or_another_partys_failure_owes_no_apology() {
    let owed = |message: &str| reports_failure(message);
    assert!(!owed(
        "The heater stopped working. The warranty ran out last month. Can you repair it?"
    ));
    assert!(owed(
        "The heater stopped working and it is still under warranty."
    ));
    assert!(!owed(
        "My landlord forgot to pass on your letter, so I missed the payment date."
    ));
    assert!(!owed("The airline lost my suitcase (their mistake)."));
    assert!(owed(
        "We stood around for twenty minutes before anyone came."
    ));
}
