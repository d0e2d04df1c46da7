//! Numbers as a reader without statistics reads them: a chance as a
//! percentage, or as a count when it is rare ("1 in 200,000", never
//! 0.0000050); an outcome never seen as an upper bound; and how many trials
//! a conditional figure rests on, marked when they are too few.

use crate::scenario::grouped;
use crate::stats::interval::wilson;

/// A conditional figure resting on fewer trials than this is marked as too
/// few to rely on.
pub const FEW_TRIALS: u64 = 30;

/// A chance below this share (or this close to certainty) is told as a
/// count of trials rather than as a percentage.
const RARE: f64 = 0.01;

/// A whole number with thousands separators: 200,000.
pub fn count(n: u64) -> String {
    grouped(n as f64)
}

/// How many trials a conditional figure rests on: "2,345 trials", or
/// "1 trial — too few to rely on" below [`FEW_TRIALS`].
pub fn trials_behind(n: u64) -> String {
    let word = if n == 1 { "trial" } else { "trials" };
    if n < FEW_TRIALS {
        format!("{} {word} — too few to rely on", count(n))
    } else {
        format!("{} {word}", count(n))
    }
}

/// `x` (at least 1) to two significant digits, rounded down when `down`,
/// else to the nearest: 35,305 gives 35,000 either way, 5,480 gives 5,400
/// or 5,500.
fn two_digits(x: f64, down: bool) -> u64 {
    let x = x.max(1.0);
    let scale = 10f64.powi((libm::log10(x).floor() as i32 - 1).max(0));
    let kept = if down {
        (x / scale).floor()
    } else {
        (x / scale).round()
    };
    (kept * scale) as u64
}

/// The upper end of the 95% Wilson interval of `k` in `n` (n > 0) as "1 in
/// N", N rounded down so that "below 1 in N" stays true.
pub fn below_one_in(k: u64, n: u64) -> String {
    let high = wilson(k, n).map_or(1.0, |(_, h)| h);
    format!("below 1 in {}", count(two_digits(1.0 / high, true)))
}

/// A share of trials as a percentage with one decimal: "4.2%".
pub fn percent(k: u64, n: u64) -> String {
    format!("{:.1}%", 100.0 * k as f64 / n as f64)
}

/// Whether `k` in `n` is rare (told as a count).
pub fn is_rare(k: u64, n: u64) -> bool {
    (k as f64 / n as f64) < RARE
}

/// Whether `k` in `n` misses only a rare few (told as "all but" a count).
fn all_but_few(k: u64, n: u64) -> bool {
    k < n && 1.0 - (k as f64 / n as f64) < RARE
}

/// How often something happened, for a sentence after its verb ("the force
/// reached 20,000 ..."), or None when it never did (the caller says
/// "never" and gives [`below_one_in`]):
/// "in 1 (below 1 in 35,000 at 95% confidence)",
/// "in 363, about 1 in 550 (below 1 in 500 at 95% confidence)",
/// "in 4.2% of them", "in all but 3 of them", "in all of them".
pub fn how_often(k: u64, n: u64) -> Option<String> {
    if k == 0 || n == 0 {
        return None;
    }
    let p = k as f64 / n as f64;
    Some(if k == n {
        "in all of them".to_string()
    } else if is_rare(k, n) && k == 1 {
        format!("in 1 ({} at 95% confidence)", below_one_in(k, n))
    } else if is_rare(k, n) {
        format!(
            "in {}, about 1 in {} ({} at 95% confidence)",
            count(k),
            count(two_digits(1.0 / p, false)),
            below_one_in(k, n)
        )
    } else if all_but_few(k, n) {
        format!("in all but {} of them", count(n - k))
    } else {
        format!("in {} of them", percent(k, n))
    })
}

/// A chance for a table cell: "25.9%", or as a count when rare ("1 in
/// 200,000", "363 in 200,000", "all but 3 in 200,000"), with the bound
/// when it never happened ("0 in 200,000 (below 1 in 52,000)").
pub fn chance(k: u64, n: u64) -> String {
    if n == 0 {
        return "–".into();
    }
    if k == 0 {
        return format!("0 in {} ({})", count(n), below_one_in(0, n));
    }
    if all_but_few(k, n) {
        return format!("all but {} in {}", count(n - k), count(n));
    }
    if is_rare(k, n) {
        format!("{} in {}", count(k), count(n))
    } else {
        percent(k, n)
    }
}

/// A conditional probability with the trials it rests on: "0.412 (2,345
/// trials)", "1.000 (1 trial — too few to rely on)", or, when rare among
/// enough trials, as a count of them ("5 in 39,934", which names its base).
pub fn given(p: f64, base: u64) -> String {
    let k = count_of(p, base);
    if base >= FEW_TRIALS && is_rare(k, base) {
        chance(k, base)
    } else {
        format!("{p:.3} ({})", trials_behind(base))
    }
}

/// A probability over all `n` trials for a table cell: three decimals, or
/// a count when rare ("1 in 200,000"); 0 stays "0.000".
pub fn prob(p: f64, n: u64) -> String {
    match count_of(p, n) {
        k if k > 0 && is_rare(k, n) => format!("{} in {}", count(k), count(n)),
        _ => format!("{p:.3}"),
    }
}

/// The count behind a probability written as the shortest decimal of k/n:
/// k itself, as k/n in f64 read back and multiplied by n rounds to k for
/// any n below 2^53.
pub fn count_of(p: f64, n: u64) -> u64 {
    (p * n as f64).round().max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_trials() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(200_000), "200,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(trials_behind(1), "1 trial — too few to rely on");
        assert_eq!(trials_behind(29), "29 trials — too few to rely on");
        assert_eq!(trials_behind(30), "30 trials");
        assert_eq!(trials_behind(2345), "2,345 trials");
    }

    /// Upper Wilson bounds worked by hand: for k = 0 it is z²/(n + z²),
    /// 3.8415/200,003.8 = 1/52,064; for 1 in 200,000 it is 1/35,305.
    #[test]
    fn bounds_are_rounded_down() {
        assert_eq!(below_one_in(0, 200_000), "below 1 in 52,000");
        assert_eq!(below_one_in(1, 200_000), "below 1 in 35,000");
        // 0 in 10: z²/(10 + z²) = 0.2775, 1/0.2775 = 3.6.
        assert_eq!(below_one_in(0, 10), "below 1 in 3");
        assert_eq!(two_digits(5480.0, true), 5400);
        assert_eq!(two_digits(5480.0, false), 5500);
        assert_eq!(two_digits(8.8, true), 8);
        assert_eq!(two_digits(52.9, true), 52);
    }

    #[test]
    fn how_often_in_words() {
        assert_eq!(how_often(0, 200_000), None);
        assert_eq!(
            how_often(1, 200_000).unwrap(),
            "in 1 (below 1 in 35,000 at 95% confidence)"
        );
        // 363 in 200,000 is 1 in 551; its upper bound 0.002012 is 1 in 497.
        assert_eq!(
            how_often(363, 200_000).unwrap(),
            "in 363, about 1 in 550 (below 1 in 490 at 95% confidence)"
        );
        assert_eq!(how_often(8_400, 200_000).unwrap(), "in 4.2% of them");
        assert_eq!(how_often(199_997, 200_000).unwrap(), "in all but 3 of them");
        assert_eq!(how_often(7, 7).unwrap(), "in all of them");
    }

    #[test]
    fn chances_in_cells() {
        assert_eq!(chance(0, 200_000), "0 in 200,000 (below 1 in 52,000)");
        assert_eq!(chance(1, 200_000), "1 in 200,000");
        assert_eq!(chance(51_739, 200_000), "25.9%");
        assert_eq!(chance(199_990, 200_000), "all but 10 in 200,000");
        assert_eq!(chance(5, 5), "100.0%");
        assert_eq!(count_of(0.000005, 200_000), 1);
        assert_eq!(prob(0.000005, 200_000), "1 in 200,000");
        assert_eq!(prob(0.0, 200_000), "0.000");
        assert_eq!(prob(0.377905, 200_000), "0.378");
        assert_eq!(given(1.0, 1), "1.000 (1 trial — too few to rely on)");
        assert_eq!(given(0.4, 2_345), "0.400 (2,345 trials)");
        assert_eq!(given(5.0 / 39_934.0, 39_934), "5 in 39,934");
        // Rare among too few trials: the trials, not a count of them.
        assert_eq!(given(0.0, 20), "0.000 (20 trials — too few to rely on)");
        assert_eq!(count_of(363.0 / 200_000.0, 200_000), 363);
    }
}
