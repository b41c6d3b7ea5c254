//! The tests the fairness audit states: Mann–Whitney U for times (on
//! grouped values, ties corrected, normal approximation with continuity
//! correction) and the two-proportion z test for rates; both two-sided.

/// A test's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    /// The statistic (U of the first sample, or z).
    pub statistic: f64,
    /// The standard normal deviate the p-value is read from.
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// The standard normal cumulative distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function (Numerical Recipes' Chebyshev fit,
/// relative error below 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

fn two_sided(z: f64) -> f64 {
    (2.0 * (1.0 - normal_cdf(z.abs()))).clamp(0.0, 1.0)
}

/// Mann–Whitney U of two samples given as counts per ordered value
/// (`(value, count in a, count in b)`, any order, values may repeat).
/// `continuity`: subtract ½ from |U − mean| (scipy's default).
/// None when either sample is empty or every value ties.
pub fn mann_whitney(counts: &[(i64, u64, u64)], continuity: bool) -> Option<TestResult> {
    let mut merged: Vec<(i64, u64, u64)> = counts.to_vec();
    merged.sort_unstable_by_key(|c| c.0);
    let mut grouped: Vec<(u64, u64)> = Vec::new();
    let mut last: Option<i64> = None;
    for (value, a, b) in merged {
        match (last, grouped.last_mut()) {
            (Some(v), Some(g)) if v == value => {
                g.0 += a;
                g.1 += b;
            }
            _ => grouped.push((a, b)),
        }
        last = Some(value);
    }
    let n1: u64 = grouped.iter().map(|g| g.0).sum();
    let n2: u64 = grouped.iter().map(|g| g.1).sum();
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let n = n1f + n2f;
    // U of a: for each of its values, the b's below it plus half the ties.
    let mut below_b = 0f64;
    let mut u = 0f64;
    let mut ties = 0f64;
    for &(a, b) in &grouped {
        let (a, b) = (a as f64, b as f64);
        u += a * (below_b + b / 2.0);
        below_b += b;
        let t = a + b;
        ties += t * t * t - t;
    }
    let mean = n1f * n2f / 2.0;
    let variance = n1f * n2f / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if variance <= 0.0 {
        return None;
    }
    let mut diff = (u - mean).abs();
    if continuity {
        diff = (diff - 0.5).max(0.0);
    }
    let z = diff / variance.sqrt() * if u >= mean { 1.0 } else { -1.0 };
    Some(TestResult {
        statistic: u,
        z,
        p_value: two_sided(z),
    })
}

/// The pooled two-proportion z test of `x1/n1` against `x2/n2`.
/// None when a sample is empty or the pooled rate is 0 or 1.
pub fn two_proportion_z(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return None;
    }
    let z = (x1 / n1 - x2 / n2) / se;
    Some(TestResult {
        statistic: z,
        z,
        p_value: two_sided(z),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    fn samples(a: &[i64], b: &[i64]) -> Vec<(i64, u64, u64)> {
        a.iter()
            .map(|&v| (v, 1, 0))
            .chain(b.iter().map(|&v| (v, 0, 1)))
            .collect()
    }

    #[test]
    fn the_normal_distribution_matches_its_tables() {
        assert!(close(normal_cdf(0.0), 0.5, 1e-7));
        assert!(close(normal_cdf(1.96), 0.975_002_1, 1e-6));
        assert!(close(normal_cdf(-1.0), 0.158_655_25, 1e-6));
        assert!(close(normal_cdf(3.0), 0.998_650_1, 1e-6));
    }

    #[test]
    fn mann_whitney_matches_scipys_worked_example() {
        // scipy.stats.mannwhitneyu documentation: males vs females.
        let counts = samples(&[19, 22, 16, 29, 24], &[20, 11, 17, 12]);
        let plain = mann_whitney(&counts, false).expect("test");
        assert_eq!(plain.statistic, 17.0);
        // method="asymptotic", use_continuity=False: p = 0.0864107.
        assert!(close(plain.p_value, 0.086_410_7, 1e-5), "{plain:?}");
        let corrected = mann_whitney(&counts, true).expect("test");
        // With the continuity correction: z = 6.5 / sqrt(50/3).
        assert!(close(corrected.z, 1.592_168_7, 1e-5), "{corrected:?}");
        assert!(close(corrected.p_value, 0.111_347, 1e-4), "{corrected:?}");
    }

    #[test]
    fn mann_whitney_corrects_for_ties_and_is_symmetric() {
        // Hand-computed: a = [1, 2, 2, 3], b = [2, 3, 3, 4]; U(a) = 3 (1 and 2: 0 + ½ + ½; 3: 1 + ½ + ½),
        // tie groups 3 (the 2s) and 3 (the 3s): variance = 16/12 * (9 - 48/56).
        let counts = samples(&[1, 2, 2, 3], &[2, 3, 3, 4]);
        let r = mann_whitney(&counts, false).expect("test");
        assert_eq!(r.statistic, 3.0);
        let variance: f64 = 16.0 / 12.0 * (9.0 - 48.0 / 56.0);
        assert!(close(r.z, (3.0 - 8.0) / variance.sqrt(), 1e-12));
        let swapped: Vec<_> = counts.iter().map(|&(v, a, b)| (v, b, a)).collect();
        let s = mann_whitney(&swapped, false).expect("test");
        assert_eq!(s.statistic, 16.0 - 3.0);
        assert!(close(s.p_value, r.p_value, 1e-12));
        assert!(mann_whitney(&samples(&[5, 5], &[5, 5]), true).is_none());
        assert!(mann_whitney(&samples(&[], &[5]), true).is_none());
    }

    #[test]
    fn two_proportions_match_a_textbook_example() {
        // statsmodels proportions_ztest([50, 40], [100, 100]): z = 1.4213, p = 0.1552.
        let r = two_proportion_z(50, 100, 40, 100).expect("test");
        assert!(close(r.z, 1.421_338_3, 1e-6), "{r:?}");
        assert!(close(r.p_value, 0.155_218, 1e-5), "{r:?}");
        assert!(two_proportion_z(0, 10, 0, 10).is_none());
        assert!(two_proportion_z(1, 0, 0, 10).is_none());
    }
}
