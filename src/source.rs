//! Source files and byte spans.
//!
//! Every value the parser produces carries a [`Span`]: a file and a byte range. Line and
//! column numbers are computed only when a diagnostic is rendered, by a sparse line index, so
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
    /// Built the first time a position is rendered: most files of a large inventory
    /// have no finding.
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: Arc::new(text.into()),
            lines: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line).min(offset);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.index().line_of(&self.text, offset)
    }

    /// Byte offset where 0-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.index().start(&self.text, line)
    }

    /// Byte range of 0-based `line`'s text, without its line end (`\n` or `\r\n`).
    pub fn line_content(&self, line: usize) -> std::ops::Range<usize> {
        let text = self.text.as_str();
        let start = self.line_start(line).min(text.len());
        let end = match memchr::memchr(b'\n', &text.as_bytes()[start..]) {
            Some(at) if at > 0 && text.as_bytes()[start + at - 1] == b'\r' => start + at - 1,
            Some(at) => start + at,
            None => text.len(),
        };
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.index().line_count
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

/// Lines kept per checkpoint of a [`LineIndex`].
const STRIDE: usize = 16;

/// Where lines start, for offset → line/column conversion at render time. It keeps the
/// start of every sixteenth line and counts the rest with `memchr` on demand: a file of
/// nothing but line ends costs a quarter of a byte a line, not four.
/// A byte-order mark is not part of line 1: columns count from after it.
#[derive(Debug, Default)]
struct LineIndex {
    /// Byte offset of lines 0, 16, 32, ….
    checkpoints: Vec<u32>,
    line_count: usize,
}

const BOM: &str = "\u{feff}";

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let first = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let mut checkpoints = vec![clamp_u32(first)];
        let mut line_count = 1;
        for at in memchr::memchr_iter(b'\n', text.as_bytes()) {
            if line_count % STRIDE == 0 {
                checkpoints.push(clamp_u32(at + 1));
            }
            line_count += 1;
        }
        LineIndex {
            checkpoints,
            line_count,
        }
    }

    fn line_of(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let block = self
            .checkpoints
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1);
        let from = self
            .checkpoints
            .get(block)
            .map_or(0, |&s| s as usize)
            .min(offset);
        block * STRIDE + memchr::memchr_iter(b'\n', &text.as_bytes()[from..offset]).count()
    }

    fn start(&self, text: &str, line: usize) -> usize {
        let block = (line / STRIDE).min(self.checkpoints.len().saturating_sub(1));
        let base = self
            .checkpoints
            .get(block)
            .map_or(0, |&s| s as usize)
            .min(text.len());
        let skip = line.saturating_sub(block * STRIDE);
        if skip == 0 {
            return base;
        }
        match memchr::memchr_iter(b'\n', &text.as_bytes()[base..]).nth(skip - 1) {
            Some(at) => base + at + 1,
            None => text.len(),
        }
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
        let file = SourceFile::new("a.ward", "ab\r\ncd\n\nx");
        assert_eq!(file.line_content(0), 0..2);
        assert_eq!(file.line_content(1), 4..6);
        assert_eq!(file.line_content(2), 7..7);
        assert_eq!(file.line_content(3), 8..9);
        assert_eq!(file.line_count(), 4);
        assert_eq!(file.line_start(4), 9);
    }

    #[test]
    fn the_sparse_index_agrees_with_counting() {
        let text: String = (0..100).map(|i| "x".repeat(i % 7) + "\n").collect();
        let file = SourceFile::new("a.ward", text.as_str());
        for offset in 0..=text.len() {
            let line = text[..offset].matches('\n').count();
            assert_eq!(file.line_of(offset), line, "offset {offset}");
        }
        let mut start = 0;
        for line in 0..=100 {
            assert_eq!(file.line_start(line), start, "line {line}");
            start += text[start..].find('\n').map_or(0, |i| i + 1);
        }
        assert_eq!(file.line_count(), 101);
    }
}
