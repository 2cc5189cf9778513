//! The documentation names every metric govsim writes: README.md lists the ids and
//! docs/ODD.md §7.9 defines each one, so a new measure cannot land undocumented.

mod common;

use govsim::measures::METRICS;

#[test]
fn readme_and_odd_name_every_metric() {
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    let odd = std::fs::read_to_string(common::repo("docs/ODD.md")).unwrap();
    let count = format!("Metric ids ({}):", METRICS.len());
    assert!(readme.contains(&count), "README.md should say {count}");
    for m in METRICS {
        let id = format!("`{}`", m.id);
        assert!(readme.contains(&id), "README.md does not list {id}");
        // ODD §7.9 may name a family at once: `dependence_on_government_<legitimacy/…>`
        let family = m.id.rsplit_once('_').map(|(head, _)| format!("`{head}_<"));
        let named = odd.contains(&id) || family.is_some_and(|f| odd.contains(&f));
        assert!(named, "docs/ODD.md does not define {id}");
    }
}
