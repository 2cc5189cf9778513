//! CSV files, written and read with the `csv` crate. Every CSV file govsim writes goes through
//! [`Table`] (a cell holding a comma, a quote or a line break is quoted), every number cell
//! through [`Num`] (the one "number or empty cell" rule), and every CSV file govsim reads through
//! [`CsvText`]: columns are found by their header name, and a bad cell is named by its line,
//! column and value.

use serde::{Serialize, Serializer};
use std::fmt;

/// A number as a CSV cell: Rust's shortest round-trip form, or nothing when undefined (NaN or
/// infinite), so that pandas and R read NaN. [`CsvText`] reads back exactly this form.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_cell(f, self.0)
    }
}

/// A number cell: `v` as [`write_shortest`] writes it, or nothing when undefined (NaN or
/// infinite). The one rule for every number govsim writes to a CSV file.
pub fn write_cell(out: &mut impl fmt::Write, v: f64) -> fmt::Result {
    if v.is_finite() {
        write_shortest(out, v)
    } else {
        Ok(())
    }
}

/// Whether positive finite `v` lies exactly halfway between the decimal `digits` × 10^`last`
/// and its neighbour one unit above or below in the last digit. Such a midpoint is
/// N × 10^(last − 1) with N ending in 5, so odd; v = m·2^e equals it exactly when
/// N = odd(m)·5^k with k = −(e + twos(m)) > 0 the power of ten (a midpoint with k ≤ 0 would be an
/// odd integer of 17 or more digits, above 2^53, which no f64 is).
fn is_tie(v: f64, digits: &[u8], last: i64) -> bool {
    let d = digits.iter().fold(0u128, |d, &c| d * 10 + (c - b'0') as u128);
    let bits = v.to_bits();
    let (exponent, fraction) = ((bits >> 52) as i64 & 0x7ff, bits & ((1 << 52) - 1));
    let (m, e) = if exponent == 0 { (fraction, -1074) } else { (fraction | 1 << 52, exponent - 1075) };
    if m == 0 {
        return false;
    }
    let twos = m.trailing_zeros() as i64;
    let (odd, k) = (m >> twos, -(e + twos));
    if k <= 0 || k != 1 - last {
        return false;
    }
    // odd·5^k, unless it passes any N of at most 19 digits
    let mut n = odd as u128;
    for _ in 0..k {
        n *= 5;
        if n > 10u128.pow(20) {
            return false;
        }
    }
    n == 10 * d + 5 || (d > 0 && n == 10 * d - 5)
}

/// Finite `v` as `{}` writes an f64 — the shortest digits that read back as `v`, the closest
/// to it among those, never an exponent — but several times faster: ryu finds the same
/// shortest digits (tested against `{}` on millions of values), and they are laid out here.
pub fn write_shortest(out: &mut impl fmt::Write, v: f64) -> fmt::Result {
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    fn zeros(out: &mut impl fmt::Write, mut n: usize) -> fmt::Result {
        while n > 0 {
            let k = n.min(ZEROS.len());
            out.write_str(&ZEROS[..k])?;
            n -= k;
        }
        Ok(())
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(v);
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // ryu writes `d.ddd`, `ddd.d`, `0.000ddd` or `d.ddde±x`: the digits, and how many of them
    // stand before the point
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => match e.parse::<i64>() {
            Ok(e) => (m, e),
            // (never: ryu's exponent is a number) the plain way, never a wrong number
            Err(_) => return write!(out, "{v}"),
        },
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut point = whole.len() as i64 + exponent;
    let mut digits = [0u8; 24];
    let mut n = 0;
    for &d in whole.as_bytes().iter().chain(fraction.as_bytes()) {
        if n == 0 && d == b'0' {
            point -= 1;
        } else if n < digits.len() {
            digits[n] = d;
            n += 1;
        } else {
            // (never: ryu writes at most 17 significant digits)
            return write!(out, "{v}");
        }
    }
    while n > 0 && digits[n - 1] == b'0' {
        n -= 1;
    }
    // ryu breaks a tie between two closest shortest forms to the even digit, `{}` upwards:
    // for an exact tie (rare, and only with 16 or more digits) write what `{}` writes
    if n >= 16 && is_tie(v.abs(), &digits[..n], point - n as i64) {
        return write!(out, "{v}");
    }
    let Ok(digits) = std::str::from_utf8(&digits[..n]) else {
        return write!(out, "{v}");
    };
    if negative {
        out.write_str("-")?;
    }
    if digits.is_empty() {
        return out.write_str("0");
    }
    if point <= 0 {
        out.write_str("0.")?;
        zeros(out, (-point) as usize)?;
        out.write_str(digits)
    } else if point as usize >= digits.len() {
        out.write_str(digits)?;
        zeros(out, point as usize - digits.len())
    } else {
        let (before, after) = digits.split_at(point as usize);
        out.write_str(before)?;
        out.write_str(".")?;
        out.write_str(after)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // not `f64`'s own serialisation: the csv crate writes floats in another form (`1.0`)
        s.collect_str(self)
    }
}

/// Numbers as [`Num`] cells, for a record (a tuple's element is flattened into its cells).
pub fn nums(values: impl IntoIterator<Item = f64>) -> Vec<Num> {
    values.into_iter().map(Num).collect()
}

/// A CSV text being written: its header, then one record per [`Table::row`].
pub struct Table(csv::Writer<Vec<u8>>);

impl Table {
    /// A table with these column names.
    pub fn new<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(columns: I) -> Table {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
        w.write_record(columns).expect("writing to memory cannot fail");
        Table(w)
    }

    /// Append one record: a tuple or sequence of cells (text, whole numbers, [`Num`]s, and
    /// sequences of them, flattened), or a row struct (its fields in order); one cell per column.
    pub fn row(&mut self, row: impl Serialize) {
        // a flat record of text and numbers, one per column, always serialises: else a bug here
        self.0.serialize(row).expect("a CSV record is a flat list of text and numbers, one per column");
    }

    /// The text written.
    pub fn into_string(self) -> String {
        let bytes = self.0.into_inner().map_err(|e| e.into_error()).expect("writing to memory cannot fail");
        String::from_utf8(bytes).expect("CSV written from text is text")
    }
}

/// The CSV text of rows of a struct type: a header of its field names (written also when
/// there are no rows), then one record per row.
pub fn struct_rows<R: Serialize + Default>(rows: impl IntoIterator<Item = R>) -> String {
    let text = |rows: &mut dyn Iterator<Item = R>| {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in rows {
            w.serialize(row).expect("a CSV row struct holds text and numbers");
        }
        Table(w).into_string()
    };
    let mut rows = rows.into_iter().peekable();
    if rows.peek().is_some() {
        text(&mut rows)
    } else {
        // the header alone: the first line of a default row's text
        let one = text(&mut std::iter::once(R::default()));
        one.split_inclusive('\n').next().unwrap_or_default().to_string()
    }
}

/// A problem of a CSV text read by [`CsvText`]: where it is, and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    /// Line of the file (1 = the header).
    pub line: u64,
    /// Column name and the cell's text, when the problem is one cell.
    pub cell: Option<(String, String)>,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some((column, value)) => write!(f, "line {}, column {column}: {value:?} {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A column of a [`CsvText`], found by its header name.
#[derive(Clone, Debug)]
pub struct Column {
    index: usize,
    name: String,
}

impl Column {
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A CSV text being read: its header, then its records (every record must have the header's
/// number of cells). Never panics, whatever the text.
pub struct CsvText<'a> {
    header: Vec<String>,
    records: csv::StringRecordsIntoIter<&'a [u8]>,
}

impl<'a> CsvText<'a> {
    /// Read the header of `text`.
    pub fn new(text: &'a str) -> Result<CsvText<'a>, CsvError> {
        let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut records = reader.into_records();
        let header = match records.next() {
            Some(Ok(h)) => h.iter().map(str::to_string).collect(),
            Some(Err(e)) => return Err(unreadable(&e)),
            None => return Err(CsvError { line: 1, cell: None, message: "there is no header line".into() }),
        };
        Ok(CsvText { header, records })
    }

    /// The column names, in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The column named `name`; it must be there exactly once.
    pub fn column(&self, name: &str) -> Result<Column, CsvError> {
        let mut at = self.header.iter().enumerate().filter(|(_, h)| *h == name).map(|(i, _)| i);
        let problem = match (at.next(), at.next()) {
            (Some(index), None) => return Ok(Column { index, name: name.to_string() }),
            (None, _) => "there is no such column",
            (Some(_), Some(_)) => "the header has it more than once",
        };
        Err(CsvError { line: 1, cell: None, message: format!("column {name:?}: {problem}") })
    }

    /// The columns named `names`, in that order.
    pub fn columns<'n>(&self, names: impl IntoIterator<Item = &'n str>) -> Result<Vec<Column>, CsvError> {
        names.into_iter().map(|n| self.column(n)).collect()
    }
}

impl Iterator for CsvText<'_> {
    type Item = Result<Row, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = match self.records.next()? {
            Ok(r) => r,
            Err(e) => return Some(Err(unreadable(&e))),
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != self.header.len() {
            let message = format!("{} cell(s), the header has {}", record.len(), self.header.len());
            return Some(Err(CsvError { line, cell: None, message }));
        }
        Some(Ok(Row { record, line }))
    }
}

fn unreadable(e: &csv::Error) -> CsvError {
    CsvError { line: e.position().map_or(0, csv::Position::line), cell: None, message: e.to_string() }
}

/// One record of a [`CsvText`].
pub struct Row {
    record: csv::StringRecord,
    line: u64,
}

impl Row {
    /// Its line in the file.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The text of its cell in `column`.
    pub fn text(&self, column: &Column) -> &str {
        self.record.get(column.index).unwrap_or("")
    }

    /// A problem with its cell in `column`.
    pub fn bad(&self, column: &Column, message: impl Into<String>) -> CsvError {
        CsvError {
            line: self.line,
            cell: Some((column.name.clone(), self.text(column).to_string())),
            message: message.into(),
        }
    }

    /// Its cell in `column` as a number written by [`Num`]: a finite number in exactly that
    /// form, or empty (NaN).
    pub fn number(&self, column: &Column) -> Result<f64, CsvError> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(f64::NAN);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && Num(v).to_string() == text => Ok(v),
            _ => Err(self.bad(column, "is not a number as govsim writes them")),
        }
    }

    /// Its cell in `column` as a whole number.
    pub fn whole(&self, column: &Column) -> Result<u64, CsvError> {
        self.text(column).parse().map_err(|_| self.bad(column, "is not a whole number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Pair<'a> {
        name: &'a str,
        value: Num,
        note: Option<&'a str>,
    }

    /// `write_shortest` writes what `{}` writes, on hand cases at the edges of the layout and
    /// on millions of values: random bit patterns (every exponent), values of the kind the
    /// model writes (shares, sums, means), and neighbours of powers of ten.
    #[test]
    fn shortest_digits_are_those_of_display() {
        use rand::{Rng, SeedableRng};
        let check = |v: f64| {
            let mut ours = String::new();
            write_shortest(&mut ours, v).unwrap();
            assert_eq!(ours, format!("{v}"), "bits {:#x}", v.to_bits());
        };
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            10.0,
            100.0,
            0.1,
            0.5,
            0.001,
            1e-5,
            1e-7,
            123.456,
            1e15,
            1e16,
            1.5e16,
            1e21,
            1e22,
            1e23,
            2.5e-10,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            -5e-324,
            9007199254740993.0,
            0.3,
            0.1 + 0.2,
            1.0 / 3.0,
            2.0 / 3.0,
            4.35,
            0.842,
            1e100,
            1e-100,
            1.7976931348623157e308,
        ] {
            check(v);
        }
        // ties, where ryu's own form differs from `{}`'s: the fallback is what makes them right
        for v in [1.0 + 1.0 / (1u64 << 17) as f64, f64::from_bits(0xc315_ea50_d07b_dfb9)] {
            assert_ne!(ryu::Buffer::new().format_finite(v).trim_end_matches('0'), format!("{v}"));
            check(v);
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for _ in 0..2_000_000 {
            let v = f64::from_bits(rng.random());
            if v.is_finite() {
                check(v);
            }
        }
        // exact ties between two shortest forms: dyadic values with 17 or 18 binary places
        for k in [16, 17, 18, 19] {
            for _ in 0..100_000 {
                let j: u64 = rng.random_range(0..1 << 20);
                check(1.0 + j as f64 / (1u64 << k) as f64);
                check(0.5 + j as f64 / (1u64 << (k + 1)) as f64);
            }
        }
        for _ in 0..1_000_000 {
            let u: f64 = rng.random();
            check(u);
            check(u * 1000.0 - 500.0);
            check((u * 120.0).round() / 120.0);
            check(u as f32 as f64);
        }
        // powers of two (the rounding interval is uneven below them) and of ten, and their
        // neighbours
        let powers = (-1074..=1023).map(|e| 2f64.powi(e)).chain((-320..=308).map(|e| 10f64.powi(e)));
        for p in powers {
            let bits = p.to_bits();
            for v in [p, f64::from_bits(bits + 1), f64::from_bits(bits.saturating_sub(1))] {
                check(v);
                check(-v);
            }
        }
    }

    #[test]
    fn numbers_are_shortest_round_trip_or_empty() {
        let cells: Vec<String> =
            [1.0, 0.1, -0.0, 1e16, 1e-7, f64::NAN, f64::INFINITY].iter().map(|&v| Num(v).to_string()).collect();
        assert_eq!(cells, ["1", "0.1", "-0", "10000000000000000", "0.0000001", "", ""]);
    }

    #[test]
    fn names_are_quoted_and_read_back() {
        let mut t = Table::new(["name", "a,b", "c", "d"]);
        t.row(("x \"quoted\", with comma", 3u32, nums([0.5, f64::NAN])));
        let text = t.into_string();
        assert_eq!(text, "name,\"a,b\",c,d\n\"x \"\"quoted\"\", with comma\",3,0.5,\n");
        let mut csv = CsvText::new(&text).unwrap();
        let [name, ab] = <[Column; 2]>::try_from(csv.columns(["name", "a,b"]).unwrap()).unwrap();
        let row = csv.next().unwrap().unwrap();
        assert_eq!(row.text(&name), "x \"quoted\", with comma");
        assert_eq!(row.whole(&ab), Ok(3));
        assert!(csv.next().is_none());
    }

    #[test]
    fn struct_rows_write_their_header_even_without_rows() {
        assert_eq!(struct_rows(Vec::<Pair>::new()), "name,value,note\n");
        let rows = [
            Pair { name: "a", value: Num(2.0), note: None },
            Pair { name: "b", value: Num(f64::NAN), note: Some("n") },
        ];
        assert_eq!(struct_rows(rows), "name,value,note\na,2,\nb,,n\n");
    }

    #[test]
    fn bad_input_is_named_by_line_column_and_value() {
        let text = "run,x\n1,0.5\n2,abc\n3,1.0\n4\n";
        let mut csv = CsvText::new(text).unwrap();
        let x = csv.column("x").unwrap();
        assert_eq!(csv.column("y").unwrap_err().to_string(), "line 1: column \"y\": there is no such column");
        let mut found = Vec::new();
        for row in csv.by_ref() {
            match row.and_then(|r| r.number(&x)) {
                Ok(v) => found.push(v.to_string()),
                Err(e) => found.push(e.to_string()),
            }
        }
        assert_eq!(
            found,
            [
                "0.5",
                "line 3, column x: \"abc\" is not a number as govsim writes them",
                "line 4, column x: \"1.0\" is not a number as govsim writes them",
                "line 5: 1 cell(s), the header has 2",
            ]
        );
        assert!(CsvText::new("").is_err());
        assert!(CsvText::new("a,a\n").unwrap().column("a").is_err());
        // whatever the bytes, no panic
        for text in ["\"", "a\n\"b", "a,b\n\"x\"y\",2\n", "\u{0}\n\r\r\n,,,"] {
            if let Ok(csv) = CsvText::new(text) {
                for row in csv {
                    let _ = row.map(|r| r.line());
                }
            }
        }
    }
}
