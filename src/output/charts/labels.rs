//! Labels of factors (parameter paths such as `behaviour.retention.base_hazard`, long and often
//! alike): the shared prefix left out, and greedy placement where a label covers nothing.

/// The length of the prefix up to a dot that all factor names share ("behaviour." for
/// `behaviour.retention.base_hazard` and `behaviour.satisfaction.voice`): labels leave it out
/// and the figure says so once. 0 for a single factor or names without a shared part.
pub(super) fn common_prefix(names: &[&str]) -> usize {
    let Some((first, rest)) = names.split_first() else { return 0 };
    if rest.is_empty() {
        return 0;
    }
    first
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            c == '.' && names.iter().all(|n| n.len() > i + 1 && n.as_bytes()[..=i] == first.as_bytes()[..=i])
        })
        .map_or(0, |(i, _)| i + 1)
}

/// The note on a shared prefix left out of the labels, or nothing.
pub(super) fn prefix_note(names: &[&str], prefix: usize) -> String {
    match names.first() {
        Some(n) if prefix > 0 => crate::lang::current().fill("sweep.common_prefix", &[("prefix", &&n[..prefix])]),
        _ => String::new(),
    }
}

/// Pixel box of a label: (x0, y0, x1, y1).
pub(super) type PixelBox = (i32, i32, i32, i32);

fn overlaps(a: PixelBox, b: PixelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Greedy label placement in pixels: the first spot around an anchor, inside the plot, that
/// covers nothing; failing that, the one that covers no dot or other label and the fewest
/// lines; failing that, the one that covers the fewest things.
pub(super) struct Labels {
    pub(super) plot: (std::ops::Range<i32>, std::ops::Range<i32>),
    /// Dots, labels and notes: text over them is unreadable.
    pub(super) hard: Vec<PixelBox>,
    /// Pieces of lines and interval bars: text over them is still readable.
    pub(super) soft: Vec<PixelBox>,
}

impl Labels {
    /// The box for a `(w, h)` label at `at`, and whether it had to move away from the anchor.
    pub(super) fn place(&mut self, at: (i32, i32), (w, h): (u32, u32)) -> (PixelBox, bool) {
        let (w, h) = (w as i32, h as i32);
        let (x, y) = at;
        let mut candidates =
            vec![(14, -h / 2), (-14 - w, -h / 2), (8, -h - 10), (-w - 8, -h - 10), (8, 10), (-w - 8, 10)];
        for step in 1..10 {
            for sign in [-1, 1] {
                candidates.push((14, -h / 2 + sign * step * (h + 4)));
                candidates.push((-14 - w, -h / 2 + sign * step * (h + 4)));
            }
        }
        let (px, py) = &self.plot;
        let score = |&(dx, dy): &(i32, i32)| {
            let b = (x + dx, y + dy, x + dx + w, y + dy + h);
            let inside = b.0 >= px.start && b.2 <= px.end && b.1 >= py.start && b.3 <= py.end;
            let hard = self.hard.iter().filter(|t| overlaps(**t, b)).count();
            let soft = self.soft.iter().filter(|t| overlaps(**t, b)).count();
            (!inside, hard, soft)
        };
        let best = (0..candidates.len()).min_by_key(|&i| (score(&candidates[i]), i)).unwrap_or(0);
        let (dx, dy) = candidates[best];
        // a label wider than the plot still starts inside it
        let bx = (x + dx).clamp(px.start, (px.end - w).max(px.start));
        let by = (y + dy).clamp(py.start, (py.end - h).max(py.start));
        let b = (bx, by, bx + w, by + h);
        self.hard.push(b);
        (b, best >= 6)
    }
}

/// Boxes for the labels of events marked by vertical lines in a plot (pixels): label `i` of
/// size `sizes[i]` belongs to the line at `xs[i]`. Labels are stacked from the top, beside
/// their line (right of it, else left of it, else centred on it where neither side has room),
/// each in the first row where it covers no earlier label; labels of one line (events of the same month) form
/// one stack. `None` for a label that fits nowhere inside the plot (the figure says so).
pub(super) fn event_boxes(
    plot: (std::ops::Range<i32>, std::ops::Range<i32>),
    xs: &[i32],
    sizes: &[(u32, u32)],
) -> Vec<Option<PixelBox>> {
    const GAP: i32 = 6;
    let (px, py) = plot;
    let mut placed: Vec<PixelBox> = Vec::new();
    xs.iter()
        .zip(sizes)
        .map(|(&x, &(w, h))| {
            let (w, h) = (w as i32, h as i32);
            let mut y = py.start + 4;
            while y + h <= py.end {
                let centred = (x - w / 2).clamp(px.start, (px.end - w).max(px.start));
                for x0 in [x + GAP, x - GAP - w, centred] {
                    let b = (x0, y, x0 + w, y + h);
                    let inside = b.0 >= px.start && b.2 <= px.end;
                    if inside && !placed.iter().any(|p| overlaps(*p, b)) {
                        placed.push(b);
                        return Some(b);
                    }
                }
                y += 2;
            }
            None
        })
        .collect()
}
