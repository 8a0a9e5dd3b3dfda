//! Writing results: JSON with `--json`, the human line otherwise, and a closed pipe that is not a
//! failure.

use anyhow::Context as _;
use serde::Serialize;

/// Prints `value` as JSON, or the human text.
pub(crate) fn emit<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T) -> String) -> anyhow::Result<()> {
    if json {
        say(&serde_json::to_string_pretty(value).context("writing JSON")?)?;
    } else {
        let text = human(value);
        if !text.is_empty() {
            say(&text)?;
        }
    }
    Ok(())
}

/// Writes one line to standard output. A reader that went away (`duka ... | head`) is not a failure
/// of the command: `main` ends quietly with success when it sees the broken pipe.
pub(crate) fn say(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).context("writing to standard output")
}

/// True when `e` is a write to a closed pipe (the reader of our output has gone).
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
