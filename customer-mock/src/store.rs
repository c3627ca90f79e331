//! The customers the mock holds, with what they own (shipping addresses, payment
//! instruments): bounded, oldest customer evicted first, and a bounded number of
//! sub-resources per customer; the instrument identifiers, one per card or bank
//! account number, bounded too; their ids and versions (ETags), and how a change is
//! merged into what is held.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::Value;

/// One stored customer and its version (the ETag), with the sub-resources it owns,
/// by collection (`shipping-addresses`, `payment-instruments`).
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub body: Value,
    pub version: u64,
    pub children: BTreeMap<&'static str, Children>,
}

/// The sub-resources of one collection of a customer, in creation order, and which one
/// is the customer's default.
#[derive(Clone, Debug, Default)]
pub(crate) struct Children {
    pub items: Vec<Child>,
    pub default: Option<String>,
}

/// One sub-resource and its version.
#[derive(Clone, Debug)]
pub(crate) struct Child {
    pub id: String,
    pub body: Value,
    pub version: u64,
}

impl Child {
    /// The ETag of this version.
    pub fn etag(&self) -> String {
        etag(self.version)
    }
}

/// One instrument identifier: its fields as shown (the number masked) and its version.
#[derive(Clone, Debug)]
pub(crate) struct Identifier {
    pub id: String,
    pub body: Value,
    pub version: u64,
}

impl Identifier {
    /// The ETag of this version.
    pub fn etag(&self) -> String {
        etag(self.version)
    }
}

/// The instrument identifiers, by id and by their number's key: the SHA-256 of the
/// card number, or of the bank account and routing numbers, so that the same number
/// finds the same identifier while no full number is kept, not even in memory.
#[derive(Debug, Default)]
pub(crate) struct Identifiers {
    by_id: HashMap<String, Identifier>,
    by_number: HashMap<[u8; 32], String>,
}

impl Identifiers {
    pub fn by_number(&self, key: &[u8; 32]) -> Option<&Identifier> {
        self.by_number.get(key).and_then(|id| self.by_id.get(id))
    }

    pub fn get(&self, id: &str) -> Option<&Identifier> {
        self.by_id.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Identifier> {
        self.by_id.get_mut(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn insert(&mut self, key: [u8; 32], identifier: Identifier) {
        self.by_number.insert(key, identifier.id.clone());
        self.by_id.insert(identifier.id.clone(), identifier);
    }

    pub fn remove(&mut self, id: &str) -> Option<Identifier> {
        self.by_number.retain(|_, named| named != id);
        self.by_id.remove(id)
    }
}

/// A fresh instrument identifier id: 19 digits, as CyberSource's look
/// (`7010000000016241111`).
pub(crate) fn new_identifier_id() -> String {
    let random = uuid::Uuid::new_v4().as_u128();
    format!("701{:016}", random % 10_000_000_000_000_000)
}

/// The ETag of a version, as sent and as expected in `if-match`.
fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// A fresh token id: 32 upper-case hexadecimal digits, as TMS ids look.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase()
}

/// Applies a JSON Merge Patch to `target`, exactly as RFC 7396 section 2 writes it: a
/// patch that is an object merges member by member (a `null` member removes the
/// target's, whether it has one or not; an object member merges in turn), turning a
/// target that is not an object into one first; any other patch replaces the target
/// whole, arrays included.
pub fn merge(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(members) = target else {
        return;
    };
    for (name, value) in patch {
        if value.is_null() {
            members.remove(&name);
        } else {
            merge(members.entry(name).or_insert(Value::Null), value);
        }
    }
}

impl Children {
    /// The most sub-resources of one collection a customer may have.
    pub const CAPACITY: usize = 200;

    pub fn get(&self, id: &str) -> Option<&Child> {
        self.items.iter().find(|c| c.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Child> {
        self.items.iter_mut().find(|c| c.id == id)
    }
}

impl Stored {
    /// The ETag of this version.
    pub fn etag(&self) -> String {
        etag(self.version)
    }
}

/// At most `capacity` customers; creating one more forgets the oldest.
pub(crate) struct Store {
    pub capacity: usize,
    customers: HashMap<String, Stored>,
    /// At most `capacity` of them too; a new one past that is refused (409), since
    /// forgetting one would leave payment instruments naming nothing.
    pub identifiers: Identifiers,
    /// Creation order, for eviction; may hold ids deleted since (skipped then).
    order: VecDeque<String>,
}

impl Store {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            customers: HashMap::new(),
            identifiers: Identifiers::default(),
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
        let stored = Stored {
            body,
            version: 1,
            children: BTreeMap::new(),
        };
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

    /// Every customer, with its id.
    pub fn customers(&self) -> impl Iterator<Item = (&String, &Stored)> {
        self.customers.iter()
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.customers.len()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn merge_patch() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": [1], "e": 1});
        merge(&mut target, json!({"a": {"b": 3}, "d": [2], "f": "new"}));
        assert_eq!(
            target,
            json!({"a": {"b": 3, "c": 2}, "d": [2], "e": 1, "f": "new"})
        );
    }

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
