//! The nom error type both parsers (`.ward` files and policy expressions) use.
//!
//! Positions are kept as the length of the remaining input, which is what nom hands to
//! [`ParseError`]; the caller turns them into byte offsets once it fails. Backtracking
//! (`nom::Err::Error`) creates errors with no message, so it costs no allocation; a
//! committed error (`nom::Err::Failure`) says what was expected.

use nom::error::{ErrorKind, ParseError};

#[derive(Debug)]
pub struct SyntaxError {
    pub rest_len: usize,
    pub len: usize,
    /// Empty for a backtracking error: the caller describes what it found there.
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    /// An earlier place the message refers to (the block a missing `}` should close):
    /// offset, length, label.
    pub context: Option<(usize, usize, String)>,
}

impl ParseError<&str> for SyntaxError {
    fn from_error_kind(input: &str, _kind: ErrorKind) -> Self {
        SyntaxError::at(input, 0, String::new(), String::new())
    }

    fn append(_input: &str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Keep the error that got farthest into the input: it is the most specific.
        if other.rest_len < self.rest_len {
            other
        } else {
            self
        }
    }
}

impl SyntaxError {
    /// An error at the start of `input`, `len` bytes long.
    pub fn at(
        input: &str,
        len: usize,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SyntaxError {
        SyntaxError {
            rest_len: input.len(),
            len,
            message: message.into(),
            label: label.into(),
            help: None,
            context: None,
        }
    }

    /// An error `rest_len` bytes before the end of the input, one byte long.
    pub fn at_rest(rest_len: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            rest_len,
            len: 1,
            message: message.into(),
            label: String::new(),
            help: None,
            context: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }

    /// Where the error starts in `src`, the text the failed input was a suffix of.
    pub fn offset(&self, src: &str) -> usize {
        src.len().saturating_sub(self.rest_len)
    }
}
