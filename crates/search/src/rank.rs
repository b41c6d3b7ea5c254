//! Relevance with recency as the tie-breaker, without giving up tantivy's
//! block-max WAND pruning.
//!
//! A score tweak (`TopDocs::tweak_score`) sees every matching document, so
//! a single word's union of fields cannot skip blocks that cannot reach the
//! page. [`BestFirst`] scores first: it keeps the best `k` by (score, last
//! change) and tells the scorer its threshold as the float just below the
//! k-th score, so documents that tie with it still arrive and are ordered
//! by their last change, while blocks whose best score is lower are skipped.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
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

/// One segment's best `k`.
pub(crate) struct SegmentBest {
    k: usize,
    segment: SegmentOrdinal,
    updated_at: Option<Column<i64>>,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl SegmentBest {
    fn push(&mut self, doc: DocId, score: Score) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() == self.k
            && self
                .heap
                .peek()
                .is_some_and(|Reverse(worst)| score < worst.score)
        {
            return;
        }
        let at = self
            .updated_at
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(0);
        let ranked = Ranked {
            score,
            at,
            doc: DocAddress::new(self.segment, doc),
        };
        if self.heap.len() < self.k {
            self.heap.push(Reverse(ranked));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && ranked > worst.0
        {
            *worst = Reverse(ranked);
        }
    }

    /// Scores at or above the k-th must still arrive (they may tie with it).
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse(worst)) if self.heap.len() == self.k => worst.score.next_down(),
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.push(doc, score);
    }

    fn harvest(self) -> Vec<Ranked> {
        self.heap.into_iter().map(|Reverse(r)| r).collect()
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
            heap: BinaryHeap::new(),
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
