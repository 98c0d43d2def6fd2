//! "Did you mean" suggestions: the closest candidate within edit distance 2.

/// The candidate closest to `word` (ties: the first in iteration order), if within 2 edits.
///
/// ```
/// assert_eq!(wardline::suggest::closest("encrypton", ["encryption", "mfa"]), Some("encryption"));
/// assert_eq!(wardline::suggest::closest("vlan", ["device"]), None);
/// ```
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.len().abs_diff(word.len()) > 2 {
            continue;
        }
        let distance = edit_distance(word, candidate);
        if distance <= 2 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance over chars, with adjacent transpositions counted as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_within_two_edits() {
        assert_eq!(
            closest("encrypton", ["encryption", "mfa"]),
            Some("encryption")
        );
        assert_eq!(closest("devcie", ["device", "vendor"]), Some("device"));
        assert_eq!(closest("zzzz", ["device"]), None);
        assert_eq!(edit_distance("statsu", "status"), 1);
    }
}
