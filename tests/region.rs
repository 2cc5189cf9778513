//! Regions: districts as the shards of a batch array, merged into region-wide results that do
//! not depend on the sharding (tests/regions/small.json: 3 districts, 15 communities).

mod common;

use common::{assert_shipped_schema, govsim, read_json, repo, stderr, tempdir};
use govsim::scenario::region::{district_seed, load_region};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const FILES: [&str; 2] = ["timeseries.csv", "districts.csv"];
const DISTRICTS: [&str; 3] = ["000000-small-urban-1", "000001-small-urban-2", "000002-small-county"];

fn region(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let file = repo("tests/regions/small.json");
    govsim().arg("region").arg(file).arg("--out").arg(out).args(["--progress", "off"]).args(extra).assert()
}

/// The tables a region run must reproduce exactly: region-wide and every district's own.
fn tables(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut t: Vec<(String, Vec<u8>)> = FILES.iter().map(|f| (f.to_string(), fs::read(out.join(f)).unwrap())).collect();
    for d in DISTRICTS {
        for f in ["timeseries.csv", "communities.csv"] {
            let p = format!("districts/{d}/{f}");
            t.push((p.clone(), fs::read(out.join(&p)).unwrap_or_else(|e| panic!("{p}: {e}"))));
        }
    }
    t
}

#[test]
fn sharded_resumed_and_unsharded_regions_give_identical_results() {
    let dir = tempdir();
    let whole = dir.path().join("whole");
    region(&whole, &["--threads", "2"]).success();
    for f in ["summary.json", "manifest.json", "timeseries.png", "final_state.svg", "datapackage.json", "region.json"] {
        assert!(whole.join(f).is_file(), "{f} missing");
    }
    let summary = read_json(&whole.join("summary.json"));
    assert_eq!((summary["districts"].as_u64(), summary["communities"].as_u64()), (Some(3), Some(15)));
    assert_eq!(summary["residents"], 2 * 1500 + 1000);
    // groups across districts: government-driven is in all three, the others in one kind each
    let groups: Vec<(String, u64)> = summary["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["group"].as_str().unwrap().to_string(), g["communities"].as_u64().unwrap()))
        .collect();
    assert_eq!(groups, [("government-driven".into(), 8), ("multi-actor".into(), 4), ("volunteer-led".into(), 3)]);
    let ts = fs::read_to_string(whole.join("timeseries.csv")).unwrap();
    assert_eq!(ts.lines().count(), 1 + 4 * 24, "3 groups and the region, 24 steps");
    assert!(ts.lines().last().unwrap().starts_with("region,23,24,15,"));

    // two shards on one thread each, then merge: the same bytes
    let sharded = dir.path().join("sharded");
    for i in ["0", "1"] {
        region(&sharded, &["--shard-index", i, "--shard-count", "2", "--threads", "1"]).success();
    }
    assert!(!sharded.join("timeseries.csv").exists(), "a shard does not merge");
    govsim().arg("merge").arg(&sharded).assert().success();
    assert_eq!(tables(&sharded), tables(&whole));

    // resume: a lost block is run again, the intact ones are kept as they are
    let kept = fs::metadata(sharded.join("blocks/district-000000.json")).unwrap().ino();
    fs::remove_file(sharded.join("blocks/district-000001.json")).unwrap();
    let a = region(&sharded, &[]).success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout).contains("ran 1 district(s), skipped 2"));
    assert_eq!(fs::metadata(sharded.join("blocks/district-000000.json")).unwrap().ino(), kept);
    assert_eq!(tables(&sharded), tables(&whole));
}

#[test]
fn a_region_of_one_district_is_that_district_run_with_its_seed() {
    let dir = tempdir();
    let file = dir.path().join("one.json");
    let district = repo("tests/regions/small-urban.json");
    let text = format!(
        r#"{{ "description": "one district", "seed": 9, "districts": [ {{ "district": "{}" }} ] }}"#,
        district.display()
    );
    fs::write(&file, text).unwrap();
    let out = dir.path().join("region");
    govsim().arg("region").arg(&file).arg("--out").arg(&out).args(["--progress", "off"]).assert().success();
    let plain = dir.path().join("district");
    let seed = district_seed(9, 0).to_string();
    govsim()
        .arg("district")
        .arg(&district)
        .args(["--seed", &seed, "--progress", "off", "--out"])
        .arg(&plain)
        .assert()
        .success();
    // its own folder is the district's results
    for f in ["timeseries.csv", "communities.csv"] {
        assert_eq!(
            fs::read(out.join("districts/000000-small-urban").join(f)).unwrap(),
            fs::read(plain.join(f)).unwrap(),
            "{f}"
        );
    }
    // and the region-wide rows of each group are the district's group means, to the bit
    // (Σ sums / Σ counts over one district is the district's mean)
    let rows = |p: &Path, total: &str| -> Vec<String> {
        fs::read_to_string(p).unwrap().lines().skip(1).filter(|l| !l.starts_with(total)).map(str::to_string).collect()
    };
    let region_rows = rows(&out.join("timeseries.csv"), "region,");
    assert_eq!(region_rows.len(), 2 * 24);
    assert_eq!(region_rows, rows(&plain.join("timeseries.csv"), "district,"));
}

#[test]
fn merge_refuses_a_missing_or_damaged_district_and_removes_the_old_merge() {
    let dir = tempdir();
    let out = dir.path().join("r");
    region(&out, &["--shard-index", "0", "--shard-count", "3"]).success();
    let a = govsim().arg("merge").arg(&out).assert().code(1);
    let err = stderr(&a);
    assert!(err.contains("2 of 3 district(s) not run yet: district(s) 1–2"), "{err}");
    assert!(!out.join("timeseries.csv").exists());
    for i in ["1", "2"] {
        region(&out, &["--shard-index", i, "--shard-count", "3"]).success();
    }
    govsim().arg("merge").arg(&out).assert().success();
    // an edited number in a block: refused as bad input, the previous merge's files removed
    let block = out.join("blocks/district-000002.json");
    let text = fs::read_to_string(&block).unwrap();
    let at = text.find("\"sum\":[[").unwrap() + 8;
    let digit = if &text[at..at + 1] == "7" { "8" } else { "7" };
    fs::write(&block, format!("{}{digit}{}", &text[..at], &text[at + 1..])).unwrap();
    let a = govsim().arg("merge").arg(&out).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("district-000002.json") && err.contains("changed since"), "{err}");
    for f in ["timeseries.csv", "districts.csv", "summary.json", "manifest.json", "timeseries.png"] {
        assert!(!out.join(f).exists(), "{f} left behind after a failed merge");
    }
    // the region runs the damaged district again and merges
    let a = region(&out, &[]).success();
    assert!(stderr(&a).contains("running district 2 again"), "{}", stderr(&a));
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn a_region_never_writes_into_a_folder_it_did_not_make_nor_mixes_regions() {
    let dir = tempdir();
    let mine = dir.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("thesis.txt"), "my thesis").unwrap();
    let a = region(&mine, &[]).code(2);
    assert!(stderr(&a).contains("did not write"), "{}", stderr(&a));
    assert_eq!(fs::read_dir(&mine).unwrap().count(), 1);
    assert_eq!(fs::read_to_string(mine.join("thesis.txt")).unwrap(), "my thesis");
    // another region (another seed) into a region's folder is refused before anything runs
    let out = dir.path().join("r");
    region(&out, &["--shard-index", "0", "--shard-count", "3"]).success();
    let other = dir.path().join("other.json");
    let text = fs::read_to_string(repo("tests/regions/small.json")).unwrap().replace(r#""seed": 5"#, r#""seed": 6"#);
    let text =
        text.replace("\"district\": \"small-", &format!("\"district\": \"{}/small-", repo("tests/regions").display()));
    fs::write(&other, text).unwrap();
    let a = govsim().arg("region").arg(&other).arg("--out").arg(&out).args(["--progress", "off"]).assert().code(2);
    assert!(
        stderr(&a).contains("results of a different region (region.json differs in: districts, seed)"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn a_shard_of_an_edited_district_file_is_refused_not_mixed() {
    // the same region file, but a district file's setting changed between two shards
    let dir = tempdir();
    let scenarios = repo("scenarios").display().to_string();
    for f in ["small.json", "small-urban.json", "small-county.json"] {
        let text = fs::read_to_string(repo("tests/regions").join(f)).unwrap().replace("../../scenarios", &scenarios);
        fs::write(dir.path().join(f), text).unwrap();
    }
    let file = dir.path().join("small.json");
    let out = dir.path().join("r");
    let shard = |i: &str| {
        govsim()
            .arg("region")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(["--progress", "off", "--shard-index", i, "--shard-count", "2"])
            .assert()
    };
    shard("0").success();
    let urban = dir.path().join("small-urban.json");
    let text = fs::read_to_string(&urban).unwrap();
    fs::write(&urban, text.replace(r#""performance_weight": 0.3"#, r#""performance_weight": 0.5"#)).unwrap();
    let a = shard("1").code(2);
    assert!(stderr(&a).contains("results of a different region (region.json differs in: districts)"), "{}", stderr(&a));
    assert!(!out.join("blocks/district-000001.json").exists());
}

#[test]
fn bad_region_files_name_the_field_and_write_nothing() {
    let dir = tempdir();
    let good = fs::read_to_string(repo("tests/regions/small.json"))
        .unwrap()
        .replace("\"district\": \"small-", &format!("\"district\": \"{}/small-", repo("tests/regions").display()));
    let long = repo("tests/regions/small-urban.json");
    let three_years = dir.path().join("three-years.json");
    fs::write(
        &three_years,
        fs::read_to_string(&long)
            .unwrap()
            .replace(r#""years": 2"#, r#""years": 3"#)
            .replace("small-urban", "three")
            .replace("../../scenarios", &repo("scenarios").display().to_string()),
    )
    .unwrap();
    let cases = [
        (good.replace(r#""count": 2"#, r#""count": 0"#), "districts[0].count"),
        (good.replace("small-county.json", "no-such-district.json"), "districts[1].district"),
        (good.replace(r#""seed": 5"#, r#""seed": -5"#), "seed"),
        (
            good.replace(
                &format!("{}", repo("tests/regions/small-county.json").display()),
                &three_years.display().to_string(),
            ),
            "all districts of a region run on one clock",
        ),
        (
            good.replace("small-county.json", "small-urban.json"),
            "district name \"small-urban\" is also the name of districts[0]",
        ),
        (good.replace(r#""districts""#, r#""district""#), "district"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        assert_ne!(text, &good, "case {i} did not change the file");
        let file = dir.path().join(format!("bad{i}.json"));
        fs::write(&file, text).unwrap();
        let out = dir.path().join(format!("out{i}"));
        let a = govsim().arg("region").arg(&file).arg("--out").arg(&out).assert().code(2);
        let err = stderr(&a);
        assert!(err.contains(needle), "case {i}: expected `{needle}` in: {err}");
        assert!(err.contains(&format!("bad{i}.json")), "case {i}: the file is not named: {err}");
        assert!(!out.exists(), "case {i} wrote output");
    }
}

#[test]
fn the_shipped_province_loads_and_fits_a_task() {
    let plan = load_region(&repo("scenarios/scale/province-100m.json")).unwrap();
    assert_eq!(plan.districts.len(), 90);
    assert_eq!(plan.residents(), 100_000_000);
    // each task holds one district at a time: the largest must fit well inside 4 GB
    let biggest = plan.plans.iter().map(govsim::limits::district_bytes).max().unwrap();
    assert!(biggest < 1 << 30, "{biggest} bytes");
    let a = govsim()
        .args([
            "region",
            "scenarios/scale/province-100m.json",
            "--dry-run",
            "--shard-index",
            "3",
            "--shard-count",
            "16",
        ])
        .current_dir(repo("."))
        .assert()
        .success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        out.contains("90 district(s), 14900 communities, 100000000 residents") && out.contains("shard 3 of 16"),
        "{out}"
    );
}

#[test]
fn the_shipped_region_schema_file_is_up_to_date() {
    let schema = govsim::scenario::region::region_schema();
    assert_shipped_schema("govsim.region.schema.json", &schema, "schema --region");
}
