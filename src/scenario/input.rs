//! Strict reading of every input file: scenarios, `extends` bases, districts, sweeps and fonts.
//!
//! - [`read_limited`] reads regular files only (after following symlinks: no devices, pipes or
//!   folders) and at most a documented number of bytes ([`MAX_JSON_BYTES`], [`MAX_FONT_BYTES`]).
//! - [`parse_object`] accepts exactly one JSON object per file: no duplicate keys, no text after
//!   the value, no list or number at the top level.
//! - [`check_schema`] walks a value against the JSON Schema govsim generates for the format
//!   (`govsim schema`, `--district`, `--sweep`) and collects every unknown key (with a "did you
//!   mean"), wrong type, missing key, unknown name and out-of-range value at once, each with
//!   the path users write (`events[0].month`). Typed deserialisation runs only on values that
//!   passed it, so serde's first-error-only messages are a fallback that should never show.

use super::params::{join, Issue};
use super::ScenarioError;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// Largest JSON input file read (scenario, `extends` base, district, sweep): 16 MiB. Real
/// files are a few KiB (the largest shipped one is under 4 KiB); the cap only stops a mistaken
/// path (a log, a data dump, `/dev/zero`) from filling memory.
pub const MAX_JSON_BYTES: u64 = 16 << 20;

/// Largest font file read (`--font`): 64 MiB, above CJK TrueType/OpenType collections (20–30 MiB).
pub const MAX_FONT_BYTES: u64 = 64 << 20;

/// Read at most `limit` bytes of a regular file; `what` names the kind of file in messages
/// ("JSON input files", "fonts"). Errors are plain reasons, to be prefixed with the file name.
pub fn read_limited(file: &Path, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(file).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("it is {}, not a regular file", kind_of_file(&meta)));
    }
    let too_big = |size: &str| format!("the file is {size}, more than the {} allowed for {what}", mib(limit));
    if meta.len() > limit {
        return Err(too_big(&mib(meta.len())));
    }
    let f = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // the size can change after the check (or be reported as 0, as in /proc): never read past the cap
    f.take(limit + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_big(&format!("more than {}", mib(limit))));
    }
    Ok(bytes)
}

/// The bytes of a JSON input file: from disk if it is there (saying so when a built-in file of
/// the same name differs), else from the built-in copy it names, else the disk's error. A path
/// through a folder that is not on disk (`scenarios/cases/../drivers/x.json`) is tried on disk
/// as written out (`scenarios/drivers/x.json`) before the built-in copy.
pub fn read_json_bytes(file: &Path) -> Result<Vec<u8>, String> {
    let missing = |p: &Path| std::fs::symlink_metadata(p).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    if missing(file) {
        if let Some((name, text)) = crate::builtin::file(file) {
            let written_out = Path::new(&name);
            if missing(written_out) {
                crate::builtin::note_used(&name);
                return Ok(text.as_bytes().to_vec());
            }
            return read_limited(written_out, MAX_JSON_BYTES, "JSON input files");
        }
    }
    let bytes = read_limited(file, MAX_JSON_BYTES, "JSON input files")?;
    crate::builtin::note_disk_copy(file, &bytes);
    Ok(bytes)
}

fn mib(bytes: u64) -> String {
    if bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    }
}

#[cfg(unix)]
fn kind_of_file(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn kind_of_file(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a folder"
    } else {
        "something else"
    }
}

/// Read a JSON input file as UTF-8 text, within [`MAX_JSON_BYTES`]; a relative path that is
/// not on disk but names a file govsim carries reads the built-in copy ([`crate::builtin`]).
pub fn read_json_text(file: &Path) -> Result<String, ScenarioError> {
    let bytes = read_json_bytes(file).map_err(|message| ScenarioError::Io { file: file.to_path_buf(), message })?;
    let mut text = String::from_utf8(bytes).map_err(|e| ScenarioError::Parse {
        file: file.to_path_buf(),
        path: String::new(),
        message: format!("not valid JSON: not UTF-8 text ({e})"),
    })?;
    // Windows editors (Notepad among them) often start UTF-8 files with a byte-order mark,
    // which JSON does not allow but which says nothing about the content: skip it
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

/// Parse text that must be exactly one JSON object: duplicate keys, text after the value and
/// a top-level value that is not an object are refused (serde_json alone keeps the last of
/// two equal keys and lets a derived struct be written as a list).
pub fn parse_object(text: &str, file: &Path) -> Result<Map<String, Value>, ScenarioError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Strict { at: None, duplicate: &duplicate }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    let value = parsed.map_err(|e| match duplicate.borrow_mut().take() {
        Some((path, key)) => ScenarioError::Parse {
            file: file.to_path_buf(),
            path,
            message: format!(
                "duplicate key {} at line {} column {} (each key may appear once in an object)",
                quote(&key),
                e.line(),
                e.column()
            ),
        },
        None => ScenarioError::Parse { file: file.to_path_buf(), path: String::new(), message: json_error(&e) },
    })?;
    match value {
        Value::Object(m) => Ok(m),
        other => Err(ScenarioError::Parse {
            file: file.to_path_buf(),
            path: String::new(),
            message: format!("expected a JSON object {{…}} at the top level, found {}", describe(&other)),
        }),
    }
}

/// A syntax error as users should read it.
fn json_error(e: &serde_json::Error) -> String {
    if e.to_string().starts_with("trailing characters") {
        format!(
            "not valid JSON: text after the end of the JSON value at line {} column {} (a file holds exactly one JSON object)",
            e.line(),
            e.column()
        )
    } else {
        format!("not valid JSON: {e}")
    }
}

/// Where a value sits, as a chain on the stack (built into a path only for a message).
struct At<'p> {
    parent: Option<&'p At<'p>>,
    key: Option<&'p str>,
    index: usize,
}

fn path_of(at: Option<&At>) -> String {
    let Some(at) = at else { return String::new() };
    let parent = path_of(at.parent);
    match at.key {
        Some(k) => join(&parent, &key_segment(k)),
        None => format!("{parent}[{}]", at.index),
    }
}

/// A `serde_json::Value` deserialiser that refuses duplicate keys.
struct Strict<'a> {
    at: Option<&'a At<'a>>,
    /// Set to (path of the object, key) when a key repeats.
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let at = At { parent: self.at, key: None, index: items.len() };
            match seq.next_element_seed(Strict { at: Some(&at), duplicate: self.duplicate })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if m.contains_key(&key) {
                let message = format!("duplicate key {}", quote(&key));
                *self.duplicate.borrow_mut() = Some((path_of(self.at), key));
                return Err(de::Error::custom(message));
            }
            let at = At { parent: self.at, key: Some(&key), index: 0 };
            let v = map.next_value_seed(Strict { at: Some(&at), duplicate: self.duplicate })?;
            m.insert(key, v);
        }
        Ok(Value::Object(m))
    }
}

/// A key as a path segment: plain keys as they are, others quoted (no line breaks in messages).
fn key_segment(key: &str) -> String {
    let plain =
        !key.is_empty() && key.len() <= 60 && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-$".contains(c));
    if plain {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A string as JSON, shortened to 60 characters.
fn quote(s: &str) -> String {
    if s.chars().count() > 60 {
        let short: String = s.chars().take(57).collect();
        format!("{}…", serde_json::Value::String(short))
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// A found value as messages show it: scalars as written, lists and objects briefly.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::String(s) => quote(s),
        Value::Array(a) if a.is_empty() => "an empty list []".into(),
        Value::Array(a) => {
            let text = v.to_string();
            if text.chars().count() <= 40 {
                format!("a list {text}")
            } else {
                format!("a list of {} value(s)", a.len())
            }
        }
        Value::Object(o) if o.is_empty() => "an empty object {}".into(),
        Value::Object(o) => {
            let keys: Vec<String> = o.keys().take(3).map(|k| quote(k)).collect();
            let more = if o.len() > 3 { ", …" } else { "" };
            format!("an object with key(s) {}{more}", keys.join(", "))
        }
    }
}

/// What [`check_schema`] found: every problem (up to [`MAX_LISTED`]), and whether any of them
/// is structural (an unknown key, a wrong type, a missing key, an unknown name, a number the
/// field's type cannot hold) rather than only values outside their documented ranges.
#[derive(Debug, Default, Clone)]
pub struct Findings {
    pub issues: Vec<Issue>,
    pub structural: bool,
    /// Problems found beyond [`MAX_LISTED`], counted only.
    pub omitted: usize,
}

/// At most this many problems of one file are listed (a generated file can have millions);
/// the last line then says how many more there are.
pub const MAX_LISTED: usize = 100;

impl Findings {
    /// Add a problem (counted only beyond [`MAX_LISTED`]).
    pub fn push(&mut self, path: String, message: String, structural: bool) {
        self.structural |= structural;
        if self.issues.len() < MAX_LISTED {
            self.issues.push(Issue { path, message });
        } else {
            self.omitted += 1;
        }
    }

    pub fn extend(&mut self, other: Findings) {
        for i in other.issues {
            self.push(i.path, i.message, other.structural);
        }
        self.omitted += other.omitted;
    }

    /// The problems to report, with a last line for those not listed.
    pub fn into_issues(mut self) -> Vec<Issue> {
        if self.omitted > 0 {
            let message = format!("{} more problem(s) not listed", self.omitted);
            self.issues.push(Issue { path: "…".into(), message });
        }
        self.issues
    }
}

/// Check `value` against a JSON Schema generated by govsim (schemars, draft 2020-12); paths
/// of problems start with `prefix` (e.g. `communities[2].overrides`). Supports what govsim's
/// schemas use: `$ref`/`$defs`, `properties`, `additionalProperties`, `required`, `type`,
/// `items`, `minItems`, `maxItems`, `minimum`, `maximum`, `format` (integer widths), `enum`, `const`,
/// `anyOf`/`oneOf` (tagged, externally tagged, or by JSON type) and the `x-unit` keyword.
pub fn check_schema(value: &Value, schema: &Value, prefix: &str) -> Findings {
    let mut w = Walker { root: schema, found: Findings::default() };
    w.walk(value, schema, prefix);
    w.found
}

struct Walker<'s> {
    root: &'s Value,
    found: Findings,
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

impl<'s> Walker<'s> {
    fn push(&mut self, path: &str, message: String, structural: bool) {
        self.found.push(path.to_string(), message, structural);
    }

    fn resolve(&self, mut s: &'s Value) -> &'s Value {
        for _ in 0..32 {
            let Some(r) = str_of(s, "$ref") else { break };
            let target = if r == "#" {
                Some(self.root)
            } else {
                r.strip_prefix("#/$defs/").and_then(|name| self.root.get("$defs").and_then(|d| d.get(name)))
            };
            match target {
                Some(t) => s = t,
                None => break,
            }
        }
        s
    }

    fn walk(&mut self, v: &Value, s: &'s Value, path: &str) {
        let s = self.resolve(s);
        if let Some(branches) = s.get("oneOf").or_else(|| s.get("anyOf")).and_then(Value::as_array) {
            return self.choose(v, branches, path);
        }
        if let Some(c) = s.get("const") {
            if v != c {
                self.push(path, format!("expected {}, found {}", describe(c), describe(v)), true);
            }
            return;
        }
        if let Some(allowed) = s.get("enum").and_then(Value::as_array) {
            if !allowed.contains(v) {
                let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                let message = match v.as_str() {
                    Some(text) => format!(
                        "unknown value {}{}; allowed: {}",
                        quote(text),
                        did_you_mean(text, &names),
                        names.join(", ")
                    ),
                    None => format!("expected one of {}, found {}", names.join(", "), describe(v)),
                };
                self.push(path, message, true);
            }
            return;
        }
        if let Some(t) = s.get("type") {
            if !type_matches(t, v, false) {
                let hint = match v.as_f64() {
                    Some(x) if type_matches(t, &Value::from(0), false) && x.fract() == 0.0 && x.abs() < 1e15 => {
                        " (a whole number is written without a decimal point or exponent)"
                    }
                    _ => "",
                };
                self.push(path, format!("expected {}, found {}{hint}", type_names(t), describe(v)), true);
                return;
            }
        }
        match v {
            Value::Number(n) => self.number(n, s, path),
            Value::Object(m) => self.object(m, s, path),
            Value::Array(a) => self.array(a, s, path),
            _ => {}
        }
    }

    fn number(&mut self, n: &Number, s: &'s Value, path: &str) {
        let x = n.as_f64().unwrap_or(f64::NAN);
        // what the field's integer type can hold at all (serde refuses anything else)
        let width = match str_of(s, "format") {
            Some("uint8") => Some((0.0, u8::MAX as f64)),
            Some("uint16") => Some((0.0, u16::MAX as f64)),
            Some("uint32") | Some("uint") => Some((0.0, u32::MAX as f64)),
            Some("uint64") => Some((0.0, u64::MAX as f64)),
            Some("int8") => Some((i8::MIN as f64, i8::MAX as f64)),
            Some("int16") => Some((i16::MIN as f64, i16::MAX as f64)),
            Some("int32") | Some("int") => Some((i32::MIN as f64, i32::MAX as f64)),
            Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
            _ => None,
        };
        let unrepresentable = match (width, n.as_u64(), n.as_i64()) {
            (Some((lo, hi)), Some(u), _) => (u as f64) < lo || (u as f64) > hi,
            (Some((lo, hi)), None, Some(i)) => (i as f64) < lo || (i as f64) > hi,
            _ => false,
        };
        let lo = s.get("minimum").and_then(Value::as_f64).or(width.map(|w| w.0));
        let hi = s.get("maximum").and_then(Value::as_f64).or(width.map(|w| w.1));
        let unit = str_of(s, "x-unit").map_or(String::new(), |u| format!(" ({u})"));
        // as params::check_range shows it (250, not serde_json's 250.0)
        let n = if n.is_f64() { x.to_string() } else { n.to_string() };
        let message = match (lo, hi) {
            (Some(lo), Some(hi)) if x < lo || x > hi => {
                Some(format!("value {n} is outside the allowed range [{lo}, {hi}]{unit}"))
            }
            (Some(lo), None) if x < lo => Some(format!("value {n} is below the minimum {lo}{unit}")),
            (None, Some(hi)) if x > hi => Some(format!("value {n} is above the maximum {hi}{unit}")),
            _ => None,
        };
        if let Some(m) = message {
            self.push(path, m, unrepresentable);
        }
    }

    fn object(&mut self, m: &Map<String, Value>, s: &'s Value, path: &str) {
        let props = s.get("properties").and_then(Value::as_object);
        let extra = s.get("additionalProperties");
        for (k, v) in m {
            let p = join(path, &key_segment(k));
            match props.and_then(|ps| ps.get(k)) {
                Some(ps) => self.walk(v, ps, &p),
                None => match extra {
                    Some(Value::Bool(false)) => {
                        let names: Vec<&str> = props.map_or(Vec::new(), |ps| ps.keys().map(String::as_str).collect());
                        let allowed = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                        let message =
                            format!("unknown field {}{}; allowed: {allowed}", quote(k), did_you_mean(k, &names));
                        self.push(&p, message, true);
                    }
                    Some(schema @ Value::Object(_)) => self.walk(v, schema, &p),
                    _ => {}
                },
            }
        }
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !m.contains_key(r) {
                self.push(&join(path, r), "required field is missing".into(), true);
            }
        }
    }

    fn array(&mut self, a: &[Value], s: &'s Value, path: &str) {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if (a.len() as u64) < min {
                self.push(path, format!("needs at least {min} entry(ies), found {}", a.len()), false);
            }
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
            if (a.len() as u64) > max {
                self.push(path, format!("{} entries given; at most {max} are allowed", a.len()), false);
            }
        }
        if let Some(items) = s.get("items") {
            for (i, v) in a.iter().enumerate() {
                self.walk(v, items, &format!("{path}[{i}]"));
            }
        }
    }

    /// `oneOf`/`anyOf`: pick the branch the value means, then report that branch's problems.
    fn choose(&mut self, v: &Value, branches: &'s [Value], path: &str) {
        let all: Vec<&'s Value> = branches.iter().map(|b| self.resolve(b)).collect();
        let candidates: Vec<&'s Value> = all.iter().copied().filter(|b| admits(b, v)).collect();
        match candidates.len() {
            0 => return self.push(path, format!("expected {}, found {}", alternatives(&all), describe(v)), true),
            1 => return self.walk(v, candidates[0], path),
            _ => {}
        }
        if let Value::String(text) = v {
            let names: Vec<&str> = candidates.iter().filter_map(|b| str_of(b, "const")).collect();
            if names.contains(&text.as_str()) {
                return;
            }
            if names.len() == candidates.len() {
                let message = format!(
                    "unknown value {}{}; allowed: {}",
                    quote(text),
                    did_you_mean(text, &names),
                    alternatives(&all)
                );
                return self.push(path, message, true);
            }
        }
        if let Value::Object(m) = v {
            if let Some(tag) = tag_of(&candidates) {
                let names: Vec<&str> = candidates.iter().filter_map(|b| tag_value(b, tag)).collect();
                let p = join(path, tag);
                match m.get(tag) {
                    Some(Value::String(t)) => match candidates.iter().find(|b| tag_value(b, tag) == Some(t)) {
                        Some(b) => self.walk(v, b, path),
                        None => self.push(
                            &p,
                            format!(
                                "unknown {tag} {}{}; allowed: {}",
                                quote(t),
                                did_you_mean(t, &names),
                                names.join(", ")
                            ),
                            true,
                        ),
                    },
                    Some(other) => {
                        self.push(&p, format!("expected one of {}, found {}", names.join(", "), describe(other)), true)
                    }
                    None => self.push(&p, format!("required field is missing; allowed: {}", names.join(", ")), true),
                }
                return;
            }
            let keys: Vec<&str> = candidates.iter().filter_map(|b| single_key(b)).collect();
            if keys.len() == candidates.len() {
                if m.len() == 1 {
                    let (k, _) = m.iter().next().expect("one entry");
                    if let Some(b) = candidates.iter().find(|b| single_key(b) == Some(k.as_str())) {
                        return self.walk(v, b, path);
                    }
                    let message = format!(
                        "unknown field {}{}; allowed: {}",
                        quote(k),
                        did_you_mean(k, &keys),
                        alternatives(&all)
                    );
                    return self.push(&join(path, &key_segment(k)), message, true);
                }
                return self.push(path, format!("expected {}, found {}", alternatives(&all), describe(v)), true);
            }
        }
        // otherwise: the branch with the fewest problems
        let mut best: Option<Findings> = None;
        for b in candidates {
            let mut w = Walker { root: self.root, found: Findings::default() };
            w.walk(v, b, path);
            let better = match &best {
                None => true,
                Some(f) => (w.found.structural, w.found.issues.len()) < (f.structural, f.issues.len()),
            };
            if better {
                best = Some(w.found);
            }
        }
        if let Some(f) = best {
            self.found.extend(f);
        }
    }
}

/// Whether a branch is for values of `v`'s JSON type (any number counts for "integer", so a
/// fraction gets a "whole number" message from the branch itself).
fn admits(b: &Value, v: &Value) -> bool {
    if let Some(t) = b.get("type") {
        return type_matches(t, v, true);
    }
    if let Some(c) = b.get("const") {
        return same_kind(c, v);
    }
    if let Some(e) = b.get("enum").and_then(Value::as_array) {
        return e.iter().any(|c| same_kind(c, v));
    }
    true
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn type_matches(t: &Value, v: &Value, any_number_is_integer: bool) -> bool {
    let one = |name: &str| match name {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || (any_number_is_integer && v.is_number()),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    };
    match t {
        Value::String(name) => one(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

fn type_name(name: &str) -> &str {
    match name {
        "null" => "null",
        "boolean" => "true or false",
        "string" => "a string",
        "number" => "a number",
        "integer" => "a whole number",
        "array" => "a list [...]",
        "object" => "an object {...}",
        other => other,
    }
}

fn type_names(t: &Value) -> String {
    match t {
        Value::String(name) => type_name(name).to_string(),
        Value::Array(names) => {
            or_list(names.iter().filter_map(Value::as_str).map(type_name).map(String::from).collect())
        }
        _ => "a value".into(),
    }
}

/// "a, b or c".
fn or_list(mut items: Vec<String>) -> String {
    items.dedup();
    match items.len() {
        0 => "a value".into(),
        1 => items.remove(0),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// The branches of a `oneOf`/`anyOf` as users write them.
fn alternatives(branches: &[&Value]) -> String {
    let items = branches
        .iter()
        .map(|b| {
            if let Some(c) = b.get("const") {
                describe(c)
            } else if let Some(k) = single_key(b) {
                format!("{{{}: …}}", quote(k))
            } else if let Some(t) = b.get("type") {
                type_names(t)
            } else {
                "a value".into()
            }
        })
        .collect();
    or_list(items)
}

/// The property that names the branch of an internally tagged enum (`"type": "campaign"`).
fn tag_of<'b>(branches: &[&'b Value]) -> Option<&'b str> {
    let first = branches.first()?.get("properties")?.as_object()?;
    first
        .iter()
        .filter(|(_, p)| p.get("const").is_some_and(Value::is_string))
        .map(|(k, _)| k.as_str())
        .find(|k| branches.iter().all(|b| tag_value(b, k).is_some()))
}

fn tag_value<'b>(b: &'b Value, tag: &str) -> Option<&'b str> {
    b.get("properties")?.get(tag)?.get("const")?.as_str()
}

/// The key of an externally tagged variant (`{"time_to_threshold": {...}}`).
fn single_key(b: &Value) -> Option<&str> {
    let props = b.get("properties")?.as_object()?;
    let required = b.get("required")?.as_array()?;
    if props.len() == 1 && required.len() == 1 {
        required[0].as_str()
    } else {
        None
    }
}

/// ` (did you mean "x"?)` for the closest allowed name, if one is close.
pub fn did_you_mean(word: &str, names: &[&str]) -> String {
    // names are short; a long word is no misspelling of one (and would cost quadratic time)
    if word.len() > 64 {
        return String::new();
    }
    let lower = word.to_lowercase();
    names
        .iter()
        .map(|n| (strsim::jaro_winkler(&lower, &n.to_lowercase()), *n))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(String::new(), |(_, n)| format!(" (did you mean {}?)", quote(n)))
}

/// The five kinds of input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Scenario,
    District,
    Region,
    Sweep,
    Calibration,
}

/// Which kind of file an object is: by its `$schema` (`govsim.schema.json`,
/// `govsim.district.schema.json`, `govsim.region.schema.json`, `govsim.sweep.schema.json`,
/// `govsim.calibration.schema.json`), else by its shape (`communities` ⇒ district, `districts`
/// ⇒ region, `parameters` and `method` ⇒ calibration,
/// `factors` or `design` ⇒ sweep, anything else a scenario).
pub fn kind_of(object: &Map<String, Value>) -> FileKind {
    indicated_kind(object).map_or(FileKind::Scenario, |(kind, _)| kind)
}

/// The kind a file's `$schema` or keys point to, with the reason; None for no sign at all.
fn indicated_kind(object: &Map<String, Value>) -> Option<(FileKind, String)> {
    let schema = object.get("$schema").and_then(Value::as_str);
    let by_schema = match schema.map(|s| s.rsplit(['/', '\\']).next().unwrap_or(s)) {
        Some("govsim.district.schema.json") => Some(FileKind::District),
        Some("govsim.region.schema.json") => Some(FileKind::Region),
        Some("govsim.sweep.schema.json") => Some(FileKind::Sweep),
        Some("govsim.calibration.schema.json") => Some(FileKind::Calibration),
        Some("govsim.schema.json") => Some(FileKind::Scenario),
        _ => None,
    };
    if let (Some(kind), Some(s)) = (by_schema, schema) {
        return Some((kind, format!("its \"$schema\" is {}", quote(s))));
    }
    let has = |k: &str| object.contains_key(k);
    if has("communities") {
        Some((FileKind::District, "it has \"communities\"".into()))
    } else if has("districts") {
        Some((FileKind::Region, "it has \"districts\"".into()))
    } else if has("parameters") && has("method") {
        Some((FileKind::Calibration, "it has \"parameters\" and \"method\"".into()))
    } else if has("factors") || has("design") {
        Some((FileKind::Sweep, format!("it has \"{}\"", if has("factors") { "factors" } else { "design" })))
    } else {
        None
    }
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            FileKind::Scenario => "a scenario file",
            FileKind::District => "a district file",
            FileKind::Region => "a region file",
            FileKind::Sweep => "a sweep file",
            FileKind::Calibration => "a calibration file",
        }
    }
    fn command(self) -> &'static str {
        match self {
            FileKind::Scenario => "govsim run",
            FileKind::District => "govsim district",
            FileKind::Region => "govsim region",
            FileKind::Sweep => "govsim sweep",
            FileKind::Calibration => "govsim calibrate",
        }
    }
}

/// Refuse a file that says it is another kind of file than `expected` (a sweep given to
/// `govsim run`, a scenario given to `govsim district`), instead of listing its keys as unknown.
pub fn expect_kind(object: &Map<String, Value>, file: &Path, expected: FileKind) -> Result<(), ScenarioError> {
    match indicated_kind(object) {
        Some((kind, why)) if kind != expected => Err(ScenarioError::Parse {
            file: file.to_path_buf(),
            path: String::new(),
            message: format!(
                "this is {} ({why}), not {}; use it with `{}` (`govsim validate` checks every kind)",
                kind.noun(),
                expected.noun(),
                kind.command()
            ),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Map<String, Value>, String> {
        parse_object(text, Path::new("t.json")).map_err(|e| e.to_string())
    }

    #[test]
    fn one_object_per_file() {
        assert!(parse(r#"{"a": [1, {"b": 2}]}"#).is_ok());
        let trailing = parse(r#"{"name": "t"} junk"#).unwrap_err();
        assert!(trailing.contains("text after the end of the JSON value at line 1 column 15"), "{trailing}");
        assert!(parse(r#"{"a": 1} {"a": 2}"#).unwrap_err().contains("text after the end"));
        assert!(parse("[]")
            .unwrap_err()
            .contains("expected a JSON object {…} at the top level, found an empty list []"));
        assert!(parse("3").unwrap_err().contains("found 3"));
        let dup = parse(r#"{"time": {"years": 2, "years": 3}}"#).unwrap_err();
        assert!(dup.contains("at `time`: duplicate key \"years\""), "{dup}");
        let dup = parse(r#"{"e": [{}, {"a": 1, "a": 1}]}"#).unwrap_err();
        assert!(dup.contains("at `e[1]`"), "{dup}");
        assert!(parse(r#"{"n": "a", "n": "a"}"#).unwrap_err().starts_with("t.json: duplicate key \"n\""));
    }

    #[test]
    fn walker_collects_every_problem_with_paths() {
        let schema = crate::scenario::schema();
        let v = json!({
            "comunity": {},
            "time": [5, 1],
            "behaviour": {"retention": {"base_hazard": 1.5, "base_hazrd": 0.1}},
            "events": [{"type": "points_start", "month": -0.5}, {"type": "earthquake"}, {"month": 3}],
            "instruments": {"points": {"funder": "bank"}},
        });
        let f = check_schema(&v, &schema, "");
        let text: Vec<String> = f.issues.iter().map(|i| i.to_string()).collect();
        let all = text.join("\n");
        assert!(f.structural);
        for needle in [
            "comunity: unknown field \"comunity\" (did you mean \"community\"?); allowed: $schema, actors,",
            "time: expected an object {...}, found a list [5,1]",
            "behaviour.retention.base_hazard: value 1.5 is outside the allowed range [0, 1] (1/month)",
            "behaviour.retention.base_hazrd: unknown field \"base_hazrd\" (did you mean \"base_hazard\"?)",
            "events[0].month: expected a whole number, found -0.5",
            "events[1].type: unknown type \"earthquake\"; allowed: funding_change,",
            "events[2].type: required field is missing; allowed: funding_change",
            "instruments.points.funder: unknown value \"bank\"; allowed: \"merchants\", \"government\" or \"community_fund\"",
        ] {
            assert!(all.contains(needle), "`{needle}` missing in:\n{all}");
        }
        assert_eq!(f.issues.len(), 8, "{all}");
    }

    #[test]
    fn ranges_alone_are_not_structural_but_overflow_is() {
        let schema = crate::scenario::schema();
        let f = check_schema(&json!({"community": {"residents": 0}}), &schema, "");
        assert!(!f.structural && f.issues.len() == 1);
        let f = check_schema(&json!({"community": {"residents": 5_000_000_000u64}}), &schema, "x");
        assert!(f.structural, "{:?}", f.issues);
        assert_eq!(f.issues[0].path, "x.community.residents");
        let f = check_schema(&json!({"time": {"years": 1e3}}), &schema, "");
        assert!(f.issues[0].message.contains("without a decimal point"), "{:?}", f.issues);
    }

    #[test]
    fn sweep_statistics_and_designs() {
        let schema = crate::sweep::schema();
        let v = json!({
            "name": "s", "scenarios": [], "factors": [{"path": 5}], "design": {"type": "grd"}, "replications": 0,
            "outputs": [
                {"metric": "coverage", "statistic": "final_year_man"},
                {"metric": "coverage", "statistic": {"time_to_treshold": {}}},
                {"metric": "coverage", "statistic": {"coverage_shock": {"measure": "robustness", "event": -1}}},
            ],
        });
        let all: Vec<String> = check_schema(&v, &schema, "").issues.iter().map(|i| i.to_string()).collect();
        let all = all.join("\n");
        for needle in [
            "scenarios: needs at least 1 entry(ies), found 0",
            "factors[0].path: expected a string or a list [...], found 5",
            "design.type: unknown type \"grd\" (did you mean \"grid\"?)",
            "replications: value 0 is outside the allowed range [1, 100000]",
            "outputs[0].statistic: unknown value \"final_year_man\" (did you mean \"final_year_mean\"?)",
            "outputs[1].statistic.time_to_treshold: unknown field \"time_to_treshold\" (did you mean \"time_to_threshold\"?)",
            "outputs[2].statistic.coverage_shock.event: value -1 is outside the allowed range [0, 4294967295]",
        ] {
            assert!(all.contains(needle), "`{needle}` missing in:\n{all}");
        }
    }

    #[test]
    fn huge_files_get_bounded_reports() {
        let schema = crate::scenario::schema();
        let many: Map<String, Value> = (0..1000).map(|i| (format!("k{i}"), json!(1))).collect();
        let issues = check_schema(&Value::Object(many), &schema, "").into_issues();
        assert_eq!(issues.len(), MAX_LISTED + 1);
        assert_eq!(issues[MAX_LISTED].to_string(), "…: 900 more problem(s) not listed");
        // a long key is quoted, shortened and not compared with every name
        let long = "x".repeat(1 << 20);
        let issues = check_schema(&json!({ long: 1 }), &schema, "").into_issues();
        assert!(issues[0].path.starts_with("\"xxx") && issues[0].path.chars().count() < 70, "{}", issues[0].path);
        assert_eq!(did_you_mean(&"communityy".repeat(10), &["community"]), "");
        // nesting deeper than serde_json's limit is a plain error
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).unwrap_err().contains("recursion limit exceeded"));
    }

    #[test]
    fn kinds_by_schema_or_shape() {
        let obj = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(kind_of(&obj(json!({"$schema": "../govsim.sweep.schema.json"}))), FileKind::Sweep);
        assert_eq!(kind_of(&obj(json!({"$schema": "govsim.district.schema.json"}))), FileKind::District);
        assert_eq!(kind_of(&obj(json!({"$schema": "govsim.schema.json", "factors": []}))), FileKind::Scenario);
        assert_eq!(kind_of(&obj(json!({"communities": []}))), FileKind::District);
        assert_eq!(kind_of(&obj(json!({"districts": []}))), FileKind::Region);
        assert_eq!(kind_of(&obj(json!({"$schema": "x/govsim.region.schema.json"}))), FileKind::Region);
        assert_eq!(kind_of(&obj(json!({"design": {}}))), FileKind::Sweep);
        assert_eq!(kind_of(&obj(json!({}))), FileKind::Scenario);
    }
}
