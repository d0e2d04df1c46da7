//! Distribution values (`troops`, `delivery`, `lead_months`, a change's
//! `month` and `lasts`): a number or a `{ dist = ..., ... }` table, checked
//! so that parameters are in order and the support is within [0, limit];
//! or a `given` tree of them (format 2).

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::dist::Dist;
use super::source::{
    Node, Result, Sources, check_keys, child, require, string, suggest, type_error,
};
use super::trees::{Scope, dist as tree};
use super::values::{Num, number};

/// A quantity a distribution describes, with its upper limit.
pub(crate) struct Quantity {
    pub name: &'static str,
    pub limit: f64,
}

pub(crate) const TROOPS: Quantity = Quantity {
    name: "troops",
    limit: crate::limits::MAX_TROOPS,
};
pub(crate) const DELIVERY: Quantity = Quantity {
    name: "delivery",
    limit: crate::limits::MAX_DELIVERY,
};
pub(crate) const LEAD_MONTHS: Quantity = Quantity {
    name: "lead_months",
    limit: crate::limits::MAX_MONTHS,
};

/// When a change of a condition starts (months from month 0).
pub(crate) const MONTH: Quantity = Quantity {
    name: "month",
    limit: crate::limits::MAX_MONTHS,
};
/// How long a change of a condition lasts (months).
pub(crate) const LASTS: Quantity = Quantity {
    name: "lasts",
    limit: crate::limits::MAX_MONTHS,
};

const KINDS: [&str; 5] = ["uniform", "triangular", "pert", "normal", "discrete"];

/// Formats a whole number with thousands separators (1,000,000).
pub fn grouped(v: f64) -> String {
    if v.fract() != 0.0 || v.abs() >= 1e18 {
        return format!("{v}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

struct Ctx<'s, 'a> {
    src: &'s Sources<'a>,
    path: &'s str,
    q: &'s Quantity,
}

impl Ctx<'_, '_> {
    /// A value of the support: >= 0 and within the limit.
    fn in_support(&self, span: &Range<usize>, path: &str, what: &str, v: f64) -> Result<()> {
        if v < 0.0 {
            return Err(self.src.err(
                span,
                path,
                format!("{what}{} is negative; {} must be >= 0", Num(v), self.q.name),
            ));
        }
        if v > self.q.limit {
            return Err(self.src.err(
                span,
                path,
                format!(
                    "{what}{} is above the limit of {} for {}",
                    Num(v),
                    grouped(self.q.limit),
                    self.q.name
                ),
            ));
        }
        Ok(())
    }

    fn param(
        &self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        needs: &str,
    ) -> Result<(f64, Range<usize>)> {
        let node = require(self.src, table, span, self.path, key, needs)?;
        let v = number(self.src, node, &child(self.path, key), "a number")?;
        Ok((v, node.span()))
    }

    fn optional(&self, table: &DeTable<'_>, key: &str) -> Result<Option<(f64, Range<usize>)>> {
        match table.get(key) {
            Some(node) => {
                let v = number(self.src, node, &child(self.path, key), "a number")?;
                Ok(Some((v, node.span())))
            }
            None => Ok(None),
        }
    }
}

/// Reads a distribution or a `given` tree of them.
pub(crate) fn dist_value(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    q: &Quantity,
    scope: &Scope<'_>,
) -> Result<Dist> {
    let mut leaf = |n: &Node<'_>, p: &str| dist(src, n, p, q);
    tree(src, node, path, scope, &mut leaf)
}

/// Reads a distribution value.
fn dist(src: &Sources<'_>, node: &Node<'_>, path: &str, q: &Quantity) -> Result<Dist> {
    let cx = Ctx { src, path, q };
    match node.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => {
            let v = number(src, node, path, "a number")?;
            cx.in_support(&node.span(), path, "", v)?;
            Ok(Dist::Fixed(v))
        }
        DeValue::Table(table) => dist_table(&cx, table, &node.span()),
        _ => Err(type_error(
            src,
            node,
            path,
            "a number or a distribution table { dist = \"...\", ... }",
        )),
    }
}

fn dist_table(cx: &Ctx<'_, '_>, table: &DeTable<'_>, span: &Range<usize>) -> Result<Dist> {
    let src = cx.src;
    let path = cx.path;
    let kinds = KINDS.join(", ");
    let kind_node = require(src, table, span, path, "dist", &format!("one of {kinds}"))?;
    let kind_path = child(path, "dist");
    let kind = string(
        src,
        kind_node,
        &kind_path,
        &format!("a distribution name ({kinds})"),
    )?;
    let allowed: &[&str] = match kind {
        "uniform" => &["dist", "min", "max"],
        "triangular" | "pert" => &["dist", "min", "mode", "max"],
        "normal" => &["dist", "mean", "sd", "min", "max"],
        "discrete" => &["dist", "values", "weights"],
        _ => {
            let hint = match suggest(kind, KINDS) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!("use one of {kinds}"),
            };
            return Err(src.err(
                &kind_node.span(),
                &kind_path,
                format!("unknown distribution \"{kind}\"; {hint}"),
            ));
        }
    };
    check_keys(src, table, path, allowed)?;
    match kind {
        "uniform" => uniform(cx, table, span),
        "triangular" | "pert" => peaked(cx, table, span, kind == "pert"),
        "normal" => normal(cx, table, span),
        _ => discrete(cx, table, span),
    }
}

fn uniform(cx: &Ctx<'_, '_>, table: &DeTable<'_>, span: &Range<usize>) -> Result<Dist> {
    let needs = "uniform needs min and max";
    let (min, min_span) = cx.param(table, span, "min", needs)?;
    let (max, max_span) = cx.param(table, span, "max", needs)?;
    cx.in_support(&min_span, &child(cx.path, "min"), "min ", min)?;
    if min > max {
        return Err(cx.src.err(
            &min_span,
            &child(cx.path, "min"),
            format!(
                "min {} is above max {}; need min <= max",
                Num(min),
                Num(max)
            ),
        ));
    }
    cx.in_support(&max_span, &child(cx.path, "max"), "max ", max)?;
    Ok(if min == max {
        Dist::Fixed(min)
    } else {
        Dist::Uniform { min, max }
    })
}

fn peaked(cx: &Ctx<'_, '_>, table: &DeTable<'_>, span: &Range<usize>, pert: bool) -> Result<Dist> {
    let needs = if pert {
        "pert needs min, mode and max"
    } else {
        "triangular needs min, mode and max"
    };
    let (min, min_span) = cx.param(table, span, "min", needs)?;
    let (mode, mode_span) = cx.param(table, span, "mode", needs)?;
    let (max, max_span) = cx.param(table, span, "max", needs)?;
    cx.in_support(&min_span, &child(cx.path, "min"), "min ", min)?;
    let mode_path = child(cx.path, "mode");
    if mode < min {
        return Err(cx.src.err(
            &mode_span,
            &mode_path,
            format!(
                "mode {} is below min {}; need min <= mode <= max",
                Num(mode),
                Num(min)
            ),
        ));
    }
    if mode > max {
        return Err(cx.src.err(
            &mode_span,
            &mode_path,
            format!(
                "mode {} is above max {}; need min <= mode <= max",
                Num(mode),
                Num(max)
            ),
        ));
    }
    cx.in_support(&max_span, &child(cx.path, "max"), "max ", max)?;
    Ok(if min == max {
        Dist::Fixed(min)
    } else if pert {
        Dist::Pert { min, mode, max }
    } else {
        Dist::Triangular { min, mode, max }
    })
}

fn normal(cx: &Ctx<'_, '_>, table: &DeTable<'_>, span: &Range<usize>) -> Result<Dist> {
    let needs = "normal needs mean and sd; min and max are optional";
    let (mean, _) = cx.param(table, span, "mean", needs)?;
    let (sd, sd_span) = cx.param(table, span, "sd", needs)?;
    if sd < 0.0 {
        return Err(cx.src.err(
            &sd_span,
            &child(cx.path, "sd"),
            format!("sd {} is negative; need sd >= 0", Num(sd)),
        ));
    }
    let (min, min_span) = cx.optional(table, "min")?.unwrap_or((0.0, span.clone()));
    cx.in_support(&min_span, &child(cx.path, "min"), "min ", min)?;
    let max = match cx.optional(table, "max")? {
        Some((max, max_span)) => {
            let max_path = child(cx.path, "max");
            if max < min {
                return Err(cx.src.err(
                    &max_span,
                    &max_path,
                    format!(
                        "max {} is below min {}; need min <= max",
                        Num(max),
                        Num(min)
                    ),
                ));
            }
            cx.in_support(&max_span, &max_path, "max ", max)?;
            max
        }
        None => f64::INFINITY,
    };
    if sd == 0.0 {
        return Ok(Dist::Fixed(mean.clamp(min, max)));
    }
    if min == max {
        return Ok(Dist::Fixed(min));
    }
    let bounds = if max.is_finite() {
        format!("[{}, {}]", Num(min), Num(max))
    } else {
        format!("[{}, inf)", Num(min))
    };
    let far = 6.0 * sd;
    let side = if min - mean > far {
        Some("above")
    } else if mean - max > far {
        Some("below")
    } else {
        None
    };
    if let Some(side) = side {
        return Err(cx.src.err(
            span,
            cx.path,
            format!(
                "normal with mean {} and sd {} has essentially no probability in {bounds}: \
                 both bounds are more than 6 sd {side} the mean; move the mean or the bounds",
                Num(mean),
                Num(sd)
            ),
        ));
    }
    let dist = Dist::Normal { mean, sd, min, max };
    let (_, top) = dist.support();
    if top > cx.q.limit {
        return Err(cx.src.err(
            span,
            cx.path,
            format!(
                "without a max this normal reaches {} (mean + 6.4 sd), above the limit of {} for {}; set max",
                Num(top),
                grouped(cx.q.limit),
                cx.q.name
            ),
        ));
    }
    Ok(dist)
}

fn numbers(cx: &Ctx<'_, '_>, node: &Node<'_>, path: &str) -> Result<Vec<(f64, Range<usize>)>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(cx.src, node, path, "an array of numbers"));
    };
    if items.is_empty() {
        return Err(cx
            .src
            .err(&node.span(), path, "is empty; need at least one number"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            Ok((
                number(cx.src, item, &format!("{path}[{i}]"), "a number")?,
                item.span(),
            ))
        })
        .collect()
}

fn discrete(cx: &Ctx<'_, '_>, table: &DeTable<'_>, span: &Range<usize>) -> Result<Dist> {
    let needs = "discrete needs values and weights, arrays of the same length";
    let values_path = child(cx.path, "values");
    let weights_path = child(cx.path, "weights");
    let values_node = require(cx.src, table, span, cx.path, "values", needs)?;
    let weights_node = require(cx.src, table, span, cx.path, "weights", needs)?;
    let values = numbers(cx, values_node, &values_path)?;
    let weights = numbers(cx, weights_node, &weights_path)?;
    for (i, (v, s)) in values.iter().enumerate() {
        cx.in_support(s, &format!("{values_path}[{i}]"), "value ", *v)?;
    }
    if weights.len() != values.len() {
        return Err(cx.src.err(
            &weights_node.span(),
            &weights_path,
            format!(
                "{} weights for {} values; need one weight per value",
                weights.len(),
                values.len()
            ),
        ));
    }
    for (i, (w, s)) in weights.iter().enumerate() {
        if *w <= 0.0 {
            return Err(cx.src.err(
                s,
                &format!("{weights_path}[{i}]"),
                format!("weight {} is not positive; weights must be > 0 (leave out values that cannot occur)", Num(*w)),
            ));
        }
    }
    let total: f64 = weights.iter().map(|(w, _)| w).sum();
    if !total.is_finite() {
        return Err(cx.src.err(
            &weights_node.span(),
            &weights_path,
            "weights are too large to add up; scale them down",
        ));
    }
    let first = values[0].0;
    if values.iter().all(|(v, _)| *v == first) {
        return Ok(Dist::Fixed(first));
    }
    Ok(Dist::Discrete {
        values: values.into_iter().map(|(v, _)| v).collect(),
        weights: weights.into_iter().map(|(w, _)| w / total).collect(),
    })
}
