//! Options from a config file: `--config FILE`, or `reprint.toml` in (or
//! beside) the first PATH of `scan`, `check` and `extract`. The file's keys
//! are long flag names; they become flags put before the command line's
//! own, so that a flag given on the command line wins. `extract` takes the
//! keys it has (the input flags) and passes over the other keys of `scan`,
//! so that it reads documents as the scan configured by the same file does.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use clap::Parser;

use super::args::{Cli, Command};

/// A config file that cannot be used: the file, then what is wrong in it.
#[derive(Debug)]
pub struct ConfigFileError {
    file: PathBuf,
    message: String,
}

impl fmt::Display for ConfigFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ConfigFileError {}

/// Parses the command line, with the options of a config file put before
/// it. Bad usage on the command line itself ends the program with clap's
/// message (and `--help` and `--version` with theirs); a bad config file is
/// an error for `main` to report.
pub fn parse() -> Result<Cli, ConfigFileError> {
    let cli = Cli::parse();
    let argv: Vec<OsString> = std::env::args_os().collect();
    let (sub, config, paths) = match &cli.command {
        Command::Scan(a) => ("scan", &a.config, &a.paths),
        Command::Check(a) => ("check", &a.config, &a.paths),
        Command::Extract(a) => ("extract", &a.config, &a.paths),
        _ => return Ok(cli),
    };
    let file = match (&config.config, config.no_config) {
        (Some(f), _) => Some(f.clone()),
        (None, true) => None,
        (None, false) => default_config(paths),
    };
    let Some(file) = file else { return Ok(cli) };
    let extra = match config_args(&file, sub, &argv) {
        Ok(extra) => extra,
        Err(message) => return Err(ConfigFileError { file, message }),
    };
    let mut all = vec![argv[0].clone(), argv[1].clone()];
    all.extend(extra);
    all.extend(argv[2..].iter().cloned());
    // The command line alone parsed, so an error now comes from the file.
    Cli::try_parse_from(&all).map_err(|e| {
        let rendered = e.render().to_string();
        ConfigFileError {
            message: format!(
                "a value there is not valid: {}\n{}",
                e.kind(),
                rendered.strip_suffix('\n').unwrap_or(&rendered)
            ),
            file,
        }
    })
}

/// `reprint.toml` in the first PATH (a directory) or beside it (a file).
fn default_config(paths: &[PathBuf]) -> Option<PathBuf> {
    let first = paths.first().filter(|p| p.as_os_str() != "-")?;
    let dir = if first.is_dir() {
        first.clone()
    } else {
        first.parent()?.to_path_buf()
    };
    let file = dir.join("reprint.toml");
    file.is_file().then_some(file)
}

/// The flags a config file stands for, checked against `sub`'s flags.
fn config_args(file: &Path, sub: &str, argv: &[OsString]) -> Result<Vec<OsString>, String> {
    use clap::CommandFactory;
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        match line {
            Some(l) => format!("line {l}: {}", e.message()),
            None => e.message().to_string(),
        }
    })?;
    let cli = Cli::command();
    let settable_of = |sub: &str| -> Vec<clap::Arg> {
        cli.find_subcommand(sub)
            .expect("the subcommand exists")
            .get_arguments()
            .filter(|a| {
                a.get_long()
                    .is_some_and(|l| !matches!(l, "config" | "no-config" | "help" | "output"))
            })
            .cloned()
            .collect()
    };
    let mut settable = settable_of(sub);
    // `extract` shares the file with `scan`: scan's other keys are passed
    // over, and `format` is the report's there.
    let passed_over = if sub == "extract" {
        settable.retain(|a| a.get_long() != Some("format"));
        settable_of("scan")
    } else {
        Vec::new()
    };
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(String::new(), |i| format!("line {}: ", i + 1))
    };
    let given = |long: &str| {
        argv.iter().any(|a| {
            let a = a.to_string_lossy();
            a == format!("--{long}") || a.starts_with(&format!("--{long}="))
        })
    };
    let mut out = Vec::new();
    for (key, value) in &table {
        let long = key.replace('_', "-");
        let is_long = |a: &clap::Arg| a.get_long() == Some(long.as_str());
        let Some(arg) = settable.iter().find(|a| is_long(a)) else {
            if passed_over.iter().any(is_long) {
                continue;
            }
            let mut known: Vec<&str> = settable.iter().filter_map(|a| a.get_long()).collect();
            known.sort_unstable();
            return Err(format!(
                "{}unknown key `{key}` for `reprint {sub}`; the keys are the long flags: {}",
                line_of(key),
                known.join(", ")
            ));
        };
        let flag = format!("--{long}");
        let scalar = |v: &toml::Value| -> Result<String, String> {
            match v {
                toml::Value::String(s) => Ok(s.clone()),
                toml::Value::Integer(i) => Ok(i.to_string()),
                toml::Value::Float(f) => Ok(f.to_string()),
                toml::Value::Boolean(b) => Ok(b.to_string()),
                other => Err(format!(
                    "{}`{key}` takes a string, number or boolean, not {}",
                    line_of(key),
                    other.type_str()
                )),
            }
        };
        let is_switch = matches!(arg.get_action(), clap::ArgAction::SetTrue);
        let is_list = matches!(arg.get_action(), clap::ArgAction::Append);
        match value {
            toml::Value::Boolean(b) if is_switch => {
                if *b {
                    out.push(flag.into());
                }
            }
            _ if is_switch => {
                return Err(format!(
                    "{}`{key}` is a switch: write `{key} = true`",
                    line_of(key)
                ));
            }
            toml::Value::Array(items) if is_list => {
                if !given(&long) {
                    for v in items {
                        out.push(format!("{flag}={}", scalar(v)?).into());
                    }
                }
            }
            toml::Value::Array(_) => {
                return Err(format!(
                    "{}`{key}` takes one value, not a list",
                    line_of(key)
                ));
            }
            v if is_list => {
                if !given(&long) {
                    out.push(format!("{flag}={}", scalar(v)?).into());
                }
            }
            v => out.push(format!("{flag}={}", scalar(v)?).into()),
        }
    }
    Ok(out)
}
