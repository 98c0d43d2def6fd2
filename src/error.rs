//! Errors that stop a run before anything can be judged (exit 2): a bad configuration or
//! pack file, an I/O failure. Each carries its source and span when it has one, so it
//! renders like any other diagnostic.

use miette::{Diagnostic, NamedSource, SourceSpan};

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct FileError {
    pub message: String,
    #[source_code]
    pub source_code: Option<NamedSource<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl FileError {
    /// An error pointing into a file's text.
    pub fn at(
        path: &str,
        text: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> FileError {
        FileError {
            message: message.into(),
            source_code: Some(NamedSource::new(path, text.to_owned())),
            span: Some(span.into()),
            label: label.into(),
            help: None,
        }
    }

    /// An error about a file or the run as a whole, with nothing to point at.
    pub fn plain(message: impl Into<String>) -> FileError {
        FileError {
            message: message.into(),
            source_code: None,
            span: None,
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
pub fn toml_error(path: &str, text: &str, error: &toml::de::Error) -> FileError {
    let message = error.message().trim_end_matches('\n').to_owned();
    match error.span() {
        Some(span) => FileError::at(path, text, span, message, "here"),
        None => FileError::plain(format!("{path}: {message}")),
    }
}
