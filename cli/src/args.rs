//! Command-line arguments: positionals, `--flag`, `--name VALUE` and `--name=VALUE`. Every option
//! given must be used by the command, so a typo is an error rather than silently ignored.

use std::collections::BTreeMap;

/// Options that never take a value.
const FLAGS: &[&str] = &["json", "once", "quiet", "help"];

pub struct Args {
    pub positional: Vec<String>,
    options: BTreeMap<String, String>,
    flags: Vec<String>,
    used: Vec<String>,
}

impl Args {
    pub fn parse(raw: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut raw = raw.peekable();
        let mut args = Args {
            positional: Vec::new(),
            options: BTreeMap::new(),
            flags: Vec::new(),
            used: vec!["json".into(), "help".into()],
        };
        while let Some(a) = raw.next() {
            let Some(name) = a.strip_prefix("--") else {
                args.positional.push(a);
                continue;
            };
            if let Some((k, v)) = name.split_once('=') {
                args.options.insert(k.into(), v.into());
            } else if FLAGS.contains(&name) {
                args.flags.push(name.into());
            } else {
                let v = raw
                    .next()
                    .ok_or_else(|| format!("--{name} needs a value"))?;
                args.options.insert(name.into(), v);
            }
        }
        Ok(args)
    }

    pub fn flag(&mut self, name: &str) -> bool {
        self.used.push(name.into());
        self.flags.iter().any(|f| f == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.options.contains_key(name)
    }

    pub fn value(&mut self, name: &str) -> Option<String> {
        self.used.push(name.into());
        self.options.get(name).cloned()
    }

    pub fn number(&mut self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, String> {
        let Some(v) = self.value(name) else {
            return Ok(default);
        };
        match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "--{name} must be a number from {min} to {max}, got {v:?}"
            )),
        }
    }

    pub fn arg(&self, index: usize, what: &str) -> Result<String, String> {
        self.positional
            .get(index)
            .cloned()
            .ok_or_else(|| format!("missing {what}"))
    }

    /// Fails on positionals past `count` and on options the command did not read.
    pub fn done(&self, count: usize) -> Result<(), String> {
        if let Some(extra) = self.positional.get(count) {
            return Err(format!("unexpected argument {extra:?}"));
        }
        for name in self.options.keys().chain(self.flags.iter()) {
            if !self.used.iter().any(|u| u == name) {
                return Err(format!("unknown option --{name} for this command"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Args {
        Args::parse(a.iter().map(|s| s.to_string())).unwrap()
    }

    #[test]
    fn options_flags_and_positionals() {
        let mut a = parse(&[
            "worker",
            "--once",
            "--database",
            "sqlite:x",
            "--concurrency=3",
        ]);
        assert!(a.flag("once"));
        assert_eq!(a.value("database").as_deref(), Some("sqlite:x"));
        assert_eq!(a.number("concurrency", 1, 1, 9).unwrap(), 3);
        assert!(a.done(1).is_ok());
        assert!(a.done(0).is_err());
    }

    #[test]
    fn unknown_options_are_errors() {
        let mut a = parse(&["outbox", "stats", "--databse", "x"]);
        assert!(a.value("database").is_none());
        assert!(a.done(2).unwrap_err().contains("--databse"));
        assert!(Args::parse(["--config".to_string()].into_iter()).is_err());
        let mut b = parse(&["w", "--concurrency", "0"]);
        assert!(b.number("concurrency", 1, 1, 9).is_err());
    }
}
