//! Reading domain values out of JSON with the path of the field at fault, as
//! `serde_path_to_error` tracks it (`payload.sources.1.url`).

use serde::de::DeserializeOwned;

/// What is wrong with a JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not JSON at all (syntax, truncated, trailing characters).
    Syntax,
    /// A field that is not known, missing or given twice: the document's shape is wrong.
    Shape,
    /// A field's value breaks its rule (wrong type, out of range, not an e-mail address…).
    Value,
}

/// A JSON document that does not give a `T`: the fault, the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub fault: Fault,
    /// The path of the field (`source_urls.0`); `None` for the document as a whole.
    pub field: Option<String>,
    pub detail: String,
}

/// Reads a `T` from JSON text.
///
/// # Errors
/// [`JsonError`] naming the field at fault.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(error)?;
    deserializer.end().map_err(|end| JsonError {
        fault: Fault::Syntax,
        field: None,
        detail: message(&end),
    })?;
    Ok(value)
}

/// Reads a `T` from a JSON value (a part of a document read before, such as a proposal's
/// `payload`).
///
/// # Errors
/// [`JsonError`] naming the field at fault.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, JsonError> {
    serde_path_to_error::deserialize(value).map_err(error)
}

fn error(error: serde_path_to_error::Error<serde_json::Error>) -> JsonError {
    let mut field: Vec<String> = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    let inner = error.into_inner();
    let detail = message(&inner);
    let fault = match inner.classify() {
        serde_json::error::Category::Data => {
            // serde reports a missing field at its parent; the name is in its message.
            if let Some(name) = detail
                .strip_prefix("missing field `")
                .and_then(|rest| rest.strip_suffix('`'))
            {
                field.push(name.to_owned());
            }
            if ["unknown field", "missing field", "duplicate field"]
                .iter()
                .any(|shape| detail.starts_with(shape))
            {
                Fault::Shape
            } else {
                Fault::Value
            }
        }
        _ => Fault::Syntax,
    };
    JsonError {
        fault,
        field: (!field.is_empty()).then(|| field.join(".")),
        detail,
    }
}

/// serde_json's message without its " at line L column C".
fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&position).unwrap_or(&text).to_owned()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::domain::{Email, WebUrl};

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: Email,
        #[serde(default)]
        urls: Vec<WebUrl>,
    }

    #[test]
    fn faults_name_their_field() {
        let fault = |json: &str| {
            let error = from_slice::<Body>(json.as_bytes()).unwrap_err();
            (error.fault, error.field.unwrap_or_default())
        };
        assert_eq!(fault("{not json"), (Fault::Syntax, String::new()));
        assert_eq!(fault(r#"{"urls": []}"#), (Fault::Shape, "email".to_owned()));
        assert_eq!(
            fault(r#"{"email": "a@b", "extra": 1}"#),
            (Fault::Shape, "extra".to_owned())
        );
        assert_eq!(
            fault(r#"{"email": "a@b", "urls": ["https://a.example", "javascript:x"]}"#),
            (Fault::Value, "urls.1".to_owned())
        );
        let error = from_slice::<Body>(br#"{"email": "nope"}"#).unwrap_err();
        assert_eq!(error.detail, "must be an e-mail address");
    }
}
