//! The fairness audit: each customer group's figures against everyone
//! else's, with a stated test per measure, a minimum group size, and the
//! gaps that need a look said in words.

use super::figures::{FactRow, Figures, Tally};
use super::stats::{TestResult, mann_whitney, two_proportion_z};
use serde::Serialize;
use std::collections::BTreeMap;

/// The family-wise error rate; each test is held to it divided by the
/// number of tests run (Bonferroni).
pub const ALPHA: f64 = 0.05;

/// What a measure is and how it is tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// First response time (business minutes; Mann–Whitney U).
    FirstResponseTime,
    /// Resolution time (business minutes; Mann–Whitney U).
    ResolutionTime,
    /// First-response targets met (two-proportion z).
    FirstResponseSla,
    /// One-touch resolutions of resolved tickets (two-proportion z).
    OneTouch,
    /// Reopened resolved tickets (two-proportion z).
    ReopenRate,
}

impl Measure {
    /// Every measure, in report order.
    pub const ALL: [Measure; 5] = [
        Measure::FirstResponseTime,
        Measure::ResolutionTime,
        Measure::FirstResponseSla,
        Measure::OneTouch,
        Measure::ReopenRate,
    ];

    /// How it is named in sentences.
    pub fn label(self) -> &'static str {
        match self {
            Measure::FirstResponseTime => "first response time",
            Measure::ResolutionTime => "resolution time",
            Measure::FirstResponseSla => "first-response targets met",
            Measure::OneTouch => "one-touch resolution",
            Measure::ReopenRate => "reopen rate",
        }
    }

    /// The test used.
    pub fn test(self) -> &'static str {
        match self {
            Measure::FirstResponseTime | Measure::ResolutionTime => {
                "Mann-Whitney U (two-sided, normal approximation, ties and continuity corrected)"
            }
            _ => "two-proportion z test (pooled, two-sided)",
        }
    }

    /// Whether a higher value is worse for the customer.
    fn higher_is_worse(self) -> bool {
        matches!(
            self,
            Measure::FirstResponseTime | Measure::ResolutionTime | Measure::ReopenRate
        )
    }
}

/// One measure of one group against the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The measure.
    pub measure: Measure,
    /// The group's value (median minutes, or a rate 0–1).
    pub group: Option<f64>,
    /// Everyone else's value.
    pub rest: Option<f64>,
    /// Group minus rest.
    pub difference: Option<f64>,
    /// Tickets behind the group's value and the rest's.
    pub sizes: (u64, u64),
    /// The test's statistic (U or z), when it ran.
    pub statistic: Option<f64>,
    /// Its two-sided p-value, when it ran.
    pub p_value: Option<f64>,
    /// Beyond chance at the corrected level, and worse for the group.
    pub needs_a_look: bool,
    /// Why no test ran, if none did.
    pub not_tested: Option<String>,
}

/// One customer group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAudit {
    /// The group's value of the attribute.
    pub group: String,
    /// Its tickets.
    pub size: u64,
    /// Its figures.
    pub figures: Figures,
    /// Each measure against everyone else.
    pub comparisons: Vec<Comparison>,
}

/// The audit of one grouping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    /// What customers were grouped by.
    pub grouped_by: String,
    /// Groups smaller than this are shown but not tested.
    pub min_group_size: u64,
    /// The level each test is held to (ALPHA over the tests run).
    pub alpha_per_test: f64,
    /// The groups, by name.
    pub groups: Vec<GroupAudit>,
    /// What needs a look, in words.
    pub summary: Vec<String>,
}

fn median(hist: &[u64]) -> Option<f64> {
    super::figures::percentile_of(hist, 0.5).map(|m| m as f64)
}

fn merged(a: &[u64], b: &[u64]) -> Vec<(i64, u64, u64)> {
    (0..a.len().max(b.len()))
        .map(|i| {
            (
                i as i64,
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            )
        })
        .filter(|c| c.1 + c.2 > 0)
        .collect()
}

fn minus(all: &[u64], part: &[u64]) -> Vec<u64> {
    all.iter()
        .enumerate()
        .map(|(i, n)| n - part.get(i).copied().unwrap_or(0))
        .collect()
}

struct Raw {
    measure: Measure,
    group: Option<f64>,
    rest: Option<f64>,
    sizes: (u64, u64),
    test: Option<TestResult>,
}

fn compare(group: &Tally, all: &Tally, measure: Measure) -> Raw {
    let (g, a) = (group.counts(), all.counts());
    let proportion = |x1: u64, n1: u64, x_all: u64, n_all: u64| {
        let (x2, n2) = (x_all - x1, n_all - n1);
        let r = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
        (
            r(x1, n1),
            r(x2, n2),
            (n1, n2),
            two_proportion_z(x1, n1, x2, n2),
        )
    };
    let time = |gh: &[u64], ah: &[u64]| {
        let rest = minus(ah, gh);
        let sizes = (gh.iter().sum(), rest.iter().sum());
        (
            median(gh),
            median(&rest),
            sizes,
            mann_whitney(&merged(gh, &rest), true),
        )
    };
    let (group_value, rest_value, sizes, test) = match measure {
        Measure::FirstResponseTime => time(&group.first_response, &all.first_response),
        Measure::ResolutionTime => time(&group.resolution, &all.resolution),
        Measure::FirstResponseSla => proportion(
            g.first_response_met,
            g.first_response_targets,
            a.first_response_met,
            a.first_response_targets,
        ),
        Measure::OneTouch => proportion(g.one_touch, g.resolved, a.one_touch, a.resolved),
        Measure::ReopenRate => proportion(g.reopened, g.resolved, a.reopened, a.resolved),
    };
    Raw {
        measure,
        group: group_value,
        rest: rest_value,
        sizes,
        test,
    }
}

/// Audits groups (`(group name, row)` pairs) against each other: each
/// group's measures against all other tickets.
pub fn audit<'a>(
    grouped_by: &str,
    rows: impl IntoIterator<Item = (String, &'a FactRow)>,
    min_group_size: u64,
) -> Audit {
    let mut all = Tally::default();
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for (group, row) in rows {
        all.add(row);
        groups.entry(group).or_default().add(row);
    }
    let mut raws: Vec<(String, &Tally, Vec<Raw>)> = Vec::new();
    let mut tests_run = 0usize;
    for (name, tally) in &groups {
        let compared: Vec<Raw> = Measure::ALL
            .iter()
            .map(|&m| compare(tally, &all, m))
            .collect();
        tests_run += compared
            .iter()
            .filter(|r| {
                r.test.is_some() && r.sizes.0 >= min_group_size && r.sizes.1 >= min_group_size
            })
            .count();
        raws.push((name.clone(), tally, compared));
    }
    let alpha = ALPHA / tests_run.max(1) as f64;
    let mut summary = Vec::new();
    let mut audited = Vec::new();
    for (name, tally, compared) in raws {
        let comparisons = compared
            .into_iter()
            .map(|r| judge(&name, r, min_group_size, alpha, &mut summary))
            .collect();
        audited.push(GroupAudit {
            group: name,
            size: tally.counts().tickets,
            figures: tally.figures(),
            comparisons,
        });
    }
    if summary.is_empty() {
        summary.push(format!(
            "No gap between customer groups by {grouped_by} is beyond chance \
             (each test at {alpha:.4}, groups of at least {min_group_size} tickets)."
        ));
    }
    Audit {
        grouped_by: grouped_by.to_string(),
        min_group_size,
        alpha_per_test: alpha,
        groups: audited,
        summary,
    }
}

fn judge(group: &str, r: Raw, min: u64, alpha: f64, summary: &mut Vec<String>) -> Comparison {
    let difference = r.group.zip(r.rest).map(|(g, o)| g - o);
    let small = r.sizes.0 < min || r.sizes.1 < min;
    let not_tested = if small {
        Some(format!(
            "fewer than {min} tickets ({} in the group, {} elsewhere): no conclusion",
            r.sizes.0, r.sizes.1
        ))
    } else if r.test.is_none() {
        Some("no variation to test".to_string())
    } else {
        None
    };
    let test = if small { None } else { r.test };
    let worse = difference.is_some_and(|d| {
        if r.measure.higher_is_worse() {
            d > 0.0
        } else {
            d < 0.0
        }
    });
    let needs_a_look = test.is_some_and(|t| t.p_value < alpha) && worse;
    if let (true, Some(t), Some(g), Some(o)) = (needs_a_look, test, r.group, r.rest) {
        let (gv, ov) = match r.measure {
            Measure::FirstResponseTime | Measure::ResolutionTime => {
                (format!("{g:.0} business minutes"), format!("{o:.0}"))
            }
            _ => (format!("{:.1}%", g * 100.0), format!("{:.1}%", o * 100.0)),
        };
        summary.push(format!(
            "Customers in \"{group}\" get a worse {}: {gv} against {ov} for everyone else \
             ({} tickets; {}, p = {:.2e}). This gap needs a look.",
            r.measure.label(),
            r.sizes.0,
            r.measure.test(),
            t.p_value
        ));
    }
    Comparison {
        measure: r.measure,
        group: r.group,
        rest: r.rest,
        difference,
        sizes: r.sizes,
        statistic: test.map(|t| t.statistic),
        p_value: test.map(|t| t.p_value),
        needs_a_look,
        not_tested,
    }
}
