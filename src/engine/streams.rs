//! Random streams: one ChaCha8 stream per (entity, kind of draw), keyed by
//! the seed; trial t reads word t of each stream. Changing, adding or
//! removing one entity therefore leaves every other entity's draws alone.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The kinds of draw a stream serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// A condition's state.
    State,
    /// A contributor's willingness.
    Willing,
    /// The host's veto of a contributor.
    Vetoed,
    /// A contributor's pledge.
    Pledge,
    /// The share of the pledge that deploys.
    Delivery,
    /// Months until arrival.
    LeadTime,
    /// Whether change k (from 1, in file order) of a condition happens.
    ChangeHappens(u32),
    /// When change k of a condition starts.
    ChangeMonth(u32),
    /// How long change k of a condition lasts.
    ChangeLasts(u32),
}

impl Draw {
    fn label(self) -> String {
        match self {
            Draw::State => "condition/state".into(),
            Draw::Willing => "contributor/willing".into(),
            Draw::Vetoed => "contributor/vetoed".into(),
            Draw::Pledge => "contributor/pledge".into(),
            Draw::Delivery => "contributor/delivery".into(),
            Draw::LeadTime => "contributor/lead_months".into(),
            Draw::ChangeHappens(k) => format!("condition/change {k} happens"),
            Draw::ChangeMonth(k) => format!("condition/change {k} month"),
            Draw::ChangeLasts(k) => format!("condition/change {k} lasts"),
        }
    }
}

/// The ChaCha8 stream number of one entity's draws: the first 8 bytes of
/// SHA-256 over the draw's kind and the entity's name.
pub fn stream_id(draw: Draw, entity: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(b"muster-stream-v1\0");
    h.update(draw.label().as_bytes());
    h.update(b"\0");
    h.update(entity.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

/// A seeded generator positioned on demand.
#[derive(Clone)]
pub struct Streams {
    base: ChaCha8Rng,
}

impl Streams {
    pub fn new(seed: u64) -> Streams {
        Streams {
            base: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Fills `out` with words `first_trial ..` of stream `stream`.
    pub fn fill(&self, stream: u64, first_trial: u64, out: &mut [u32]) {
        let mut rng = self.base.clone();
        rng.set_stream(stream);
        rng.set_word_pos(first_trial as u128);
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(out);
        rng.fill_bytes(bytes);
        // The stream's words are little-endian bytes (a no-op on x86).
        for w in out.iter_mut() {
            *w = u32::from_le(*w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_reads_the_same_word_whatever_the_batch() {
        let s = Streams::new(7);
        let id = stream_id(Draw::Pledge, "Indonesia");
        let mut whole = vec![0u32; 300];
        s.fill(id, 0, &mut whole);
        let mut part = vec![0u32; 50];
        s.fill(id, 123, &mut part);
        assert_eq!(&whole[123..173], &part[..]);
    }

    #[test]
    fn streams_differ_by_entity_and_draw() {
        assert_ne!(stream_id(Draw::Pledge, "A"), stream_id(Draw::Pledge, "B"));
        assert_ne!(stream_id(Draw::Pledge, "A"), stream_id(Draw::Delivery, "A"));
    }
}
