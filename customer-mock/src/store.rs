//! The customers the mock holds: bounded, oldest evicted first.

use std::collections::{HashMap, VecDeque};

use serde_json::Value;

/// One stored customer and its version (the ETag).
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub body: Value,
    pub version: u64,
}

impl Stored {
    /// The ETag of this version, as sent and as expected in `if-match`.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.version)
    }
}

/// At most `capacity` customers; creating one more forgets the oldest.
pub(crate) struct Store {
    capacity: usize,
    customers: HashMap<String, Stored>,
    /// Creation order, for eviction; may hold ids deleted since (skipped then).
    order: VecDeque<String>,
}

impl Store {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            customers: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub fn insert(&mut self, id: String, body: Value) -> Stored {
        while self.customers.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.customers.remove(&oldest);
                }
                None => break,
            }
        }
        // Deleted ids linger in `order`; compact when they dominate so it stays bounded.
        if self.order.len() > 2 * self.capacity {
            let customers = &self.customers;
            self.order.retain(|id| customers.contains_key(id));
        }
        let stored = Stored { body, version: 1 };
        self.order.push_back(id.clone());
        self.customers.insert(id, stored.clone());
        stored
    }

    pub fn get(&self, id: &str) -> Option<&Stored> {
        self.customers.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Stored> {
        self.customers.get_mut(id)
    }

    pub fn remove(&mut self, id: &str) -> Option<Stored> {
        self.customers.remove(id)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.customers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_is_evicted_at_capacity() {
        let mut store = Store::new(2);
        store.insert("a".into(), Value::Null);
        store.insert("b".into(), Value::Null);
        store.insert("c".into(), Value::Null);
        assert_eq!(store.len(), 2);
        assert!(store.get("a").is_none());
        assert!(store.get("c").is_some());
    }

    #[test]
    fn deleted_ids_do_not_grow_the_order_without_bound() {
        let mut store = Store::new(3);
        for i in 0..1000 {
            let id = i.to_string();
            store.insert(id.clone(), Value::Null);
            store.remove(&id);
        }
        assert!(store.order.len() <= 2 * 3 + 1, "{}", store.order.len());
    }
}
