//! The page: escaping, the skeleton with its inline style sheet (screen and A4 print), tables,
//! figures with inline SVG. No scripts, no external requests.

use crate::lang::Lang;
use std::fmt::Write as _;

/// `text` escaped for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The style sheet: system sans-serif with CJK fallbacks, tables that fit a page, figures
/// that scale, A4 print with page breaks before sections and none inside figures or table rows.
const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --band: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Helvetica Neue", Arial, "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif;
  color: var(--ink); max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.5; font-size: 15px; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--rule); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
p.lead { color: var(--muted); margin-top: 0; }
nav ol { columns: 2; padding-left: 1.2rem; }
a { color: var(--accent); }
ul.findings li { margin-bottom: .5rem; }
.outcome { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .85rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.scenarios td:nth-child(1) { width: 24%; } table.scenarios td:nth-child(3) { width: 26%; }
table.measures td:nth-child(1) { width: 26%; } table.prov td:nth-child(1) { width: 24%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .3rem; }
.ci { display: block; color: var(--muted); font-size: .75rem; }
.meaning { display: block; color: var(--muted); font-size: .78rem; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .8rem; word-break: break-all; }
figure { margin: 1rem 0 1.6rem; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .4rem; }
figcaption b { color: var(--ink); }
.note { background: var(--band); border-left: 4px solid var(--rule); padding: .5rem .8rem; font-size: .9rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2 { break-before: page; page-break-before: always; }
  h2.first { break-before: auto; page-break-before: auto; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  figure, tr, .note, li { break-inside: avoid; page-break-inside: avoid; }
  table.short { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// A page being written: sections in order.
pub struct Page {
    pub lang: Lang,
    body: String,
    toc: Vec<(String, String)>,
}

impl Page {
    pub fn new(lang: Lang) -> Page {
        Page { lang, body: String::new(), toc: Vec::new() }
    }

    /// A section heading (`id` for the table of contents).
    pub fn section(&mut self, id: &str, title: &str) {
        let first = if self.toc.is_empty() { " class=\"first\"" } else { "" };
        let _ = writeln!(self.body, "<h2 id=\"{id}\"{first}>{}</h2>", esc(title));
        self.toc.push((id.to_string(), title.to_string()));
    }

    pub fn h3(&mut self, title: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", esc(title));
    }

    /// A paragraph of plain text.
    pub fn p(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p>{}</p>", esc(text));
    }

    /// A highlighted note of plain text.
    pub fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", esc(text));
    }

    /// Markup written as is (already escaped by the caller).
    pub fn raw(&mut self, html: &str) {
        self.body.push_str(html);
        self.body.push('\n');
    }

    /// A list of items, each already escaped markup.
    pub fn list(&mut self, class: &str, items: &[String]) {
        let _ = writeln!(self.body, "<ul class=\"{class}\">");
        for i in items {
            let _ = writeln!(self.body, "<li>{i}</li>");
        }
        self.body.push_str("</ul>\n");
    }

    /// A figure: the SVG inline (its XML declaration and fixed size removed, so it scales), and
    /// a caption saying what it shows and how to read it.
    pub fn figure(&mut self, svg: &str, title: &str, how_to_read: &str) {
        let _ = writeln!(
            self.body,
            "<figure>{}<figcaption><b>{}</b> {}</figcaption></figure>",
            inline_svg(svg, title),
            esc(title),
            esc(how_to_read)
        );
    }

    pub fn table(&mut self, t: &Table) {
        self.body.push_str(&t.html());
    }

    /// The whole document.
    pub fn finish(self, title: &str, subtitle: &str) -> String {
        let lang = self.lang;
        let mut out = String::with_capacity(self.body.len() + 8192);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"govsim {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1><p class=\"lead\">{}</p></header>\n",
            if lang == Lang::Zh { "zh-CN" } else { "en" },
            crate::version::VERSION,
            esc(title),
            esc(title),
            esc(subtitle)
        );
        let _ = writeln!(out, "<nav><b>{}</b><ol>", esc(lang.t("report.contents")));
        for (id, t) in &self.toc {
            let _ = writeln!(out, "<li><a href=\"#{id}\">{}</a></li>", esc(t));
        }
        out.push_str("</ol></nav>\n<main>\n");
        out.push_str(&self.body);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// An SVG file's text made fit to sit inside HTML: no XML declaration or doctype, no fixed
/// width and height (the viewBox keeps its proportions), an accessible name.
pub fn inline_svg(svg: &str, title: &str) -> String {
    let mut s = svg.trim_start();
    while s.starts_with("<?") || s.starts_with("<!") {
        s = s.find('>').map_or("", |i| &s[i + 1..]).trim_start();
    }
    let Some(rest) = s.strip_prefix("<svg") else { return String::new() };
    let end = rest.find('>').unwrap_or(0);
    let (attrs, body) = rest.split_at(end);
    let attrs: String = split_attributes(attrs)
        .into_iter()
        .filter(|a| !a.starts_with("width=") && !a.starts_with("height="))
        .collect::<Vec<_>>()
        .join(" ");
    format!("<svg {attrs} role=\"img\" aria-label=\"{}\"{body}", esc(title))
}

/// The attributes of a start tag (`name="value"` pieces; values hold no quotes in plotters' SVG).
fn split_attributes(attrs: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in attrs.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A table: a caption, a header, rows of cells (markup escaped by the builder).
pub struct Table {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
    short: bool,
    class: &'static str,
}

/// A cell: text, a number (right-aligned) or markup.
pub enum Cell {
    Text(String),
    Num(String),
    /// A name with its meaning under it.
    Named(String, String),
    Code(String),
    /// An estimate: the mean, and its interval under it.
    Est(super::numbers::Est),
}

impl Table {
    pub fn new(caption: &str, header: &[&str]) -> Table {
        Table {
            caption: caption.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: vec![],
            short: false,
            class: "",
        }
    }

    pub fn with_header(caption: &str, header: Vec<String>) -> Table {
        Table { caption: caption.into(), header, rows: vec![], short: false, class: "" }
    }

    /// A class for the style sheet (column widths of a kind of table).
    pub fn class(mut self, class: &'static str) -> Table {
        self.class = class;
        self
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn html(&self) -> String {
        let short = self.short || self.rows.len() <= 12;
        let class = format!("{} {}", self.class, if short { "short" } else { "" });
        let mut out =
            format!("<table class=\"{}\">\n<caption>{}</caption>\n<thead><tr>", class.trim(), esc(&self.caption));
        for h in &self.header {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for c in r {
                match c {
                    Cell::Text(t) => {
                        let _ = write!(out, "<td>{}</td>", esc(t));
                    }
                    Cell::Num(t) => {
                        let _ = write!(out, "<td class=\"num\">{}</td>", esc(t));
                    }
                    Cell::Named(n, m) => {
                        let _ = write!(out, "<td>{}<span class=\"meaning\">{}</span></td>", esc(n), esc(m));
                    }
                    Cell::Est(e) => {
                        let (mean, ci) = e.parts();
                        let ci = ci.map_or(String::new(), |c| format!("<span class=\"ci\">{}</span>", esc(&c)));
                        let _ = write!(out, "<td class=\"num\">{}{ci}</td>", esc(&mean));
                    }
                    Cell::Code(t) => {
                        let _ = write!(out, "<td><span class=\"mono\">{}</span></td>", esc(t));
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    }

    #[test]
    fn svg_loses_declaration_and_fixed_size() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let s = inline_svg(svg, "A <chart>");
        assert!(s.starts_with("<svg viewBox=\"0 0 10 5\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"A &lt;chart&gt;\">"), "{s}");
        assert!(s.ends_with("<rect/></svg>"));
        assert_eq!(inline_svg("not svg", "x"), "");
    }
}
