//! Milestones as the frameworks are handed them: a list in the user's order (repeats kept), or
//! the progression lrsched expands `step_size` into, which is never materialised.

use super::{Decay, Params};

/// The iterations a framework is told to decay at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Milestones {
    /// As listed: `given` keeps the user's order (timm bisects it as it is), `sorted` serves
    /// the counting questions.
    List { given: Vec<u64>, sorted: Vec<u64> },
    /// `first, first + step, first + 2·step, …` below `end`.
    Every { first: u64, step: u64, end: u64 },
}

impl Milestones {
    /// The list a framework gets for `params`: the milestones as given, or for `step_size` every
    /// `W + k·step_size` below `iters` (the frameworks' multi-step schedulers take a list).
    pub fn of(params: &Params) -> Self {
        match &params.decay {
            Decay::Milestones(list) => Milestones::list(list.clone()),
            Decay::StepSize(step) => Milestones::Every {
                first: params.warmup_iters.saturating_add(*step),
                step: *step,
                end: params.iters,
            },
        }
    }

    pub fn list(given: Vec<u64>) -> Self {
        let mut sorted = given.clone();
        sorted.sort_unstable();
        Milestones::List { given, sorted }
    }

    /// Only the milestones below `limit`, in the same order.
    pub fn below(self, limit: u64) -> Self {
        match self {
            Milestones::List { given, .. } => {
                Milestones::list(given.into_iter().filter(|&m| m < limit).collect())
            }
            Milestones::Every { first, step, end } => Milestones::Every {
                first,
                step,
                end: end.min(limit),
            },
        }
    }

    /// The key the milestones come from.
    pub fn key(&self) -> &'static str {
        match self {
            Milestones::List { .. } => "milestones",
            Milestones::Every { .. } => "step_size",
        }
    }

    /// The list as given, when it is one.
    pub fn given(&self) -> Option<&[u64]> {
        match self {
            Milestones::List { given, .. } => Some(given),
            Milestones::Every { .. } => None,
        }
    }

    /// How many milestones there are, repeats counted.
    pub fn len(&self) -> u64 {
        match *self {
            Milestones::List { ref sorted, .. } => sorted.len() as u64,
            Milestones::Every { first, step, end } if first < end => (end - 1 - first) / step + 1,
            Milestones::Every { .. } => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Milestones `m <= x`, repeats counted: `bisect_right` on the sorted list.
    pub fn count_le(&self, x: u64) -> u64 {
        match *self {
            Milestones::List { ref sorted, .. } => sorted.partition_point(|&m| m <= x) as u64,
            Milestones::Every { first, step, .. } if x >= first => {
                ((x - first) / step + 1).min(self.len())
            }
            Milestones::Every { .. } => 0,
        }
    }

    /// Milestones `m < x`, repeats counted.
    pub fn count_lt(&self, x: u64) -> u64 {
        x.checked_sub(1).map_or(0, |below| self.count_le(below))
    }

    /// How many times `x` is listed (`Counter(milestones)[x]`).
    pub fn multiplicity(&self, x: u64) -> u64 {
        match *self {
            Milestones::List { ref sorted, .. } => {
                (sorted.partition_point(|&m| m <= x) - sorted.partition_point(|&m| m < x)) as u64
            }
            Milestones::Every { first, step, end } => {
                u64::from(x >= first && x < end && (x - first).is_multiple_of(step))
            }
        }
    }

    /// The smallest milestone above `x`.
    pub fn next_after(&self, x: u64) -> Option<u64> {
        match *self {
            Milestones::List { ref sorted, .. } => {
                sorted.get(sorted.partition_point(|&m| m <= x)).copied()
            }
            Milestones::Every { first, step, end } => {
                let next = if x < first {
                    Some(first)
                } else {
                    ((x - first) / step + 1)
                        .checked_mul(step)
                        .and_then(|offset| offset.checked_add(first))
                };
                next.filter(|&m| m < end)
            }
        }
    }

    /// The smallest milestone at or above `x`.
    pub fn next_at_or_after(&self, x: u64) -> Option<u64> {
        if self.multiplicity(x) > 0 {
            Some(x)
        } else {
            self.next_after(x)
        }
    }

    /// Python's `bisect.bisect_right(milestones, x)` on the list in the order given. On a sorted
    /// list that is `count_le`; on an unsorted one it is whatever the binary search lands on,
    /// which is what a framework that bisects an unsorted list computes.
    pub fn bisect_right_given(&self, x: u64) -> u64 {
        match self {
            Milestones::List { given, .. } => {
                let (mut lo, mut hi) = (0, given.len());
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if x < given[mid] {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                lo as u64
            }
            Milestones::Every { .. } => self.count_le(x),
        }
    }

    /// The distinct milestones at or above `x`, ascending.
    pub fn distinct_from(&self, x: u64) -> impl Iterator<Item = u64> + '_ {
        let mut next = self.next_at_or_after(x);
        std::iter::from_fn(move || {
            let current = next?;
            next = self.next_after(current);
            Some(current)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_counts_repeats_in_any_order() {
        let m = Milestones::list(vec![40, 20, 20]);
        assert_eq!(m.len(), 3);
        assert_eq!(m.count_le(19), 0);
        assert_eq!(m.count_le(20), 2);
        assert_eq!(m.count_lt(20), 0);
        assert_eq!(m.count_lt(21), 2);
        assert_eq!(m.multiplicity(20), 2);
        assert_eq!(m.multiplicity(30), 0);
        assert_eq!(m.next_after(20), Some(40));
        assert_eq!(m.next_after(40), None);
        assert_eq!(m.next_at_or_after(20), Some(20));
        assert_eq!(m.distinct_from(0).collect::<Vec<_>>(), vec![20, 40]);
    }

    #[test]
    fn bisect_on_the_given_order_as_python_does() {
        // bisect.bisect_right([60, 30], x): 0 below 30, then 2 at once.
        let unsorted = Milestones::list(vec![60, 30]);
        assert_eq!(unsorted.bisect_right_given(29), 0);
        assert_eq!(unsorted.bisect_right_given(30), 2);
        assert_eq!(unsorted.bisect_right_given(59), 2);
        let sorted = Milestones::list(vec![20, 20, 40]);
        assert_eq!(sorted.bisect_right_given(20), 2);
        assert_eq!(sorted.bisect_right_given(40), 3);
    }

    #[test]
    fn every_is_a_lazy_progression() {
        let m = Milestones::Every {
            first: 40,
            step: 30,
            end: 100,
        };
        assert_eq!(m.len(), 2);
        assert_eq!(m.count_le(39), 0);
        assert_eq!(m.count_le(70), 2);
        assert_eq!(m.count_le(1000), 2);
        assert_eq!(m.multiplicity(70), 1);
        assert_eq!(m.multiplicity(100), 0);
        assert_eq!(m.next_after(0), Some(40));
        assert_eq!(m.next_after(40), Some(70));
        assert_eq!(m.next_after(70), None);
        assert_eq!(m.bisect_right_given(69), 1);
    }

    #[test]
    fn every_near_the_u64_limit() {
        let m = Milestones::Every {
            first: u64::MAX - 1,
            step: u64::MAX,
            end: u64::MAX,
        };
        assert_eq!(m.len(), 1);
        assert_eq!(m.next_after(u64::MAX - 1), None);
        let empty = Milestones::Every {
            first: u64::MAX,
            step: 5,
            end: 10,
        };
        assert!(empty.is_empty());
        assert_eq!(empty.count_le(u64::MAX), 0);
        assert_eq!(empty.next_after(0), None);
    }

    #[test]
    fn below_drops_the_rest() {
        let m = Milestones::list(vec![5, 200, 10]).below(100);
        assert_eq!(m.given(), Some(&[5, 10][..]));
        let every = Milestones::Every {
            first: 10,
            step: 10,
            end: 1000,
        }
        .below(35);
        assert_eq!(every.len(), 3);
    }
}
