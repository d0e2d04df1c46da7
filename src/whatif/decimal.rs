//! Exact decimal steps for sweeps (0 to 1 by 0.1 is eleven points, and the
//! seventh is written 0.6, not 0.6000000000000001) and tidy printing of
//! computed values.

/// A decimal number as an integer count of `10^-scale` units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub units: i128,
    pub scale: u32,
}

/// Most digits a decimal may have, before and after the point together.
use crate::limits::MAX_SWEEP_DIGITS as MAX_DIGITS;

impl Decimal {
    /// Reads `-12.50`, `3`, `.5`, `+0.25`; no exponents.
    pub fn parse(text: &str) -> Result<Decimal, String> {
        let t = text.trim();
        let bad = || format!("`{text}` is not a decimal number (e.g. 0.25, 3 or -1.5)");
        let (negative, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let scale = frac.len() as u32;
        if whole.len() + frac.len() > MAX_DIGITS {
            return Err(format!(
                "`{text}` has too many digits (at most {MAX_DIGITS})"
            ));
        }
        let mut units: i128 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            units = units * 10 + i128::from(b - b'0');
        }
        Ok(Decimal {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// The same number with `scale` digits after the point (scale >=
    /// self.scale); None when that needs more digits than an i128 holds.
    pub fn checked_rescale(self, scale: u32) -> Option<Decimal> {
        Some(Decimal {
            units: self
                .units
                .checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)?,
            scale,
        })
    }

    /// a − b exactly, when both fit.
    pub fn minus(self, b: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(b.scale);
        let (x, y) = (self.checked_rescale(scale)?, b.checked_rescale(scale)?);
        Some(Decimal {
            units: x.units.checked_sub(y.units)?,
            scale,
        })
    }

    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl std::fmt::Display for Decimal {
    /// Without trailing zeros after the point, and never `-0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let abs = self.units.unsigned_abs();
        let unit = 10u128.pow(self.scale);
        let (whole, frac) = (abs / unit, abs % unit);
        if frac == 0 {
            return write!(f, "{sign}{whole}");
        }
        let digits = format!("{frac:0width$}", width = self.scale as usize);
        write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// a − b as text: exact when both are plain decimals (0.6 − 0.3 is 0.3), else in f64.
pub fn difference(a: &str, b: &str) -> Option<String> {
    if let (Ok(x), Ok(y)) = (Decimal::parse(a), Decimal::parse(b))
        && let Some(d) = x.minus(y)
    {
        return Some(d.to_string());
    }
    let (x, y) = (a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?);
    (x - y).is_finite().then(|| format!("{}", x - y + 0.0))
}

/// The points START, START+STEP, ... up to and including STOP when a step
/// lands on it, computed exactly; Err when STEP is 0 or leads away from STOP.
/// Returns the count first, so that a huge range is refused before it is built.
pub fn range_count(start: Decimal, stop: Decimal, step: Decimal) -> Result<u128, String> {
    let (a, b, s) = common_scale(start, stop, step)?;
    let diff = b.checked_sub(a).ok_or_else(too_many_digits)?;
    if s == 0 {
        return Err("STEP must not be 0".into());
    }
    if diff != 0 && diff.signum() != s.signum() {
        return Err(format!(
            "STEP {step} leads away from STOP {stop} (START {start}); use a {} step",
            if s > 0 { "negative" } else { "positive" }
        ));
    }
    Ok((diff / s) as u128 + 1)
}

fn too_many_digits() -> String {
    "START, STOP and STEP written with the same number of decimals need more than 38 digits; \
     use fewer digits"
        .into()
}

/// The units of START, STOP and STEP at their common scale.
fn common_scale(
    start: Decimal,
    stop: Decimal,
    step: Decimal,
) -> Result<(i128, i128, i128), String> {
    let scale = start.scale.max(stop.scale).max(step.scale);
    let at = |d: Decimal| {
        d.checked_rescale(scale)
            .map(|d| d.units)
            .ok_or_else(too_many_digits)
    };
    Ok((at(start)?, at(stop)?, at(step)?))
}

/// The values of a range whose count `range_count` accepted.
pub fn range_values(start: Decimal, stop: Decimal, step: Decimal) -> Vec<Decimal> {
    let scale = start.scale.max(stop.scale).max(step.scale);
    let Ok((a, _, s)) = common_scale(start, stop, step) else {
        return Vec::new();
    };
    let n = range_count(start, stop, step).unwrap_or(0);
    (0..n as i128)
        .map(|k| Decimal {
            units: a + k * s,
            scale,
        })
        .collect()
}

/// A computed value as short text: rounded to 12 significant digits, so that
/// 0.1 + 0.2 prints as 0.3 and 8000 × 0.8 as 6400.
pub fn tidy(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{}", x + 0.0);
    }
    let rounded: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    format!("{}", rounded + 0.0)
}

/// `x` with at most `digits` digits after the point, trailing zeros dropped.
pub fn fixed(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn tenth_steps_are_exact() {
        let v: Vec<String> = range_values(d("0"), d("1"), d("0.1"))
            .iter()
            .map(|x| x.to_string())
            .collect();
        assert_eq!(
            v,
            [
                "0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"
            ]
        );
    }

    #[test]
    fn stop_is_included_only_when_a_step_lands_on_it() {
        assert_eq!(range_count(d("0"), d("1"), d("0.3")).unwrap(), 4);
        assert_eq!(range_count(d("5"), d("5"), d("1")).unwrap(), 1);
        let v: Vec<String> = range_values(d("1"), d("-1"), d("-0.5"))
            .iter()
            .map(|x| x.to_string())
            .collect();
        assert_eq!(v, ["1", "0.5", "0", "-0.5", "-1"]);
    }

    #[test]
    fn a_range_of_38_digits_is_refused_not_a_panic() {
        let long = "1".repeat(36);
        assert!(range_count(d(&long), d("0.1"), d("-0.0001")).is_err());
        assert!(range_count(d("0"), d(&long), d("0.00000001")).is_err());
        assert!(range_values(d("0"), d(&long), d("0.00000001")).is_empty());
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert!(range_count(d("0"), d("1"), d("0")).is_err());
        assert!(range_count(d("0"), d("1"), d("-0.1")).is_err());
        assert!(Decimal::parse("1e3").is_err());
        assert!(Decimal::parse("abc").is_err());
        assert!(Decimal::parse(".").is_err());
        assert!(Decimal::parse("-").is_err());
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("-0.0").to_string(), "0");
        assert_eq!(d("2.500").to_string(), "2.5");
    }

    #[test]
    fn exact_differences() {
        assert_eq!(difference("0.29662", "0.59574").unwrap(), "-0.29912");
        assert_eq!(
            difference("1", "0.0000008826233199317767").unwrap(),
            "0.9999991173766800682233"
        );
        assert_eq!(difference("3", "").as_deref(), None);
    }

    #[test]
    fn tidy_drops_float_noise() {
        assert_eq!(tidy(0.1 + 0.2), "0.3");
        assert_eq!(tidy(8000.0 * 0.8), "6400");
        assert_eq!(tidy(0.0), "0");
        assert_eq!(tidy(-0.0), "0");
        assert_eq!(tidy(1.0 / 3.0), "0.333333333333");
        assert_eq!(fixed(0.25, 4), "0.25");
        assert_eq!(fixed(3.0, 2), "3");
        assert_eq!(fixed(-0.00001, 2), "0");
    }
}
