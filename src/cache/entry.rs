//! One stored entry: its lifetime and its value, as compact bytes.
//!
//! Layout: a format byte, a flags byte, three big-endian `u64` timestamps (Unix milliseconds:
//! fresh until, stale until, usable until), then the value as MessagePack, LZ4-compressed when
//! large. The timestamps come first and uncompressed so freshness is judged without decoding
//! the value. Wall-clock time is used because entries are shared between instances.

use crate::clock::millis;
pub(crate) use crate::clock::now_ms;
use bytes::{BufMut, Bytes, BytesMut};
use serde::{Serialize, de::DeserializeOwned};
use std::time::Duration;

/// Bumped with any change to the layout; entries of another format read as misses.
const FORMAT: u8 = 1;
const COMPRESSED: u8 = 1;
const HEADER: usize = 2 + 3 * 8;
/// Values above this many bytes are compressed; below it LZ4 saves too little to pay its cost.
const COMPRESS_ABOVE: usize = 1024;

/// How long a value is served, chosen per value (an empty answer is kept for less time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Served as is, without asking the source.
    pub fresh: Duration,
    /// After `fresh`: served at once while one background call refreshes it.
    pub stale: Duration,
    /// After `fresh`: served when the call that should replace it fails.
    pub stale_if_error: Duration,
}

impl Policy {
    /// Fresh for `ttl`, then gone: for failures and other answers not worth serving stale.
    pub fn only_fresh(ttl: Duration) -> Self {
        Self {
            fresh: ttl,
            stale: Duration::ZERO,
            stale_if_error: Duration::ZERO,
        }
    }
}

/// Where an entry stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    Fresh,
    /// Serve it and refresh in the background.
    Stale,
    /// Serve it only if the refresh fails.
    Reserve,
    Expired,
}

/// The three instants of an entry's life, in Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lifetime {
    pub fresh_until: u64,
    pub stale_until: u64,
    pub usable_until: u64,
}

impl Lifetime {
    /// The lifetime of a value stored at `now` under `policy`.
    pub fn starting(now: u64, policy: Policy) -> Self {
        let fresh_until = now.saturating_add(millis(policy.fresh));
        Self {
            fresh_until,
            stale_until: fresh_until.saturating_add(millis(policy.stale)),
            usable_until: fresh_until
                .saturating_add(millis(policy.stale.max(policy.stale_if_error))),
        }
    }

    pub fn at(&self, now: u64) -> Freshness {
        if now < self.fresh_until {
            Freshness::Fresh
        } else if now < self.stale_until {
            Freshness::Stale
        } else if now < self.usable_until {
            Freshness::Reserve
        } else {
            Freshness::Expired
        }
    }

    /// How long the entry is worth keeping from `now` on.
    pub fn remaining(&self, now: u64) -> Duration {
        Duration::from_millis(self.usable_until.saturating_sub(now))
    }

    /// The lifetime of an entry kept because its refresh failed: fresh again for `retry_after`
    /// (so the failing source is not asked on every request), then stale until its end, which
    /// never moves — the stale-if-error limit counts from the last success.
    pub fn after_failure(&self, now: u64, retry_after: Duration) -> Self {
        let fresh_until = now
            .saturating_add(millis(retry_after))
            .min(self.usable_until);
        Self {
            fresh_until,
            stale_until: self.usable_until,
            usable_until: self.usable_until,
        }
    }
}

/// Why a value could not be turned into bytes or back.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CodecError {
    #[error("encode: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
    #[error("decode: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    #[error("decompress: {0}")]
    Decompress(#[from] lz4_flex::block::DecompressError),
}

/// A stored entry, still as bytes.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub lifetime: Lifetime,
    bytes: Bytes,
}

impl Envelope {
    /// Encodes a value with its lifetime.
    pub fn encode<V: Serialize>(value: &V, lifetime: Lifetime) -> Result<Self, CodecError> {
        let plain = rmp_serde::to_vec_named(value)?;
        let (flags, payload) = if plain.len() > COMPRESS_ABOVE {
            (COMPRESSED, lz4_flex::compress_prepend_size(&plain))
        } else {
            (0, plain)
        };
        let mut bytes = BytesMut::with_capacity(HEADER + payload.len());
        bytes.put_u8(FORMAT);
        bytes.put_u8(flags);
        put_lifetime(&mut bytes, lifetime);
        bytes.put_slice(&payload);
        Ok(Self {
            lifetime,
            bytes: bytes.freeze(),
        })
    }

    /// Reads the header of stored bytes; `None` for bytes of another format.
    pub fn parse(bytes: Bytes) -> Option<Self> {
        if bytes.len() < HEADER || bytes[0] != FORMAT {
            return None;
        }
        let at = |index: usize| {
            let start = 2 + index * 8;
            bytes
                .get(start..start + 8)
                .and_then(|slice| <[u8; 8]>::try_from(slice).ok())
                .map(u64::from_be_bytes)
        };
        let lifetime = Lifetime {
            fresh_until: at(0)?,
            stale_until: at(1)?,
            usable_until: at(2)?,
        };
        Some(Self { lifetime, bytes })
    }

    /// Decodes the value.
    pub fn decode<V: DeserializeOwned>(&self) -> Result<V, CodecError> {
        let payload = &self.bytes[HEADER..];
        if self.bytes[1] & COMPRESSED != 0 {
            let plain = lz4_flex::decompress_size_prepended(payload)?;
            Ok(rmp_serde::from_slice(&plain)?)
        } else {
            Ok(rmp_serde::from_slice(payload)?)
        }
    }

    /// The same value with another lifetime, without decoding it.
    pub fn with_lifetime(&self, lifetime: Lifetime) -> Self {
        let mut bytes = BytesMut::from(&self.bytes[..]);
        let mut header = &mut bytes[2..HEADER];
        put_lifetime(&mut header, lifetime);
        Self {
            lifetime,
            bytes: bytes.freeze(),
        }
    }

    /// The stored form.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

fn put_lifetime(buffer: &mut impl BufMut, lifetime: Lifetime) {
    buffer.put_u64(lifetime.fresh_until);
    buffer.put_u64(lifetime.stale_until);
    buffer.put_u64(lifetime.usable_until);
}

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
