//! Relevance with recency as the tie-breaker, without giving up tantivy's
//! block-max WAND pruning.
//!
//! A score tweak (`TopDocs::tweak_score`) sees every matching document, so
//! a single word's union of fields cannot skip blocks that cannot reach the
//! page. [`BestFirst`] scores first: it keeps the best `k` by (score, last
//! change) and tells the scorer its threshold as the float just below the
//! k-th score, so documents that tie with it still arrive and are ordered
//! by their last change, while blocks whose best score is lower are skipped.

use std::cmp::Ordering;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The best `offset + limit` documents, best first; among equal scores,
/// the most recently changed first.
pub(crate) struct BestFirst {
    /// How many to skip.
    pub(crate) offset: usize,
    /// How many to return after them.
    pub(crate) limit: usize,
}

/// One candidate: better is greater.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked {
    score: Score,
    at: i64,
    doc: DocAddress,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(self.at.cmp(&other.at))
            // The earlier document wins a full tie, so pages are stable.
            .then(other.doc.cmp(&self.doc))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// One segment's best `k`: candidates gather in a buffer that is cut
/// back to the best `k` whenever it holds `2k` (as tantivy's own top-k
/// does), which costs less per candidate than a heap when many documents
/// tie with the k-th score and each must be compared by its last change.
pub(crate) struct SegmentBest {
    k: usize,
    segment: SegmentOrdinal,
    updated_at: Option<Column<i64>>,
    buffer: Vec<Ranked>,
    /// The k-th best score at the last cut: nothing below it can enter.
    floor: Score,
}

impl SegmentBest {
    fn push(&mut self, doc: DocId, score: Score) {
        if self.k == 0 || score < self.floor {
            return;
        }
        let at = self
            .updated_at
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(0);
        self.buffer.push(Ranked {
            score,
            at,
            doc: DocAddress::new(self.segment, doc),
        });
        if self.buffer.len() >= 2 * self.k {
            self.cut();
        }
    }

    /// Keeps the best `k` and raises the floor to the k-th's score.
    fn cut(&mut self) {
        if self.buffer.len() <= self.k {
            return;
        }
        let kth = self.k - 1;
        self.buffer.select_nth_unstable_by(kth, |a, b| b.cmp(a));
        self.buffer.truncate(self.k);
        self.floor = self.buffer[kth].score;
    }

    /// Scores at or above the floor must still arrive (they may tie with
    /// the k-th and be more recent).
    fn threshold(&self) -> Score {
        if self.floor == Score::MIN {
            Score::MIN
        } else {
            self.floor.next_down()
        }
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.push(doc, score);
    }

    fn harvest(mut self) -> Vec<Ranked> {
        self.cut();
        self.buffer
    }
}

impl Collector for BestFirst {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentBest;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentBest> {
        Ok(SegmentBest {
            k: self.offset + self.limit,
            segment,
            updated_at: reader.fast_fields().i64("updated_at").ok(),
            buffer: Vec::new(),
            floor: Score::MIN,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        Ok(all
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|r| (r.score, r.doc))
            .collect())
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<Ranked>> {
        let mut best = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                best.push(doc, score);
            }
            best.threshold()
        })?;
        Ok(best.harvest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The buffer keeps exactly the best `k` of everything pushed,
        /// whatever the ties and however often it is cut.
        #[test]
        fn keeps_the_best_k_of_all_pushed(
            scores in proptest::collection::vec(0u8..6, 0..300),
            k in 0usize..25,
        ) {
            let mut best = SegmentBest {
                k,
                segment: 0,
                updated_at: None,
                buffer: Vec::new(),
                floor: Score::MIN,
            };
            let mut all = Vec::new();
            for (doc, s) in scores.iter().enumerate() {
                let score = Score::from(*s) / 2.0;
                // The scorer leaves out what the threshold says cannot enter.
                if score > best.threshold() {
                    best.push(doc as DocId, score);
                }
                all.push(Ranked { score, at: 0, doc: DocAddress::new(0, doc as DocId) });
            }
            let mut kept = best.harvest();
            kept.sort_unstable_by(|a, b| b.cmp(a));
            all.sort_unstable_by(|a, b| b.cmp(a));
            all.truncate(k);
            prop_assert_eq!(kept, all);
        }
    }
}
