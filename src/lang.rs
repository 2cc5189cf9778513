//! The language of what govsim writes for people to read: chart titles, axes, legends and
//! captions, the tables, the terminal table and the report (`--lang en|zh`). Data files keep
//! their ids (column names, metric ids) in every language, so scripts read them the same way.
//!
//! Every wording lives in one data file, `assets/translations.json`, embedded in the binary, so
//! that a domain reader can correct a Chinese term without reading code:
//! - `metrics`: each metric's Chinese title and meaning (the English ones are in the metrics
//!   table, [`crate::measures::METRICS`]), and `units`: each unit in Chinese;
//! - `names`: Chinese names of the shipped driver models and actors (政府驱动型, …; from the seeds);
//! - every other section (`chart`, `table`, …): a phrase as `{"en": …, "zh": …}`, looked up by
//!   `section.key`, with `{name}` placeholders filled by [`Lang::fill`].
//!
//! The language is chosen once per process ([`set`]), as the chart font is: a run writes one
//! language throughout.

use crate::measures::M;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// A language of the texts govsim writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// The translations file, as embedded.
pub static TRANSLATIONS_JSON: &str = include_str!("../assets/translations.json");

/// The parsed translations file.
#[derive(Debug, Default, Deserialize)]
pub struct Translations {
    /// Metric id → its Chinese title and meaning.
    #[serde(default)]
    pub metrics: BTreeMap<String, MetricText>,
    /// English unit (as in the metrics table) → Chinese.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    /// Name (scenario, driver model, actor) → Chinese.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Section → key → phrase in each language.
    #[serde(flatten)]
    pub sections: BTreeMap<String, BTreeMap<String, Phrase>>,
}

/// A metric's Chinese title and meaning.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricText {
    pub title: String,
    pub meaning: String,
}

/// One phrase in each language.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrase {
    pub en: String,
    pub zh: String,
}

/// The translations, parsed once. A file that does not parse (a test checks it does) leaves
/// every text in English, with keys shown for phrases.
pub fn translations() -> &'static Translations {
    static TABLE: OnceLock<Translations> = OnceLock::new();
    TABLE.get_or_init(|| parse(TRANSLATIONS_JSON).unwrap_or_default())
}

/// Parse a translations file (`about` and other top-level strings are comments).
pub fn parse(text: &str) -> Result<Translations, serde_json::Error> {
    let mut value: serde_json::Value = serde_json::from_str(text)?;
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_string());
    }
    serde_json::from_value(value)
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Choose the language of this process's texts (the CLI does, from `--lang`).
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language chosen for this process (English unless [`set`]).
pub fn current() -> Lang {
    if CURRENT.load(Ordering::Relaxed) == Lang::Zh as u8 {
        Lang::Zh
    } else {
        Lang::En
    }
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The code used by `--lang` and in file metadata: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language of a code (`en`, `zh`; also `zh-CN`, `zh_CN`, `cn`, case-insensitive).
    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        match c.as_str() {
            "en" | "english" => Some(Lang::En),
            "zh" | "cn" | "chinese" => Some(Lang::Zh),
            _ if c.starts_with("en-") || c.starts_with("en_") => Some(Lang::En),
            _ if c.starts_with("zh-") || c.starts_with("zh_") => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The phrase `section.key` in this language; the English one where the Chinese is empty,
    /// and the key itself where the file lacks it (tests check every key used is there).
    pub fn t(self, key: &'static str) -> &'static str {
        let Some((section, k)) = key.split_once('.') else { return key };
        match translations().sections.get(section).and_then(|s| s.get(k)) {
            Some(p) if self == Lang::Zh && !p.zh.is_empty() => &p.zh,
            Some(p) if !p.en.is_empty() => &p.en,
            _ => key,
        }
    }

    /// The phrase `section.key` with its `{name}` placeholders replaced by `args`.
    pub fn fill(self, key: &'static str, args: &[(&str, &dyn Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// A metric's title (chart panels, table rows).
    pub fn metric_title(self, m: M) -> &'static str {
        match self {
            Lang::Zh => translations().metrics.get(m.id()).map_or(m.title(), |t| t.title.as_str()),
            Lang::En => m.title(),
        }
    }

    /// A metric's meaning (one line).
    pub fn metric_meaning(self, m: M) -> &'static str {
        match self {
            Lang::Zh => translations().metrics.get(m.id()).map_or(m.metric().meaning, |t| t.meaning.as_str()),
            Lang::En => m.metric().meaning,
        }
    }

    /// A metric's unit.
    pub fn metric_unit(self, m: M) -> &'static str {
        self.unit(m.unit())
    }

    /// A unit given in English (as the metrics table writes them).
    pub fn unit(self, unit: &'static str) -> &'static str {
        match self {
            Lang::Zh => translations().units.get(unit).map_or(unit, String::as_str),
            Lang::En => unit,
        }
    }

    /// A name (of a driver model, actor or scenario without a `label`) as readers see it: in
    /// Chinese the `names` entry where there is one, else the name itself.
    pub fn name(self, name: &str) -> &str {
        match self {
            Lang::Zh => translations().names.get(name).map_or(name, String::as_str),
            Lang::En => name,
        }
    }
}

/// Columns a text takes in a terminal: two for East Asian wide characters (汉字, full-width
/// forms), one for others; terminal tables align by it.
pub fn terminal_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// `text` padded with spaces to `width` terminal columns, on the left (`right`-aligned) or right.
pub fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(terminal_width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// What readers see for a scenario: its `label` if it has one, else its name in `lang`.
pub fn display_name<'a>(lang: Lang, name: &'a str, label: &'a str) -> &'a str {
    if label.trim().is_empty() {
        lang.name(name)
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::METRICS;

    #[test]
    fn the_translations_file_parses_and_covers_every_metric_and_unit() {
        let t = parse(TRANSLATIONS_JSON).expect("assets/translations.json parses");
        for m in METRICS {
            let zh = t.metrics.get(m.id).unwrap_or_else(|| panic!("metrics.{} has no Chinese title", m.id));
            assert!(!zh.title.trim().is_empty() && !zh.meaning.trim().is_empty(), "metrics.{}", m.id);
            assert!(t.units.contains_key(m.unit), "units: \"{}\" has no Chinese", m.unit);
        }
        for id in t.metrics.keys() {
            assert!(METRICS.iter().any(|m| m.id == id), "metrics.{id} is not a metric");
        }
        for (section, phrases) in &t.sections {
            for (key, p) in phrases {
                assert!(!p.en.trim().is_empty() && !p.zh.trim().is_empty(), "{section}.{key} lacks a language");
                // placeholders must be the same in both languages
                let holes = |s: &str| {
                    let mut v: Vec<String> =
                        s.split('{').skip(1).filter_map(|x| x.split_once('}')).map(|(h, _)| h.to_string()).collect();
                    v.sort();
                    v
                };
                assert_eq!(holes(&p.en), holes(&p.zh), "{section}.{key}: placeholders differ");
            }
        }
    }

    /// Every `lang.t("section.key")` and `.fill("section.key", …)` in the sources names a phrase
    /// of the file, so no reader ever sees a bare key.
    #[test]
    fn every_key_used_in_the_sources_is_in_the_file() {
        let mut files = Vec::new();
        crate::output::charts::font::tests::rust_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut missing = Vec::new();
        let mut used = 0;
        let sections: Vec<&String> = translations().sections.keys().collect();
        let is_key = |k: &str| {
            k.split_once('.').is_some_and(|(s, rest)| {
                !s.is_empty()
                    && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
        };
        for f in files.iter().filter(|f| !f.ends_with("lang.rs")) {
            let text = std::fs::read_to_string(f).unwrap();
            // keys right after `.t(` / `.fill(`, and every "section.key" literal of a known section
            // (keys passed on through variables or spread over lines)
            let mut keys: Vec<&str> = Vec::new();
            for call in [".t(\"", ".fill(\""] {
                keys.extend(text.split(call).skip(1).map(|p| p.split('"').next().unwrap()).filter(|k| is_key(k)));
            }
            for (i, piece) in text.split('"').enumerate() {
                // "report.html" is a file, not a phrase
                let file = [".html", ".json", ".csv", ".md", ".png", ".svg"].iter().any(|x| piece.ends_with(x));
                if i % 2 == 1 && is_key(piece) && !file && sections.iter().any(|s| piece.starts_with(&format!("{s}.")))
                {
                    keys.push(piece);
                }
            }
            for key in keys {
                used += 1;
                if Lang::Zh.t(Box::leak(key.to_string().into_boxed_str())) == key {
                    missing.push(format!("{key} ({})", f.display()));
                }
            }
        }
        assert!(used > 0);
        assert!(missing.is_empty(), "keys used but not in assets/translations.json: {missing:?}");
    }

    #[test]
    fn phrases_fall_back_and_fill() {
        assert_eq!(Lang::En.t("nosuch.key"), "nosuch.key");
        assert_eq!(Lang::En.t("nodot"), "nodot");
        assert_eq!(Lang::Zh.name("government-driven"), "政府驱动型");
        assert_eq!(Lang::En.name("government-driven"), "government-driven");
        assert_eq!(display_name(Lang::Zh, "hemei", "和美社区"), "和美社区");
        assert_eq!(display_name(Lang::En, "x", " "), "x");
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("EN"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(terminal_width("政府驱动型"), 10);
        assert_eq!(terminal_width("D(v←g)"), 6);
        assert_eq!(pad("政府", 6, true), "  政府");
        assert_eq!(pad("ab", 4, false), "ab  ");
        assert_eq!(Lang::En.fill("chart.replications_n", &[("n", &30)]), "30 replications");
        assert_eq!(Lang::Zh.fill("chart.replications_n", &[("n", &30)]), "30 次重复");
    }
}
