//! Source files and byte spans.
//!
//! Every value the parser produces carries a [`Span`]: a file and a byte range. Line and
//! column numbers are computed only when a diagnostic is rendered, by [`LineIndex`], so
//! spans stay cheap and independent of line-ending style.

use std::sync::Arc;

/// Index of a file in a [`SourceMap`]; files are numbered in path order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end.max(start)),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (same file assumed; the first file wins otherwise).
    pub fn cover(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One input file. `path` is relative to the inventory root with `/` separators.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    /// The file's text (the lossy decoding when the bytes were not UTF-8). Shared, not
    /// copied, with the renderers; an `Arc<String>` takes over the read buffer as it is.
    pub text: Arc<String>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = Arc::new(text.into());
        let lines = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            lines,
        }
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// All files of one inventory, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(clamp_u32(self.files.len() - 1))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Byte offsets of line starts, for offset → line/column conversion at render time.
/// A byte-order mark is not part of line 1: columns count from after it.
#[derive(Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

const BOM: &str = "\u{feff}";

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let first = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let mut starts = vec![clamp_u32(first)];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| clamp_u32(i + 1)),
        );
        LineIndex { starts }
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1)
    }

    /// Byte offset where 0-based `line` starts.
    pub fn start(&self, line: usize) -> usize {
        self.starts.get(line).map_or(0, |&s| s as usize)
    }

    /// Byte range of 0-based `line`'s text, without its line end (`\n` or `\r\n`).
    pub fn content(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.start(line).min(text.len());
        let end = match self.starts.get(line + 1) {
            Some(&next) => {
                let next = next as usize - 1;
                if next > start && text.as_bytes().get(next - 1) == Some(&b'\r') {
                    next - 1
                } else {
                    next
                }
            }
            None => text.len(),
        };
        start..end.max(start)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.start(line).min(offset);
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let file = SourceFile::new("a.ward", "ab\n\u{e9}x = 1\r\ny");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(5), (2, 2));
        assert_eq!(file.line_col(12), (3, 1));
        assert_eq!(file.line_col(999), (3, 2));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let file = SourceFile::new("a.ward", "\u{feff}ab\ncd");
        assert_eq!(file.line_col(3), (1, 1));
        assert_eq!(file.line_col(4), (1, 2));
        assert_eq!(file.line_col(0), (1, 1));
    }

    #[test]
    fn line_content_excludes_the_line_end() {
        let text = "ab\r\ncd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.content(text, 0), 0..2);
        assert_eq!(index.content(text, 1), 4..6);
        assert_eq!(index.content(text, 2), 7..7);
        assert_eq!(index.content(text, 3), 8..9);
        assert_eq!(index.line_count(), 4);
    }
}
