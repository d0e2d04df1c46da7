//! Loading a scenario: file bytes -> TOML tree (with every span) -> command
//! line overrides -> validated [`Scenario`]. Every error is located.

use std::io::Read;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::conditions::conditions;
use super::contributors::{Context, contributors};
use super::distributions::grouped;
use super::error::ScenarioError;
use super::model::{Date, Role, Scenario};
use super::overrides::{apply, tidy};
use super::provenance::{KEYS as PROVENANCE_KEYS, provenance};
use super::source::{
    Node, Result, Sources, check_identifier, check_keys, child, entries, line_col, require, string,
    table, type_error,
};
use super::values::{CondInfo, integer, number};
use super::version::Version;

pub use super::overrides::Override;
pub use super::parse_clause::parse_clause;

pub use crate::limits::{MAX_FILE_BYTES, MAX_MILESTONES, MAX_ROLES, MAX_TARGET};
/// `horizon_months` (months).
pub const MAX_HORIZON_MONTHS: f64 = crate::limits::MAX_MONTHS;
/// Trials in the file (a TOML integer).
pub const MAX_TRIALS: i64 = crate::limits::MAX_TRIALS as i64;
const DEFAULT_TRIALS: u64 = 100_000;
const DEFAULT_SEED: u64 = 1;

const SECTIONS: [&str; 5] = ["scenario", "conditions", "roles", "contributors", "sources"];
const SCENARIO_KEYS: [&str; 13] = [
    "name",
    "description",
    "format",
    "start",
    "target",
    "horizon_months",
    "trials",
    "seed",
    "milestones",
    "as_of",
    "sources",
    "hindsight",
    "assumptions",
];

/// Reads and validates a scenario file; returns it with the file's bytes.
pub fn load_file(
    path: &Path,
    overrides: &[Override],
) -> std::result::Result<(Scenario, Vec<u8>), ScenarioError> {
    let label = path.display().to_string();
    let fail = |line: usize, column: usize, message: String| ScenarioError {
        file: label.clone(),
        line,
        column,
        key_path: String::new(),
        message,
    };
    let cannot = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        fail(1, 1, format!("cannot read scenario file: {why}"))
    };
    let not_regular = |meta: &std::fs::Metadata| {
        let what = if meta.is_dir() {
            "is a directory, not a scenario file"
        } else {
            "is not a regular file (a pipe, a device or a socket); give a scenario file"
        };
        fail(1, 1, what.to_string())
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let too_big = || fail(1, 1, "scenario files are limited to 10 MB".to_string());
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    // Opened without blocking, and checked again once open: a file swapped
    // for a pipe between the two looks must not hang the program.
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(cannot)?
    };
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.valid_up_to();
            let prefix =
                std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or_default();
            let (line, column) = line_col(prefix, valid);
            let byte = bytes.get(valid).copied().unwrap_or_default();
            return Err(fail(
                line,
                column,
                format!(
                    "the file is not valid UTF-8 (byte 0x{byte:02X} at byte offset {valid}); save it as UTF-8"
                ),
            ));
        }
    };
    let scenario = parse_scenario(text, &label, overrides)?;
    Ok((scenario, bytes))
}

/// Parses and validates scenario text; `file_label` names it in errors.
pub fn parse_scenario(
    text: &str,
    file_label: &str,
    overrides: &[Override],
) -> std::result::Result<Scenario, ScenarioError> {
    let mut src = Sources::new(file_label, text);
    let parsed = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = format!("invalid TOML: {}", tidy(e.message()));
        let key = text
            .get(span.clone())
            .filter(|k| !k.is_empty() && k.len() <= 100);
        if let Some(key) = key
            && message.ends_with("duplicate key")
        {
            message.push_str(&format!(" `{key}`; each key and table may be defined once"));
        }
        src.at(span.start, "", message)
    })?;
    let root_span = parsed.span();
    let mut root = parsed.into_inner();
    apply(&mut src, &mut root, overrides)?;
    validate(&src, &root, &root_span)
}

struct Header {
    /// `format`, when written.
    format: Option<u8>,
    name: String,
    description: Option<String>,
    start: Option<Date>,
    target: u64,
    horizon_months: Option<f64>,
    trials: u64,
    seed: u64,
    milestones: Vec<u64>,
    /// `as_of`, when written.
    as_of: Option<Date>,
}

fn validate(
    src: &Sources<'_>,
    root: &DeTable<'_>,
    root_span: &std::ops::Range<usize>,
) -> Result<Scenario> {
    check_keys(src, root, "", &SECTIONS)?;
    let Some(scenario_node) = root.get("scenario") else {
        return Err(src.err(
            root_span,
            "scenario",
            "missing required section [scenario] (with at least name and target)",
        ));
    };
    let header = header(src, scenario_node)?;
    let version = Version::new(header.format, header.horizon_months.is_some());
    // A declared format 2 reserves its words before any clause is read.
    version.check_names(src, root.get("conditions"))?;
    let roles = roles(src, root.get("roles"))?;
    let (conditions, condition_order) = conditions(src, root.get("conditions"), &version)?;
    let infos: Vec<CondInfo> = conditions
        .iter()
        .map(|c| CondInfo {
            name: c.name.clone(),
            states: c.states.clone(),
        })
        .collect();
    let cx = Context {
        conditions: &conditions,
        infos: &infos,
        roles: &roles,
        version: &version,
    };
    let contributors = contributors(src, root, root_span, &cx)?;
    // A file that is format 2 by what it uses reserves them too.
    version.check_names(src, root.get("conditions"))?;
    let provenance = provenance(src, root, header.as_of)?;
    Ok(Scenario {
        format: version.format(),
        name: header.name,
        description: header.description,
        start: header.start,
        target: header.target,
        horizon_months: header.horizon_months,
        trials: header.trials,
        seed: header.seed,
        milestones: header.milestones,
        conditions,
        condition_order,
        roles,
        contributors,
        provenance,
    })
}

/// An integer in `lo..=hi` (lo >= 0); `what` describes what is expected.
fn bounded(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    lo: i64,
    hi: i64,
    what: &str,
) -> Result<u64> {
    let v = integer(src, node, path, what)?;
    if v > hi {
        return Err(src.err(
            &node.span(),
            path,
            format!("{v} is above the limit of {}", grouped(hi as f64)),
        ));
    }
    match u64::try_from(v) {
        Ok(u) if v >= lo => Ok(u),
        _ => Err(src.err(&node.span(), path, format!("expected {what}, found {v}"))),
    }
}

fn header(src: &Sources<'_>, node: &Node<'_>) -> Result<Header> {
    let t = table(src, node, "scenario", "a table ([scenario])")?;
    check_keys(src, t, "scenario", &SCENARIO_KEYS)?;
    let at = |key: &str| child("scenario", key);
    let name_node = require(
        src,
        t,
        &node.span(),
        "scenario",
        "name",
        "the scenario's display name",
    )?;
    let name = string(src, name_node, &at("name"), "a name (a string)")?;
    if name.trim().is_empty() {
        return Err(src.err(
            &name_node.span(),
            &at("name"),
            "the scenario name must not be empty",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(src.err(
            &name_node.span(),
            &at("name"),
            "the scenario name must not contain control characters such as escapes, newlines or tabs",
        ));
    }
    let description = match t.get("description") {
        Some(n) => {
            let d = string(src, n, &at("description"), "free text (a string)")?;
            // Lines and tabs are text; other control characters (escapes,
            // bells, carriage returns) could rewrite what a terminal shows.
            if d.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                return Err(src.err(
                    &n.span(),
                    &at("description"),
                    "the description must not contain control characters other than newlines and tabs \
                     (such as escapes, bells or carriage returns)",
                ));
            }
            Some(d.to_string())
        }
        None => None,
    };
    let format = match t.get("format") {
        Some(n) => {
            let v = integer(src, n, &at("format"), "the format version, 1 or 2")?;
            match v {
                1 => Some(1),
                2 => Some(2),
                _ => {
                    return Err(src.err(
                        &n.span(),
                        &at("format"),
                        format!("format {v} is not supported; the formats are 1 and 2 (time)"),
                    ));
                }
            }
        }
        None => None,
    };
    let start = match t.get("start") {
        Some(n) => Some(date(src, n, &at("start"))?),
        None => None,
    };
    let target_node = require(
        src,
        t,
        &node.span(),
        "scenario",
        "target",
        "personnel the force needs, an integer > 0",
    )?;
    let target = bounded(
        src,
        target_node,
        &at("target"),
        1,
        MAX_TARGET,
        "an integer > 0",
    )?;
    let horizon_months = match t.get("horizon_months") {
        Some(n) => {
            let v = number(src, n, &at("horizon_months"), "a number of months >= 0")?;
            if v < 0.0 {
                return Err(src.err(
                    &n.span(),
                    &at("horizon_months"),
                    format!("horizon_months {v} is negative; need a number of months >= 0"),
                ));
            }
            if v > MAX_HORIZON_MONTHS {
                return Err(src.err(
                    &n.span(),
                    &at("horizon_months"),
                    format!(
                        "{v} is above the limit of {} months (the longest lead time)",
                        grouped(MAX_HORIZON_MONTHS)
                    ),
                ));
            }
            Some(v)
        }
        None => None,
    };
    let trials = match t.get("trials") {
        Some(n) => bounded(src, n, &at("trials"), 1, MAX_TRIALS, "an integer >= 1")?,
        None => DEFAULT_TRIALS,
    };
    let seed = match t.get("seed") {
        Some(n) => bounded(src, n, &at("seed"), 0, i64::MAX, "an integer >= 0")?,
        None => DEFAULT_SEED,
    };
    let milestones = match t.get("milestones") {
        Some(n) => milestones(src, n, &at("milestones"))?,
        None => default_milestones(target),
    };
    let as_of = match t.get("as_of") {
        Some(n) => Some(date(src, n, &at("as_of"))?),
        None => None,
    };
    Ok(Header {
        format,
        name: name.to_string(),
        description,
        start,
        target,
        horizon_months,
        trials,
        seed,
        milestones,
        as_of,
    })
}

/// `[scenario] milestones`: personnel levels, integers > 0, increasing.
fn milestones(src: &Sources<'_>, node: &Node<'_>, path: &str) -> Result<Vec<u64>> {
    let what = "an array of increasing personnel levels, integers > 0";
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(src, node, path, what));
    };
    if items.is_empty() || items.len() > MAX_MILESTONES {
        return Err(src.err(
            &node.span(),
            path,
            format!(
                "need 1 to {MAX_MILESTONES} milestones, found {}",
                items.len()
            ),
        ));
    }
    let mut out: Vec<u64> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{k}]");
        let v = bounded(src, item, &item_path, 1, MAX_TARGET, "an integer > 0")?;
        if let Some(&before) = out.last()
            && v <= before
        {
            return Err(src.err(
                &item.span(),
                &item_path,
                format!(
                    "{v} is not above the milestone before it ({before}); milestones must increase"
                ),
            ));
        }
        out.push(v);
    }
    Ok(out)
}

/// The milestones of a scenario that names none: a quarter, half, three
/// quarters and all of the target, rounded (halves away from zero), at
/// least 1, without repeats.
pub fn default_milestones(target: u64) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for share in [0.25, 0.5, 0.75, 1.0] {
        let m = (libm::round(target as f64 * share) as u64).max(1);
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// `start = 2025-11-17` or `start = "2025-11-17"`.
pub(crate) fn date(src: &Sources<'_>, node: &Node<'_>, path: &str) -> Result<Date> {
    let example = "a date such as 2025-11-17";
    let (year, month, day) = match node.get_ref() {
        DeValue::Datetime(d) => {
            match (d.date, d.time, d.offset) {
                (Some(date), None, None) => (
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                ),
                _ => {
                    return Err(src.err(
                    &node.span(),
                    path,
                    format!("expected a date without a time, found {d}; write e.g. start = 2025-11-17"),
                ));
                }
            }
        }
        DeValue::String(s) => {
            let parts: Vec<&str> = s.split('-').collect();
            let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
            match parts.as_slice() {
                [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => (
                    y.parse().unwrap_or_default(),
                    m.parse().unwrap_or_default(),
                    d.parse().unwrap_or_default(),
                ),
                _ => {
                    return Err(src.err(
                        &node.span(),
                        path,
                        format!(
                            "\"{s}\" is not an ISO date; write YYYY-MM-DD, e.g. \"2025-11-17\""
                        ),
                    ));
                }
            }
        }
        _ => return Err(type_error(src, node, path, example)),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(src.err(
            &node.span(),
            path,
            format!("{year:04}-{month:02}-{day:02} is not a calendar date"),
        ));
    }
    Ok(Date { year, month, day })
}

fn roles(src: &Sources<'_>, node: Option<&Node<'_>>) -> Result<Vec<Role>> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let t = table(
        src,
        node,
        "roles",
        "a table of role = minimum personnel ([roles])",
    )?;
    let mut roles = Vec::new();
    for (key, value) in entries(t) {
        let name: &str = key.get_ref();
        let path = child("roles", name);
        if roles.len() == MAX_ROLES {
            return Err(src.err(
                &key.span(),
                &path,
                format!("too many roles; a scenario has at most {MAX_ROLES}"),
            ));
        }
        check_identifier(src, &key.span(), &path, "role name", name, false)?;
        // `name = 4000`, or `name = { minimum = 4000, sources = [..] }`.
        let (value, path) = match value.get_ref() {
            DeValue::Table(body) => {
                let mut allowed = vec!["minimum"];
                allowed.extend(PROVENANCE_KEYS);
                check_keys(src, body, &path, &allowed)?;
                let what = "the role's minimum personnel (an integer >= 0)";
                let minimum = require(src, body, &value.span(), &path, "minimum", what)?;
                (minimum, child(&path, "minimum"))
            }
            _ => (value, path),
        };
        let minimum = bounded(
            src,
            value,
            &path,
            0,
            MAX_TARGET,
            "a minimum personnel (an integer >= 0)",
        )?;
        roles.push(Role {
            name: name.to_string(),
            minimum,
        });
    }
    Ok(roles)
}
