//! The source excerpt one human diagnostic shows, built from the file's line index.
//!
//! miette's own `SourceCode` for strings rescans the file from its start for every
//! label, so rendering N findings of one large file costs N × its size, and it panics
//! on a label past column 65,535. A [`Snippet`] holds only the lines around one
//! finding's labels: control characters escaped (an inventory string must not move the
//! cursor or start an output line), and lines longer than [`LONG_LINE`] bytes cut to
//! windows around the labels. Line numbers and the header's column stay the original's.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::SourceFile;
use crate::text::escape_controls_in_source;

/// Lines longer than this many bytes are shown as windows around their labels.
const LONG_LINE: usize = 400;
/// Bytes kept on each side of a label end in a cut line.
const WINDOW: usize = 80;
/// A label spanning more lines than this is shortened to its first line.
const MAX_LABEL_LINES: usize = 6;
/// Lines of context above and below a label, as miette's default.
const CONTEXT: usize = 1;
/// Excerpts whose lines are at most this far apart are shown as one.
const JOIN_GAP: usize = 3;

struct ShownLine {
    /// Byte offset of the line in [`Snippet::text`].
    start: usize,
    /// 0-based line number in the original file.
    number: usize,
}

/// The excerpt of one file for one diagnostic; see the module docs.
pub struct Snippet {
    name: String,
    text: String,
    lines: Vec<ShownLine>,
    /// Original 0-based column of each label end, by its offset in `text`.
    columns: Vec<(usize, usize)>,
}

impl Snippet {
    /// The excerpt of `file` around `spans` (byte ranges), and each span's range in it.
    pub fn new(file: &SourceFile, spans: &[(usize, usize)]) -> (Snippet, Vec<(usize, usize)>) {
        let text = file.text.as_str();
        // The empty "line" after a final line end is context for nothing.
        let mut last_line = file.line_count().saturating_sub(1);
        if last_line > 0 && file.line_start(last_line) >= text.len() {
            last_line -= 1;
        }
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| {
                let start = floor_char_boundary(text, start.min(text.len()));
                let mut end = floor_char_boundary(text, end.clamp(start, text.len()));
                let first = file.line_of(start);
                if file.line_of(end) > first + MAX_LABEL_LINES {
                    end = file.line_content(first).end.max(start);
                }
                (start, end)
            })
            .collect();
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| {
                (
                    file.line_of(start).saturating_sub(CONTEXT),
                    (file.line_of(end) + CONTEXT)
                        .min(last_line)
                        .max(file.line_of(end)),
                )
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (first, last) in ranges {
            match merged.last_mut() {
                Some(previous) if first <= previous.1 + JOIN_GAP => {
                    previous.1 = previous.1.max(last);
                }
                _ => merged.push((first, last)),
            }
        }
        let mut ends: Vec<usize> = spans.iter().flat_map(|&(s, e)| [s, e]).collect();
        ends.sort_unstable();
        ends.dedup();

        let mut snippet = Snippet {
            name: crate::text::escape_controls(&file.path).into_owned(),
            text: String::new(),
            lines: Vec::new(),
            columns: Vec::new(),
        };
        let mut shown_at = Vec::with_capacity(ends.len());
        for (first, last) in merged {
            for number in first..=last {
                snippet.push_line(file, number, &ends, &mut shown_at);
            }
        }
        let position = |offset: usize| {
            shown_at
                .iter()
                .find(|&&(original, _)| original == offset)
                .map_or(0, |&(_, shown)| shown)
        };
        let mapped = spans
            .iter()
            .map(|&(start, end)| (position(start), position(end)))
            .collect();
        (snippet, mapped)
    }

    /// Appends original line `number`, recording where each label end in it lands.
    fn push_line(
        &mut self,
        file: &SourceFile,
        number: usize,
        ends: &[usize],
        shown_at: &mut Vec<(usize, usize)>,
    ) {
        let text = file.text.as_str();
        let content = file.line_content(number);
        let line_end = file.line_start(number + 1).max(content.end);
        let here: Vec<usize> = ends
            .iter()
            .copied()
            .filter(|&e| e >= content.start && (e < line_end || e == content.end))
            .collect();
        let windows = if content.len() <= LONG_LINE {
            vec![content.clone()]
        } else {
            windows(text, content.clone(), &here)
        };
        self.lines.push(ShownLine {
            start: self.text.len(),
            number,
        });
        let mut next_end = here.iter().copied().peekable();
        for (i, window) in windows.iter().enumerate() {
            if i > 0 || window.start > content.start {
                self.text.push('…');
            }
            let mut offset = window.start;
            for piece in text[window.clone()].split_inclusive(|_: char| true) {
                self.record(file, &mut next_end, offset, shown_at);
                self.text.push_str(&escape_controls_in_source(piece));
                offset += piece.len();
            }
            self.record(file, &mut next_end, offset, shown_at);
        }
        // A label end inside the line ending lands at the end of the shown text.
        for end in next_end {
            self.record_at(file, end, shown_at);
        }
        if windows.last().is_some_and(|w| w.end < content.end) {
            self.text.push('…');
        }
        self.text.push('\n');
    }

    fn record(
        &mut self,
        file: &SourceFile,
        pending: &mut std::iter::Peekable<impl Iterator<Item = usize>>,
        offset: usize,
        shown_at: &mut Vec<(usize, usize)>,
    ) {
        while let Some(end) = pending.next_if(|&e| e <= offset) {
            self.record_at(file, end, shown_at);
        }
    }

    fn record_at(
        &mut self,
        file: &SourceFile,
        original: usize,
        shown_at: &mut Vec<(usize, usize)>,
    ) {
        let shown = self.text.len();
        shown_at.push((original, shown));
        let column = file.line_col(original).1 - 1;
        self.columns.push((shown, column));
    }

    /// Index in `lines` of the shown line holding byte `offset` of `text`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    fn contiguous(&self, first: usize, last: usize) -> bool {
        self.lines[first..=last]
            .windows(2)
            .all(|pair| pair[1].number == pair[0].number + 1)
    }
}

/// Byte ranges of a long line worth showing: a window around each label end, merged.
fn windows(
    text: &str,
    content: std::ops::Range<usize>,
    ends: &[usize],
) -> Vec<std::ops::Range<usize>> {
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    for &end in ends {
        let start = floor_char_boundary(text, end.saturating_sub(WINDOW).max(content.start));
        let stop = ceil_char_boundary(text, (end + WINDOW).min(content.end));
        match windows.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(stop),
            _ => windows.push(start..stop),
        }
    }
    if windows.is_empty() {
        windows.push(content.start..ceil_char_boundary(text, content.start + WINDOW));
    }
    windows
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let mut first = self.line_at(start);
        let mut last = self.line_at(end.saturating_sub(1).max(start));
        if !self.contiguous(first, last) {
            return Err(MietteError::OutOfBounds);
        }
        if context_lines_before == 0 {
            // The header's `file:line:column` reads the label itself.
            let column = self
                .columns
                .iter()
                .find(|&&(shown, _)| shown == start)
                .map_or(0, |&(_, column)| column);
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &self.text.as_bytes()[start..end],
                *span,
                self.lines[first].number,
                column,
                last - first + 1,
            )));
        }
        for _ in 0..context_lines_before {
            if first > 0 && self.lines[first - 1].number + 1 == self.lines[first].number {
                first -= 1;
            }
        }
        for _ in 0..context_lines_after {
            if last + 1 < self.lines.len()
                && self.lines[last + 1].number == self.lines[last].number + 1
            {
                last += 1;
            }
        }
        let data_start = self.lines[first].start;
        let data_end = self
            .lines
            .get(last + 1)
            .map_or(self.text.len(), |l| l.start);
        // miette joins two labels' contexts when the first's line count reaches the
        // second: count to the end of this excerpt, so labels shown in one stay in one.
        let mut excerpt_end = last;
        while excerpt_end + 1 < self.lines.len() && self.contiguous(excerpt_end, excerpt_end + 1) {
            excerpt_end += 1;
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            self.lines[first].number,
            0,
            excerpt_end - first + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, spans: &[(usize, usize)]) -> (String, Vec<(usize, usize)>) {
        let file = SourceFile::new("a.ward", text);
        let (snippet, mapped) = Snippet::new(&file, spans);
        (snippet.text, mapped)
    }

    #[test]
    fn keeps_context_lines_and_maps_spans() {
        let text = "a\nbb\ncc x\ndd\ne\n";
        let (shown, mapped) = shown(text, &[(8, 9)]);
        assert_eq!(shown, "bb\ncc x\ndd\n");
        assert_eq!(&shown[mapped[0].0..mapped[0].1], "x");
    }

    #[test]
    fn escapes_controls_and_shifts_spans() {
        let text = "label = \"\u{1b}[2J\" x\r\n";
        let x = text.find(" x").unwrap_or(0) + 1;
        let (shown, mapped) = shown(text, &[(x, x + 1)]);
        assert_eq!(shown, "label = \"\\u{1b}[2J\" x\n");
        assert_eq!(&shown[mapped[0].0..mapped[0].1], "x");
    }

    #[test]
    fn cuts_long_lines_around_labels() {
        let text = format!("device x {{ label = \"{}\" oops }}\n", "A".repeat(70_000));
        let at = text.find("oops").unwrap_or(0);
        let (shown, mapped) = shown(&text, &[(at, at + 4)]);
        assert!(shown.len() < 400, "{}", shown.len());
        assert!(shown.starts_with('…'));
        assert_eq!(&shown[mapped[0].0..mapped[0].1], "oops");
    }

    #[test]
    fn distant_labels_give_separate_excerpts() {
        let text = "a\n".repeat(100) + "b\n";
        let (shown, mapped) = shown(&text, &[(0, 1), (200, 201)]);
        assert_eq!(shown, "a\na\na\nb\n");
        assert_eq!(&shown[mapped[1].0..mapped[1].1], "b");
    }
}
