//! Decays counted the way a framework that scans its list in order counts them:
//! `for j, s in enumerate(steps): if t < s: break`, so k is the index of the first listed
//! milestone above t. On a sorted list that is the number of milestones <= t (repeats
//! counted); on an unsorted one the lr waits for the largest milestone listed so far.

use super::milestones::Milestones;

/// The first index j with `milestones[j] > t`, answered in O(log n).
pub(crate) enum FirstAbove {
    /// The running maximum of the list as given: the first milestone above t is the first whose
    /// running maximum is above t, and the running maximum is sorted.
    Scanned { running_max: Vec<u64> },
    /// A `step_size` progression: sorted already, kept lazy.
    Sorted(Milestones),
}

impl FirstAbove {
    pub fn of(milestones: &Milestones) -> Self {
        match milestones.given() {
            Some(given) => FirstAbove::Scanned {
                running_max: given
                    .iter()
                    .scan(0, |max, &m| {
                        *max = m.max(*max);
                        Some(*max)
                    })
                    .collect(),
            },
            None => FirstAbove::Sorted(milestones.clone()),
        }
    }

    /// How many milestones are listed.
    pub fn len(&self) -> u64 {
        match self {
            FirstAbove::Scanned { running_max } => running_max.len() as u64,
            FirstAbove::Sorted(milestones) => milestones.len(),
        }
    }

    /// The index of the first milestone above `t`, or the length when there is none.
    pub fn index(&self, t: u64) -> u64 {
        match self {
            FirstAbove::Scanned { running_max } => running_max.partition_point(|&m| m <= t) as u64,
            FirstAbove::Sorted(milestones) => milestones.count_le(t),
        }
    }

    /// The first iteration after `t` with another index.
    pub fn next_change(&self, t: u64) -> Option<u64> {
        match self {
            FirstAbove::Scanned { running_max } => running_max.get(self.index(t) as usize).copied(),
            FirstAbove::Sorted(milestones) => milestones.next_after(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_waits_for_the_largest_so_far() {
        // [60, 30]: index 0 below 60, then 2 at once (no milestone above t).
        let scan = FirstAbove::of(&Milestones::list(vec![60, 30]));
        assert_eq!(scan.index(29), 0);
        assert_eq!(scan.index(30), 0);
        assert_eq!(scan.index(59), 0);
        assert_eq!(scan.index(60), 2);
        assert_eq!(scan.next_change(0), Some(60));
        assert_eq!(scan.next_change(60), None);
    }

    #[test]
    fn sorted_counts_repeats() {
        let scan = FirstAbove::of(&Milestones::list(vec![20, 20, 40]));
        assert_eq!(scan.index(19), 0);
        assert_eq!(scan.index(20), 2);
        assert_eq!(scan.index(40), 3);
        assert_eq!(scan.next_change(20), Some(40));
        let every = FirstAbove::of(&Milestones::Every {
            first: 10,
            step: 10,
            end: 35,
        });
        assert_eq!(every.len(), 3);
        assert_eq!(every.index(25), 2);
        assert_eq!(every.next_change(25), Some(30));
        assert_eq!(every.next_change(30), None);
    }
}
