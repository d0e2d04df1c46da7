//! Saving what a page found: a new scenario file beside the original with
//! the overrides written into it (an editing TOML parser keeps every
//! comment and layout of the original), and a result folder written by
//! the same code, to the same place and with the same bytes, as the
//! `muster run --set ...` line the page shows.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::session::Session;
use crate::app::Failure;
use crate::app::pipeline;
use crate::output::own_file;
use crate::output::run_record::sha256_hex;
use crate::scenario::{Scenario, parse_scenario};
use crate::stats::tally::Tally;
use crate::whatif::paths::segments;

/// The first words of a scenario file this server wrote: how it knows its own.
const MARK: &str = "# What-if of ";

/// Writes the file's text with `overrides` (as `muster run` records them)
/// applied, beside the original, as `name` or a name made from the
/// overrides. Returns where it went.
pub fn scenario_file(
    session: &Session,
    overrides: &[String],
    scenario: &Scenario,
    name: Option<&str>,
) -> Result<PathBuf, String> {
    let folder = match session.path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => checked_name(n)?,
        None => default_name(session, overrides),
    };
    let dest = folder.join(&name);
    let text = edited(session, overrides)?;
    let again = parse_scenario(&text, &dest.display().to_string(), &[])
        .map_err(|e| format!("the edited file does not load: {e}"))?;
    if &again != scenario {
        return Err(
            "the overrides could not be written into the file faithfully; save the results or copy the command instead"
                .into(),
        );
    }
    own_file::may_replace(
        &dest,
        Some(&session.path),
        false,
        |p| match own_file::first_line(p) {
            Some(l) if l.starts_with(MARK) => Ok(()),
            _ => Err("it is not a what-if file muster serve wrote".into()),
        },
    )
    .map_err(|e| e.to_string())?;
    own_file::write_atomic(&dest, text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(dest)
}

/// A file name the user typed: a plain `NAME.toml` in the scenario's folder.
fn checked_name(n: &str) -> Result<String, String> {
    let plain = !n.contains(['/', '\\', '\0']) && !n.starts_with('.') && n.len() <= 200;
    if !plain {
        return Err(format!(
            "`{n}` is not a plain file name; give a name such as my-what-if.toml (it is saved beside the scenario)"
        ));
    }
    Ok(if n.ends_with(".toml") {
        n.to_string()
    } else {
        format!("{n}.toml")
    })
}

/// `STEM-whatif-HASH.toml`, the hash of the overrides.
fn default_name(session: &Session, overrides: &[String]) -> String {
    let stem = crate::app::variants::stem(&session.path);
    let hash = sha256_hex(overrides.join("\n").as_bytes());
    format!("{stem}-whatif-{}.toml", &hash[..8])
}

/// The file's text with a header naming the overrides, and each override
/// written at its key.
pub fn edited(session: &Session, overrides: &[String]) -> Result<String, String> {
    let mut doc: DocumentMut = session
        .text
        .parse()
        .map_err(|e| format!("the scenario file cannot be edited: {e}"))?;
    for o in overrides {
        let parsed = crate::scenario::Override::parse(o).map_err(|e| e.to_string())?;
        let seg = segments(&parsed.path)?;
        let text = parsed.value.trim();
        let value = text.parse::<Value>().unwrap_or_else(|_| Value::from(text));
        set(doc.as_table_mut(), &seg, value, &parsed.path)?;
    }
    let source = session
        .path
        .file_name()
        .map_or_else(|| session.file(), |n| n.to_string_lossy().into_owned());
    let mut header = format!("{MARK}{source}, written by muster serve with:\n");
    for o in overrides {
        header += &format!("#   --set {}\n", crate::scenario::one_line(o));
    }
    header.push('\n');
    Ok(header + &doc.to_string())
}

/// Sets the value at a key path: contributors by name, other array
/// elements by number from 1; a key the table lacks is added at its end.
/// A replaced value keeps the spaces and comment around it.
fn set(table: &mut dyn TableLike, seg: &[String], value: Value, path: &str) -> Result<(), String> {
    let missing = || format!("{path}: the file has no such key to write");
    let Some((key, rest)) = seg.split_first() else {
        return Err(missing());
    };
    if rest.is_empty() {
        match table.get_mut(key) {
            Some(Item::Value(old)) => {
                let decor = old.decor().clone();
                let mut value = value;
                *value.decor_mut() = decor;
                *old = value;
            }
            Some(_) => return Err(format!("{path}: a whole table cannot be replaced here")),
            None => {
                table.insert(key, Item::Value(value));
            }
        }
        return Ok(());
    }
    let by_name = key == "contributors";
    let (pick, rest) = rest.split_first().ok_or_else(missing)?;
    match table.get_mut(key).ok_or_else(missing)? {
        Item::ArrayOfTables(items) => {
            let t = if by_name {
                items.iter_mut().find(|t| name_is(t.get("name"), pick))
            } else {
                index(pick).and_then(|i| items.get_mut(i))
            };
            set(t.ok_or_else(missing)?, rest, value, path)
        }
        Item::Value(Value::Array(items)) => {
            let v = if by_name {
                items.iter_mut().find(|v| {
                    v.as_inline_table()
                        .and_then(|t| t.get("name"))
                        .and_then(|n| n.as_str())
                        == Some(pick.as_str())
                })
            } else {
                index(pick).and_then(|i| items.get_mut(i))
            };
            let t = v
                .and_then(|v| v.as_inline_table_mut())
                .ok_or_else(missing)?;
            set(t, rest, value, path)
        }
        item => {
            let t = item.as_table_like_mut().ok_or_else(missing)?;
            let mut seg = vec![pick.clone()];
            seg.extend(rest.iter().cloned());
            set(t, &seg, value, path)
        }
    }
}

fn name_is(item: Option<&Item>, name: &str) -> bool {
    item.and_then(|i| i.as_str()) == Some(name)
}

fn index(pick: &str) -> Option<usize> {
    pick.parse::<usize>().ok()?.checked_sub(1)
}

/// Where `muster run FILE --set ... --trials N` writes (relative to the
/// working folder), and the result folder written there through the same
/// code.
pub fn result_folder(
    session: &Session,
    overrides: &[String],
    scenario: &Scenario,
    tally: &Tally,
) -> Result<PathBuf, Failure> {
    let inputs = session.inputs(overrides, scenario.clone());
    let st = session.settings(tally.trials);
    let stem = crate::app::variants::stem(&session.path);
    let own = overrides.is_empty() && st.seed == scenario.seed && st.trials == scenario.trials;
    let dest = if own {
        Path::new("results").join(stem)
    } else {
        Path::new("results").join(format!("{stem}-{}", pipeline::inputs_hash(&inputs, &st)))
    };
    let rec = pipeline::record(&inputs, &st, tally.trials, None);
    pipeline::write_results(&dest, false, scenario, tally, rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(dir: &Path) -> Session {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/gaza_isf_2025-11.toml");
        let path = dir.join("gaza.toml");
        std::fs::copy(src, &path).unwrap();
        Session::open(&path, None, 1000, 1).unwrap()
    }

    #[test]
    fn overrides_are_written_in_place_and_comments_kept() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path());
        let overrides: Vec<String> = [
            "contributors.Turkey.veto=0.25",
            "contributors.Indonesia.troops.mode=9000",
            "contributors.Indonesia.p_join.false.partial=0.7",
            "contributors.Indonesia.on_unmet=withdraw",
            "conditions.ceasefire.changes.2.lasts.max=5",
            "conditions.ceasefire.probs.full=0.5",
            "roles.security=8000",
        ]
        .map(String::from)
        .to_vec();
        let (expanded, scenario) = s.load(&overrides).unwrap();
        let path = scenario_file(&s, &expanded, &scenario, None).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# What-if of gaza.toml, written by muster serve with:\n#   --set contributors.Turkey.veto=0.25\n"));
        // The original's comments stay, beside the values they describe.
        assert!(text.contains("security = 8000         # assumption: half the force"));
        assert!(text.contains("veto = 0.25"));
        assert!(text.contains("mode = 9000"));
        assert!(text.contains("probs = [0.15625, 0.34375, 0.5]  # the state at month 0"));
        for line in s.text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(text.contains(line), "lost comment: {line}");
        }
        // Saving again replaces the file it wrote.
        assert_eq!(scenario_file(&s, &expanded, &scenario, None).unwrap(), path);
    }

    #[test]
    fn never_replaces_a_file_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path());
        let (expanded, scenario) = s.load(&["contributors.Turkey.veto=0.25".into()]).unwrap();
        std::fs::write(dir.path().join("mine.toml"), "# my notes\n").unwrap();
        let e = scenario_file(&s, &expanded, &scenario, Some("mine.toml")).unwrap_err();
        assert!(e.contains("refusing to replace"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mine.toml")).unwrap(),
            "# my notes\n"
        );
        let e = scenario_file(&s, &expanded, &scenario, Some("gaza.toml")).unwrap_err();
        assert!(e.contains("scenario file"), "{e}");
        let e = scenario_file(&s, &expanded, &scenario, Some("../elsewhere.toml")).unwrap_err();
        assert!(e.contains("plain file name"), "{e}");
        assert!(scenario_file(&s, &expanded, &scenario, Some("turkey")).is_ok());
        assert!(dir.path().join("turkey.toml").exists());
    }
}
