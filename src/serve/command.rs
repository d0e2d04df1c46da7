//! The `muster run` command line that gives the same answer as the page:
//! the file as the server was given it, each override as a `--set`, and
//! the trials and seed when they are not the file's.

/// One word for a POSIX shell: as it is when it holds only safe
/// characters, else in single quotes.
pub fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// `muster run FILE --set ... [--trials N] [--seed S]`.
pub fn run_line(
    file: &str,
    overrides: &[String],
    trials: Option<u64>,
    seed: Option<u64>,
) -> String {
    let mut words = vec!["muster".to_string(), "run".into(), quote(file)];
    for o in overrides {
        words.push("--set".into());
        words.push(quote(o));
    }
    if let Some(t) = trials {
        words.push(format!("--trials {t}"));
    }
    if let Some(s) = seed {
        words.push(format!("--seed {s}"));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_spaces_quotes_or_brackets_are_quoted() {
        assert_eq!(
            quote("contributors.Turkey.veto=0.5"),
            "contributors.Turkey.veto=0.5"
        );
        assert_eq!(
            quote("contributors.\"United Arab Emirates\".veto=0"),
            "'contributors.\"United Arab Emirates\".veto=0'"
        );
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(
            quote("conditions.c.probs=[0.5, 0.5]"),
            "'conditions.c.probs=[0.5, 0.5]'"
        );
        assert_eq!(
            run_line("s.toml", &["a.b=1".into()], Some(100000), None),
            "muster run s.toml --set a.b=1 --trials 100000"
        );
    }
}
