//! Lenient list parsing: one malformed item costs that item, not the whole answer.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;

/// A `deserialize_with` for lists: keeps the items that parse as `T`, skips the rest, and
/// treats `null` like an empty list. Use with `#[serde(default)]` so a missing key is empty too.
pub fn vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let items = Option::<Vec<Value>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(keep_parsed(items))
}

/// A whole body that should be a list: the items that parse as `T`; anything but an array
/// (an empty object, `null`) is an empty list.
pub fn list<T: DeserializeOwned>(body: Value) -> Vec<T> {
    match body {
        Value::Array(items) => keep_parsed(items),
        _ => Vec::new(),
    }
}

fn keep_parsed<T: DeserializeOwned>(items: Vec<Value>) -> Vec<T> {
    let total = items.len();
    let kept: Vec<T> = items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect();
    if kept.len() < total {
        tracing::debug!(
            skipped = total - kept.len(),
            item = std::any::type_name::<T>(),
            "skipped malformed items"
        );
    }
    kept
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        n: u32,
    }

    #[derive(Debug, Deserialize)]
    struct List {
        #[serde(default, deserialize_with = "super::vec")]
        items: Vec<Item>,
    }

    fn parse(json: &str) -> Vec<Item> {
        serde_json::from_str::<List>(json).map_or_else(|e| panic!("{e}"), |list| list.items)
    }

    #[test]
    fn keeps_the_good_items_only() {
        assert_eq!(
            parse(r#"{"items":[{"n":1},{"n":"x"},7,{"n":3}]}"#),
            vec![Item { n: 1 }, Item { n: 3 }]
        );
    }

    #[test]
    fn missing_and_null_lists_are_empty() {
        assert!(parse("{}").is_empty());
        assert!(parse(r#"{"items":null}"#).is_empty());
    }

    #[test]
    fn a_body_that_is_not_a_list_is_an_empty_list() {
        let items: Vec<Item> = super::list(serde_json::json!([{"n": 1}, {"n": "x"}]));
        assert_eq!(items, vec![Item { n: 1 }]);
        assert!(super::list::<Item>(serde_json::json!({})).is_empty());
        assert!(super::list::<Item>(serde_json::Value::Null).is_empty());
    }

    #[test]
    fn a_list_that_is_not_a_list_is_still_an_error() {
        assert!(serde_json::from_str::<List>(r#"{"items":"no"}"#).is_err());
    }
}
