//! Errors that stop a run before anything can be judged (exit 2): a bad configuration or
//! pack file, an I/O failure. Each carries its file and span when it has one, so it
//! renders like any other diagnostic. The file is shared, never copied: one bad
//! configuration may produce thousands of errors.

use std::ops::Range;
use std::sync::Arc;

use crate::source::SourceFile;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct FileError {
    pub message: String,
    /// The file and byte range the error points at.
    pub at: Option<(Arc<SourceFile>, Range<usize>)>,
    pub label: String,
    pub help: Option<String>,
}

impl FileError {
    /// An error pointing into `file`.
    pub fn in_file(
        file: &Arc<SourceFile>,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> FileError {
        FileError {
            message: message.into(),
            at: Some((Arc::clone(file), span)),
            label: label.into(),
            help: None,
        }
    }

    /// An error pointing into a file's text, for callers holding one error per file.
    pub fn at(
        path: &str,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> FileError {
        FileError::in_file(&Arc::new(SourceFile::new(path, text)), span, message, label)
    }

    /// An error about a file or the run as a whole, with nothing to point at.
    pub fn plain(message: impl Into<String>) -> FileError {
        FileError {
            message: message.into(),
            at: None,
            label: String::new(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> FileError {
        self.help = Some(help.into());
        self
    }
}

/// A TOML parse or deserialization error, with the span toml reports.
pub fn toml_error(file: &Arc<SourceFile>, error: &toml::de::Error) -> FileError {
    let message = error.message().trim_end_matches('\n').to_owned();
    match error.span() {
        Some(span) => FileError::in_file(file, span, message, "here"),
        None => FileError::plain(format!("{}: {message}", file.path)),
    }
}
