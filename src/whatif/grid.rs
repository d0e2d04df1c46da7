//! Sweep grids: `--vary PATH=START:STOP:STEP` or `--vary PATH=v1,v2,...`,
//! every combination of the varied paths' values, first path slowest.

use super::decimal::{Decimal, range_count, range_values};
use crate::scenario::Override;

/// The most grid points a sweep may have.
pub use crate::limits::MAX_SWEEP_POINTS as MAX_POINTS;

/// One varied path and its values, as the sweep writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    /// The key path as given.
    pub path: String,
    /// The values as override text (a TOML value, or bare text).
    pub values: Vec<String>,
    /// The `--vary` argument as given.
    pub spec: String,
}

/// Reads one `--vary` argument. A value with two `:` outside brackets and
/// quotes is a decimal range; otherwise the value is a comma-separated list.
pub fn parse_vary(spec: &str) -> Result<Axis, String> {
    let o = Override::parse(spec).map_err(|e| {
        format!(
            "--vary {spec}: {}; expected PATH=START:STOP:STEP or PATH=v1,v2,...",
            e.message
        )
    })?;
    let text = o.value.trim();
    let fail = |m: String| format!("--vary {spec}: {m}");
    let structured = text.starts_with(['[', '{', '"', '\'']);
    let parts: Vec<&str> = text.split(':').collect();
    let values = if !structured && parts.len() == 3 {
        let [start, stop, step] = [parts[0], parts[1], parts[2]]
            .map(|p| Decimal::parse(p).map_err(|m| fail(format!("in START:STOP:STEP, {m}"))));
        let (start, stop, step) = (start?, stop?, step?);
        let n = range_count(start, stop, step).map_err(&fail)?;
        if n > MAX_POINTS {
            return Err(fail(too_many(n)));
        }
        range_values(start, stop, step)
            .iter()
            .map(Decimal::to_string)
            .collect()
    } else if !structured && parts.len() > 1 {
        return Err(fail(format!(
            "`{text}` is neither a range START:STOP:STEP (three parts) nor a list v1,v2,..."
        )));
    } else {
        let values: Vec<String> = split_list(text)
            .iter()
            .map(|v| v.trim().to_string())
            .collect();
        if values.iter().any(String::is_empty) {
            return Err(fail(format!(
                "empty value in the list `{text}`; write v1,v2,... with a value between every two commas"
            )));
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) {
                return Err(fail(format!("value {v} is listed twice")));
            }
        }
        values
    };
    Ok(Axis {
        path: o.path,
        values,
        spec: spec.to_string(),
    })
}

/// Splits `v1,v2,...` at commas outside brackets, braces and quotes, so that
/// a value may be a TOML array or table.
fn split_list(text: &str) -> Vec<&str> {
    let (mut out, mut depth, mut quote, mut escaped, mut start) =
        (Vec::new(), 0i32, None, false, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some('"'), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn too_many(n: u128) -> String {
    format!(
        "the grid would have {n} points, above the limit of {MAX_POINTS} points; use a coarser step or fewer values"
    )
}

/// Checks that the paths are distinct and the grid is within the limit.
pub fn check(axes: &[Axis]) -> Result<u128, String> {
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| same_path(&a.path, &b.path)) {
            return Err(format!("--vary {}: the path is varied twice", a.path));
        }
    }
    let sizes: Vec<u128> = axes.iter().map(|a| a.values.len() as u128).collect();
    let n = sizes
        .iter()
        .try_fold(1u128, |acc, &s| acc.checked_mul(s))
        .unwrap_or(u128::MAX);
    if n > MAX_POINTS {
        let shown: Vec<String> = sizes.iter().map(u128::to_string).collect();
        return Err(format!(
            "the grid of {} has {} points, above the limit of {MAX_POINTS} points; use coarser steps or fewer values",
            shown.join(" x "),
            if n == u128::MAX {
                "too many".to_string()
            } else {
                n.to_string()
            }
        ));
    }
    Ok(n)
}

/// Whether two key paths name the same key (ignoring spaces around dots and quotes on bare keys).
pub fn same_path(a: &str, b: &str) -> bool {
    super::paths::segments(a).ok() == super::paths::segments(b).ok()
}

/// The grid point with index `k`: one value per axis, first axis slowest.
pub fn point(axes: &[Axis], mut k: usize) -> Vec<&str> {
    let mut out = vec![""; axes.len()];
    for (i, a) in axes.iter().enumerate().rev() {
        let n = a.values.len();
        out[i] = &a.values[k % n];
        k /= n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists() {
        let a = parse_vary("contributors.A.p_join=0:1:0.1").unwrap();
        assert_eq!(a.path, "contributors.A.p_join");
        assert_eq!(a.values.len(), 11);
        assert_eq!(a.values[3], "0.3");
        let b = parse_vary("scenario.target=1000, 2000,3000").unwrap();
        assert_eq!(b.values, ["1000", "2000", "3000"]);
        let c = parse_vary("contributors.\"A=B\".p_join=0.5").unwrap();
        assert_eq!(c.path, "contributors.\"A=B\".p_join");
        let d = parse_vary("contributors.A.requires=[\"a\", \"b\"],[],[\"c,d\"]").unwrap();
        assert_eq!(d.values, ["[\"a\", \"b\"]", "[]", "[\"c,d\"]"]);
        assert!(parse_vary("x=1:2").is_err());
        assert!(parse_vary("x=1,,2").is_err());
        assert!(parse_vary("x=1,1").is_err());
        assert!(parse_vary("x=0:1:0").is_err());
        assert!(parse_vary("novalue").is_err());
        let e = parse_vary("x=0:100000:1").unwrap_err();
        assert!(e.contains("10000"), "{e}");
    }

    #[test]
    fn grid_order_and_limit() {
        let a = parse_vary("a.x=1,2").unwrap();
        let b = parse_vary("b.y=10,20,30").unwrap();
        let axes = [a, b];
        assert_eq!(check(&axes).unwrap(), 6);
        assert_eq!(point(&axes, 0), ["1", "10"]);
        assert_eq!(point(&axes, 2), ["1", "30"]);
        assert_eq!(point(&axes, 3), ["2", "10"]);
        let big = [
            parse_vary("a.x=0:99:1").unwrap(),
            parse_vary("b.y=0:100:1").unwrap(),
        ];
        let e = check(&big).unwrap_err();
        assert!(e.contains("10100") && e.contains("10000"), "{e}");
        let twice = [
            parse_vary("a.x=1,2").unwrap(),
            parse_vary("a . \"x\"=3").unwrap(),
        ];
        assert!(check(&twice).is_err());
    }
}
