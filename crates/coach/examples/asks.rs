//! Development aid: prints the asks read from a customer message and the
//! not-listening findings for a draft.
//! `cargo run -p rapport-coach --example asks -- MESSAGE [DRAFT]`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for ask in rapport_coach::listening::asks(&args[0]) {
        println!("{ask:?}");
    }
    if let Some(draft) = args.get(1) {
        let context = rapport_coach::Context {
            customer_message: args[0].clone(),
            ..Default::default()
        };
        for f in rapport_coach::analyze(draft, &context).findings {
            println!("{:?} {:?}: {}", f.check, f.severity, f.explanation);
        }
    }
}
