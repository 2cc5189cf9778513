//! The measures' rolling window: a ring buffer of the last step records.

use crate::model::StepRecord;

/// A ring buffer of the last `capacity` step records (the measures' rolling window).
#[derive(Clone, Debug)]
pub struct Window {
    capacity: usize,
    items: Vec<StepRecord>,
    next: usize,
}

impl Window {
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), items: Vec::with_capacity(capacity.max(1)), next: 0 }
    }
    pub fn push(&mut self, r: StepRecord) {
        if self.items.len() < self.capacity {
            self.items.push(r);
        } else {
            self.items[self.next] = r;
        }
        self.next = (self.next + 1) % self.capacity;
    }
    /// Records from oldest to newest.
    pub fn iter(&self) -> impl Iterator<Item = &StepRecord> {
        let (a, b) = if self.items.len() < self.capacity {
            (&self.items[..], &self.items[..0])
        } else {
            (&self.items[self.next..], &self.items[..self.next])
        };
        a.iter().chain(b.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_the_last_records_in_order() {
        let mut w = Window::new(3);
        for i in 0..5 {
            w.push(StepRecord { volunteer_hours: i as f64, ..Default::default() });
        }
        let v: Vec<f64> = w.iter().map(|r| r.volunteer_hours).collect();
        assert_eq!(v, vec![2.0, 3.0, 4.0]);
    }
}
