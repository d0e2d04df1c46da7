//! The one error type of scenario loading: where the problem is (file or
//! `--set` override, line, column, key) and what would be right.

use std::fmt;

/// An invalid scenario file or override, located as precisely as possible.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The path as given, or for an override the override text (`--set PATH=VALUE`).
    pub file: String,
    /// 1-based line (1 for an override).
    pub line: usize,
    /// 1-based column in characters (for an override: inside the VALUE text).
    pub column: usize,
    /// Key path such as `contributors[3] "Pakistan".troops.mode`; empty when none applies.
    pub key_path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key_path.is_empty() {
            write!(f, "{}: ", self.key_path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// The exit status of an invalid scenario: 2, from every command.
    pub fn exit_status(&self) -> u8 {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_and_omits_empty_key_path() {
        let mut e = ScenarioError {
            file: "a.toml".into(),
            line: 3,
            column: 7,
            key_path: "scenario.target".into(),
            message: "expected an integer > 0".into(),
        };
        assert_eq!(
            e.to_string(),
            "a.toml:3:7: scenario.target: expected an integer > 0"
        );
        e.key_path.clear();
        assert_eq!(e.to_string(), "a.toml:3:7: expected an integer > 0");
    }
}
