//! "Did you mean" suggestions: the closest candidate within edit distance 2.
//!
//! Candidate sets can be the whole inventory (a reference that may name a device or a
//! model), so each candidate first goes through a bit-parallel Levenshtein bound (Myers'
//! algorithm, a few operations per byte) and only the few that pass get the exact
//! distance, which reuses its buffers and gives up once it cannot beat the best so far.

/// The candidate closest to `word` (ties: the first in iteration order), if within 2 edits.
///
/// ```
/// assert_eq!(wardline::suggest::closest("encrypton", ["encryption", "mfa"]), Some("encryption"));
/// assert_eq!(wardline::suggest::closest("vlan", ["device"]), None);
/// ```
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_chars: Vec<char> = word.chars().collect();
    let pattern = Pattern::new(word);
    let mut rows = Rows::default();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if best.is_some_and(|(distance, _)| distance == 0) {
            break;
        }
        // Only a strictly closer candidate replaces the best one.
        let limit = best.map_or(2, |(distance, _)| distance - 1);
        let found = match (&pattern, candidate.is_ascii()) {
            (Some(pattern), true) => {
                // A transposition is one edit here but two for Levenshtein.
                if pattern.levenshtein(candidate.as_bytes()) > 2 * limit {
                    continue;
                }
                rows.distance_within(word.as_bytes(), candidate.as_bytes(), limit)
            }
            _ => {
                let candidate: Vec<char> = candidate.chars().collect();
                rows.distance_within(&word_chars, &candidate, limit)
            }
        };
        if let Some(distance) = found {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// An ASCII word of at most 64 bytes, prepared for Myers' bit-parallel Levenshtein.
struct Pattern {
    /// For each byte value, the positions where the word has it.
    positions: Box<[u64; 256]>,
    len: usize,
}

impl Pattern {
    fn new(word: &str) -> Option<Pattern> {
        if !word.is_ascii() || word.is_empty() || word.len() > 64 {
            return None;
        }
        let mut positions = Box::new([0u64; 256]);
        for (i, byte) in word.bytes().enumerate() {
            positions[usize::from(byte)] |= 1 << i;
        }
        Some(Pattern {
            positions,
            len: word.len(),
        })
    }

    /// The Levenshtein distance from the word to `text`.
    fn levenshtein(&self, text: &[u8]) -> usize {
        let last = 1u64 << (self.len - 1);
        let (mut plus, mut minus, mut score) = (!0u64, 0u64, self.len);
        for &byte in text {
            let equal = self.positions[usize::from(byte)];
            let vertical = equal | minus;
            let horizontal = ((equal & plus).wrapping_add(plus) ^ plus) | equal;
            let mut up = minus | !(horizontal | plus);
            let mut down = plus & horizontal;
            if up & last != 0 {
                score += 1;
            } else if down & last != 0 {
                score -= 1;
            }
            up = (up << 1) | 1;
            down <<= 1;
            plus = down | !(vertical | up);
            minus = up & vertical;
        }
        score
    }
}

/// Levenshtein distance over chars, with adjacent transpositions counted as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    Rows::default()
        .distance_within(&a, &b, usize::MAX)
        .unwrap_or(usize::MAX)
}

/// Three dynamic-programming rows, reused across candidates.
#[derive(Default)]
struct Rows {
    rows: [Vec<usize>; 3],
}

impl Rows {
    /// The distance from `a` to `b` if it is at most `limit`. Only the diagonal band of
    /// width 2 × `limit` + 1 can hold such a distance, so only it is computed: a
    /// megabyte-long name costs a few passes over it, not its length squared.
    fn distance_within<T: PartialEq>(&mut self, a: &[T], b: &[T], limit: usize) -> Option<usize> {
        if a.len().abs_diff(b.len()) > limit {
            return None;
        }
        let beyond = limit.saturating_add(1);
        let [before, previous, current] = &mut self.rows;
        for row in [&mut *before, &mut *previous, &mut *current] {
            row.clear();
            row.resize(b.len() + 2, beyond);
        }
        for (j, cell) in previous.iter_mut().enumerate().take(b.len().min(limit) + 1) {
            *cell = j;
        }
        for i in 1..=a.len() {
            let low = i.saturating_sub(limit).max(1);
            let high = i.saturating_add(limit).min(b.len());
            // Cells beside the band hold values of rows long gone: fence them off.
            current[low - 1] = if low == 1 { i.min(beyond) } else { beyond };
            current[high + 1] = beyond;
            let mut row_min = current[low - 1];
            for j in low..=high {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut d = previous[j]
                    .saturating_add(1)
                    .min(current[j - 1].saturating_add(1))
                    .min(previous[j - 1].saturating_add(cost));
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d = d.min(before[j - 2].saturating_add(1));
                }
                current[j] = d;
                row_min = row_min.min(d);
            }
            // Every later row is at least this row's minimum: give up early.
            if row_min > limit {
                return None;
            }
            std::mem::swap(before, previous);
            std::mem::swap(previous, current);
        }
        Some(previous[b.len()]).filter(|&d| d <= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_agrees_with_the_full_table() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "bca", "abcd", "badc", "xabc", "abcx",
        ];
        let mut rows = Rows::default();
        for a in words {
            for b in words {
                let full = edit_distance(a, b);
                let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for limit in 0..=3 {
                    let expected = Some(full).filter(|&d| d <= limit);
                    assert_eq!(
                        rows.distance_within(&a, &b, limit),
                        expected,
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn long_words_cost_linear_time() {
        let a = "n".repeat(1 << 20);
        let b = format!("{a}x");
        assert_eq!(closest(&b, [a.as_str()]), Some(a.as_str()));
    }

    #[test]
    fn suggests_within_two_edits() {
        assert_eq!(
            closest("encrypton", ["encryption", "mfa"]),
            Some("encryption")
        );
        assert_eq!(closest("devcie", ["device", "vendor"]), Some("device"));
        assert_eq!(closest("zzzz", ["device"]), None);
        assert_eq!(
            closest("caf\u{e9}s", ["cafe", "caf\u{e9}"]),
            Some("caf\u{e9}")
        );
        assert_eq!(edit_distance("statsu", "status"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn bit_parallel_levenshtein_matches_the_table() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            (0..next() % 12)
                .map(|_| char::from(b'a' + (next() % 4) as u8))
                .collect()
        };
        for _ in 0..5000 {
            let (a, b) = (word(&mut next), word(&mut next));
            let Some(pattern) = Pattern::new(&a) else {
                continue;
            };
            let table = {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let mut rows = vec![vec![0usize; y.len() + 1]; x.len() + 1];
                for (i, row) in rows.iter_mut().enumerate() {
                    row[0] = i;
                }
                for (j, cell) in rows[0].iter_mut().enumerate() {
                    *cell = j;
                }
                for i in 1..=x.len() {
                    for j in 1..=y.len() {
                        let cost = usize::from(x[i - 1] != y[j - 1]);
                        rows[i][j] = (rows[i - 1][j] + 1)
                            .min(rows[i][j - 1] + 1)
                            .min(rows[i - 1][j - 1] + cost);
                    }
                }
                rows[x.len()][y.len()]
            };
            assert_eq!(pattern.levenshtein(b.as_bytes()), table, "{a} → {b}");
        }
    }

    #[test]
    fn prefers_the_closest_then_the_first() {
        assert_eq!(
            closest("model-12", ["model-31", "model-13", "model-12x"]),
            Some("model-13")
        );
        assert_eq!(closest("ab", ["ax", "ay"]), Some("ax"));
        assert_eq!(closest("pump", ["pumps", "pump"]), Some("pump"));
    }
}
