//! A display colour as scenario files write it (`"colour": "#d55e00"`): parsed once, when the
//! file is read, so a malformed colour is an error at its path and charts only ever see valid
//! ones.

use crate::scenario::params::Check;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// An sRGB colour, written `#rrggbb` (six hexadecimal digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// The colour of `#rrggbb` (either case).
    pub fn parse(text: &str) -> Result<Colour, String> {
        let hex = text.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
        let Some(hex) = hex else {
            return Err(format!(
                "\"{text}\" is not a colour: write it as # and six hexadecimal digits, e.g. \"#d55e00\""
            ));
        };
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_default();
        Ok(Colour(byte(0), byte(2), byte(4)))
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Colour, D::Error> {
        Colour::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Colour {
    fn schema_name() -> Cow<'static, str> {
        "Colour".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "^#[0-9a-fA-F]{6}$" })
    }
}

/// Valid by construction.
impl Check for Colour {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_read_and_write_as_hex() {
        assert_eq!(Colour::parse("#D55E00"), Ok(Colour(213, 94, 0)));
        assert_eq!(Colour(0, 158, 115).to_string(), "#009e73");
        let c: Colour = serde_json::from_value("#56b4e9".into()).unwrap();
        assert_eq!(serde_json::to_value(c).unwrap(), "#56b4e9");
        for bad in ["d55e00", "#d55e0", "#d55e00f", "#g55e00", "red", ""] {
            let e = Colour::parse(bad).unwrap_err();
            assert!(e.starts_with(&format!("\"{bad}\" is not a colour")), "{e}");
        }
    }

    #[test]
    fn a_scenario_file_with_a_malformed_colour_is_refused_at_its_path() {
        let parse = |text: &str| crate::scenario::parse(text, std::path::Path::new("s.json"), "s");
        let e = parse(r#"{"colour": "red"}"#).unwrap_err().to_string();
        assert!(e.starts_with("s.json: at `colour`: \"red\" is not a colour: write it as #"), "{e}");
        assert!(parse(r#"{"colour": 7}"#).unwrap_err().to_string().contains("colour"));
        assert_eq!(parse(r##"{"colour": "#D55E00"}"##).unwrap().colour, Some(Colour(213, 94, 0)));
        assert_eq!(parse(r#"{"colour": null}"#).unwrap().colour, None);
        assert_eq!(parse("{}").unwrap().colour, None);
    }
}
