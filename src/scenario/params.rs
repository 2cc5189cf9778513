//! The `params!` macro: every scenario parameter is declared once, with its type, default,
//! valid range, unit and one-line meaning. From that single declaration we derive the serde
//! (de)serialisation with `deny_unknown_fields`, the JSON Schema (description, default,
//! minimum/maximum and an `x-unit` keyword), the `Default` impl and the range validation.
//! Keeping all four in one place is what stops the docs, the schema and the checks drifting apart.

use std::fmt;

/// One problem found in a scenario file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// JSON path of the offending field, e.g. `instruments.purchase_of_services.contract_months`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Validation of a value found at `path`. Implemented for every scenario type; the
/// `params!` macro adds the range checks of each field on top of this.
pub trait Check {
    fn check(&self, _path: &str, _issues: &mut Vec<Issue>) {}
}

impl Check for f64 {
    fn check(&self, path: &str, issues: &mut Vec<Issue>) {
        if !self.is_finite() {
            issues.push(Issue { path: path.to_string(), message: format!("value {self} is not a finite number") });
        }
    }
}
impl Check for u32 {}
impl Check for u64 {}
impl Check for bool {}
impl Check for String {}
impl Check for serde_json::Map<String, serde_json::Value> {}
impl<T: Check> Check for Option<T> {
    fn check(&self, path: &str, issues: &mut Vec<Issue>) {
        if let Some(v) = self {
            v.check(path, issues);
        }
    }
}
impl<T: Check> Check for Vec<T> {
    fn check(&self, path: &str, issues: &mut Vec<Issue>) {
        for (i, v) in self.iter().enumerate() {
            v.check(&format!("{path}[{i}]"), issues);
        }
    }
}

/// Join a parent path and a field name the way users see it in their JSON file.
pub fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A value that can be range-checked against inclusive bounds.
pub trait InRange: Copy + fmt::Display {
    fn as_f64(self) -> f64;
}
impl InRange for f64 {
    fn as_f64(self) -> f64 {
        self
    }
}
impl InRange for u32 {
    fn as_f64(self) -> f64 {
        self as f64
    }
}

pub fn check_range<T: InRange>(value: T, lo: f64, hi: f64, unit: &str, path: &str, issues: &mut Vec<Issue>) {
    let v = value.as_f64();
    if !(v >= lo && v <= hi) {
        let unit = if unit.is_empty() { String::new() } else { format!(" ({unit})") };
        issues.push(Issue {
            path: path.to_string(),
            message: format!("value {value} is outside the allowed range [{lo}, {hi}]{unit}"),
        });
    }
}

/// Declare a parameter struct. Each field reads
/// `/// meaning` `name: Type = default, range(lo, hi), unit("unit");`
/// where `range(..), unit(..)` go together and are left out for nested structs, flags and lists.
/// Dimensionless quantities use the unit `"1"` (or a word such as `"share"`).
macro_rules! params {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $default:expr
                $(, range($lo:expr, $hi:expr), unit($unit:literal))?
                ;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                $(#[schemars(range(min = $lo, max = $hi), extend("x-unit" = $unit))])?
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $crate::scenario::params::Check for $name {
            #[allow(unused_variables)]
            fn check(&self, path: &str, issues: &mut Vec<$crate::scenario::params::Issue>) {
                $(
                    let p = $crate::scenario::params::join(path, stringify!($field));
                    $crate::scenario::params::Check::check(&self.$field, &p, issues);
                    $(
                        $crate::scenario::params::check_range(self.$field, $lo as f64, $hi as f64, $unit, &p, issues);
                    )?
                )*
            }
        }
    };
}
pub(crate) use params;
