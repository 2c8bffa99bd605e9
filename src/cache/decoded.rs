//! Decoded values, kept beside the bytes they came from.
//!
//! Entries are stored encoded (MessagePack, LZ4 above 1 KiB) so both tiers hold the same
//! bytes; decoding a source's answer with hundreds of releases costs far more than the rest of
//! a warm request. A family therefore keeps the value it last decoded for each key, with the
//! bytes it came from: a read whose entry is those very bytes (the in-process tier hands out
//! the same buffer until the entry changes) takes the value, and any other read decodes anew.
//! Bounded by weight (the encoded size, scaled for the decoded form), so it cannot outgrow its
//! share of the memory budget.

use super::entry::Envelope;
use bytes::Bytes;
use moka::sync::Cache as Moka;
use std::sync::Arc;

/// How much larger a decoded value is taken to be than its encoded bytes.
const DECODED_FACTOR: u64 = 4;

/// One family's decoded values.
pub(super) struct Decoded<V> {
    values: Moka<String, Arc<(Bytes, V)>>,
}

impl<V: Clone + Send + Sync + 'static> Decoded<V> {
    /// A memo of at most `budget` bytes.
    pub fn new(budget: u64) -> Self {
        let values = Moka::builder()
            .max_capacity(budget.max(1))
            .weigher(|key: &String, held: &Arc<(Bytes, V)>| {
                let bytes = (held.0.len() as u64 * DECODED_FACTOR + key.len() as u64).max(1);
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .build();
        Self { values }
    }

    /// The value of `entry`: the one decoded from these very bytes, or `decode`'s.
    pub fn get_or_decode(
        &self,
        key: &str,
        entry: &Envelope,
        decode: impl FnOnce() -> Option<V>,
    ) -> Option<V> {
        if let Some(held) = self.values.get(key)
            && same_bytes(&held.0, entry.bytes())
        {
            return Some(held.1.clone());
        }
        let value = decode()?;
        self.values.insert(
            key.to_owned(),
            Arc::new((entry.bytes().clone(), value.clone())),
        );
        Some(value)
    }
}

/// The same buffer, not merely equal bytes: equality would cost a comparison as long as the
/// decode it saves.
fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Policy, entry::Lifetime};
    use std::cell::Cell;
    use std::time::Duration;

    fn envelope(value: &str) -> Envelope {
        let lifetime = Lifetime::starting(0, Policy::only_fresh(Duration::from_secs(60)));
        Envelope::encode(&value, lifetime).expect("encodes")
    }

    #[test]
    fn the_same_bytes_are_decoded_once_and_new_bytes_again() {
        let memo: Decoded<String> = Decoded::new(1 << 20);
        let decodes = Cell::new(0);
        let read = |entry: &Envelope| {
            memo.get_or_decode("k", entry, || {
                decodes.set(decodes.get() + 1);
                entry.decode().ok()
            })
        };
        let first = envelope("one");
        assert_eq!(read(&first).as_deref(), Some("one"));
        assert_eq!(read(&first.clone()).as_deref(), Some("one"));
        assert_eq!(
            decodes.get(),
            1,
            "a clone shares the bytes: no second decode"
        );
        let equal_but_other = envelope("one");
        assert_eq!(read(&equal_but_other).as_deref(), Some("one"));
        assert_eq!(decodes.get(), 2, "another stored version is decoded anew");
        let changed = envelope("two");
        assert_eq!(read(&changed).as_deref(), Some("two"));
        assert_eq!(decodes.get(), 3);
    }
}
