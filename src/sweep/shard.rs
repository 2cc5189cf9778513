//! Shards: which blocks of the run list one task handles, and finding the task's index from a
//! batch scheduler's array variables (`--shard-from-env`).

/// Task `index` of `count` (0-based), and where that came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
    /// e.g. "--shard-index", "Slurm array (SLURM_ARRAY_TASK_ID=5)".
    pub source: String,
}

/// Blocks handled by shard `index` of `count`: those with b mod count == index.
pub fn blocks_of(n_blocks: u64, index: u64, count: u64) -> Vec<u64> {
    if count == 0 || index >= count {
        return Vec::new();
    }
    (index..n_blocks).step_by(count as usize).collect()
}

/// The shard from explicit `--shard-index I --shard-count N`.
pub fn explicit(index: u64, count: u64) -> Result<Shard, String> {
    if count == 0 {
        return Err("--shard-count must be at least 1".into());
    }
    if index >= count {
        return Err(format!("--shard-index {index} must be below --shard-count {count} (shards are numbered from 0)"));
    }
    Ok(Shard { index, count, source: "--shard-index/--shard-count".into() })
}

/// The shard of `govsim sweep`: from the environment (`--shard-from-env`, see [`from_env`]),
/// explicit (`--shard-index`, `--shard-count`, see [`explicit`]), or none: the whole sweep.
/// `--shard-count` alone is refused.
pub fn choose(
    index: Option<u64>,
    count: Option<u64>,
    from_environment: bool,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Shard>, String> {
    match (from_environment, index, count) {
        (true, _, _) => from_env(get, count).map(Some),
        (false, Some(index), count) => explicit(index, count.unwrap_or(0)).map(Some),
        (false, None, Some(_)) => Err("--shard-count needs --shard-index or --shard-from-env".into()),
        (false, None, None) => Ok(None),
    }
}

/// Detect the array task from the environment, in the order Slurm, Kubernetes Indexed Job, AWS
/// Batch, PBS Pro, Torque, SGE. `get` looks a variable up (std::env::var in the binary, a map in
/// tests); `count_arg` is `--shard-count` if given (required where the scheduler does not export
/// the array size).
pub fn from_env(get: &dyn Fn(&str) -> Option<String>, count_arg: Option<u64>) -> Result<Shard, String> {
    let num = |name: &str| -> Result<Option<u64>, String> {
        match get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
                format!("{name}={v:?} is not a whole number ≥ 0 (is this task really part of an array job?)")
            }),
        }
    };
    let need = |name: &str, scheduler: &str| -> Result<u64, String> {
        num(name)?.ok_or_else(|| format!("{scheduler}: {name} is not set (it is set for every task of an array job)"))
    };
    let finish = |index: u64, count: u64, source: String| -> Result<Shard, String> {
        if count == 0 {
            return Err(format!("{source}: the array has 0 tasks"));
        }
        if index >= count {
            return Err(format!("{source}: task index {index} is not below the task count {count}"));
        }
        Ok(Shard { index, count, source })
    };
    let agree = |count: u64, source: &str| -> Result<(), String> {
        match count_arg {
            Some(c) if c != count => Err(format!(
                "--shard-count {c} disagrees with the {source}, which has {count} tasks; drop --shard-count"
            )),
            _ => Ok(()),
        }
    };
    let counted = |name: &str, what: &str, hint: &str| -> Result<Option<Shard>, String> {
        let Some(index) = num(name)? else { return Ok(None) };
        let Some(count) = count_arg else {
            return Err(format!(
                "{what}: {name}={index} found, but the number of tasks is not in the environment; pass --shard-count N ({hint})"
            ));
        };
        finish(index, count, format!("{what} ({name}={index})")).map(Some)
    };

    // Slurm: index = (ID − MIN) / STEP, count = COUNT
    if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
        let s = "Slurm array";
        let count = need("SLURM_ARRAY_TASK_COUNT", s)?;
        let min = need("SLURM_ARRAY_TASK_MIN", s)?;
        let step = need("SLURM_ARRAY_TASK_STEP", s)?;
        if step == 0 {
            return Err(format!("{s}: SLURM_ARRAY_TASK_STEP=0 is not a valid step"));
        }
        if id < min || (id - min) % step != 0 {
            return Err(format!(
                "{s}: SLURM_ARRAY_TASK_ID={id} is not MIN + k·STEP (SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_STEP={step}); use a range such as --array=0-{}, not a list",
                count.saturating_sub(1)
            ));
        }
        // a list (--array=5,17) has MIN=5 MAX=17 STEP=1 COUNT=2: indices would not be 0..COUNT
        if let Some(max) = num("SLURM_ARRAY_TASK_MAX")? {
            if max < min || (max - min) / step + 1 != count {
                return Err(format!(
                    "{s}: SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_MAX={max} and SLURM_ARRAY_TASK_STEP={step} do not span SLURM_ARRAY_TASK_COUNT={count} tasks (a list such as --array=5,17?); use a range such as --array=0-{}",
                    count.saturating_sub(1)
                ));
            }
        }
        agree(count, "Slurm array (SLURM_ARRAY_TASK_COUNT)")?;
        return finish((id - min) / step, count, format!("{s} (SLURM_ARRAY_TASK_ID={id})"));
    }
    if let Some(s) = counted("JOB_COMPLETION_INDEX", "Kubernetes Indexed Job", "the Job's `completions`")? {
        return Ok(s);
    }
    if let Some(s) = counted("AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch array job", "the array size")? {
        return Ok(s);
    }
    if let Some(s) = counted("PBS_ARRAY_INDEX", "PBS Pro array job", "the number of subjobs, with -J 0-(N-1)")? {
        return Ok(s);
    }
    if let Some(s) = counted("PBS_ARRAYID", "Torque array job", "the number of array tasks, with -t 0-(N-1)")? {
        return Ok(s);
    }
    // SGE: 1-based; index = (ID − FIRST) / STEPSIZE, count = (LAST − FIRST) / STEPSIZE + 1
    if let Some(raw) = get("SGE_TASK_ID") {
        let s = "SGE array job";
        if raw.trim() == "undefined" {
            return Err(format!("{s}: SGE_TASK_ID=undefined (the job was not submitted as an array with qsub -t)"));
        }
        let id = need("SGE_TASK_ID", s)?;
        let first = need("SGE_TASK_FIRST", s)?;
        let last = need("SGE_TASK_LAST", s)?;
        let step = num("SGE_TASK_STEPSIZE")?.unwrap_or(1);
        if step == 0 {
            return Err(format!("{s}: SGE_TASK_STEPSIZE=0 is not a valid step"));
        }
        if last < first {
            return Err(format!("{s}: SGE_TASK_LAST={last} is below SGE_TASK_FIRST={first}"));
        }
        if id < first || id > last || (id - first) % step != 0 {
            return Err(format!(
                "{s}: SGE_TASK_ID={id} is not FIRST + k·STEPSIZE within [FIRST, LAST] (SGE_TASK_FIRST={first}, SGE_TASK_LAST={last}, SGE_TASK_STEPSIZE={step})"
            ));
        }
        let count = (last - first) / step + 1;
        agree(count, "SGE array (SGE_TASK_FIRST..SGE_TASK_LAST)")?;
        return finish((id - first) / step, count, format!("{s} (SGE_TASK_ID={id})"));
    }
    Err("--shard-from-env: no array task variable found (looked for SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, PBS_ARRAY_INDEX, PBS_ARRAYID, SGE_TASK_ID); use --shard-index I --shard-count N".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn detect(vars: &[(&str, &str)], count: Option<u64>) -> Result<Shard, String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        from_env(&|k| map.get(k).cloned(), count)
    }
    fn ok(vars: &[(&str, &str)], count: Option<u64>) -> (u64, u64) {
        let s = detect(vars, count).unwrap();
        (s.index, s.count)
    }
    fn err(vars: &[(&str, &str)], count: Option<u64>, needles: &[&str]) {
        let e = detect(vars, count).unwrap_err();
        for n in needles {
            assert!(e.contains(n), "{n:?} missing in {e:?}");
        }
    }

    const SLURM: [(&str, &str); 4] = [
        ("SLURM_ARRAY_TASK_ID", "7"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_STEP", "3"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];

    #[test]
    fn slurm_ranges_and_steps() {
        // --array=0-3 (verified on a local Slurm: ID=0..3 COUNT=4 MIN=0 STEP=1)
        for id in 0..4u64 {
            let i = id.to_string();
            let v = [
                ("SLURM_ARRAY_TASK_ID", i.as_str()),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_STEP", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ];
            assert_eq!(ok(&v, None), (id, 4));
            assert_eq!(ok(&v, Some(4)), (id, 4));
        }
        // --array=1-7:3 → IDs 1, 4, 7 are tasks 0, 1, 2
        assert_eq!(ok(&SLURM, None), (2, 3));
        let mut v = SLURM;
        v[0].1 = "4";
        assert_eq!(ok(&v, None), (1, 3));
    }

    #[test]
    fn slurm_errors_name_the_variable() {
        let mut v = SLURM;
        v[0].1 = "5";
        err(&v, None, &["SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_STEP=3"]);
        v[0].1 = "abc";
        err(&v, None, &["SLURM_ARRAY_TASK_ID=\"abc\"", "whole number"]);
        v[0].1 = "-1";
        err(&v, None, &["SLURM_ARRAY_TASK_ID=\"-1\""]);
        err(&SLURM[..3], None, &["SLURM_ARRAY_TASK_COUNT is not set"]);
        err(&[SLURM[0], SLURM[2], SLURM[3]], None, &["SLURM_ARRAY_TASK_MIN is not set"]);
        err(&[SLURM[0], SLURM[1], SLURM[3]], None, &["SLURM_ARRAY_TASK_STEP is not set"]);
        let mut v = SLURM;
        v[2].1 = "0";
        err(&v, None, &["SLURM_ARRAY_TASK_STEP=0"]);
        let mut v = SLURM;
        v[3].1 = "2"; // ID 7 is task 2, not below COUNT 2
        err(&v, None, &["task index 2", "count 2"]);
        err(&SLURM, Some(4), &["--shard-count 4", "3 tasks"]);
        // --array=5,17: Slurm sets MIN=5 MAX=17 STEP=1 COUNT=2 (seen on Slurm 22.05.8)
        let list = [
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_MAX", "17"),
            ("SLURM_ARRAY_TASK_STEP", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ];
        err(&list, None, &["SLURM_ARRAY_TASK_MAX=17", "a list"]);
        let mut range = list;
        range[2].1 = "6"; // --array=5-6
        assert_eq!(ok(&range, None), (0, 2));
        let mut v = SLURM;
        v[0].1 = "0"; // below MIN
        err(&v, None, &["SLURM_ARRAY_TASK_ID=0"]);
    }

    #[test]
    fn kubernetes_aws_pbs_torque_need_the_count() {
        for var in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "PBS_ARRAY_INDEX", "PBS_ARRAYID"] {
            assert_eq!(ok(&[(var, "2")], Some(5)), (2, 5), "{var}");
            assert_eq!(ok(&[(var, "0")], Some(1)), (0, 1), "{var}");
            err(&[(var, "2")], None, &[var, "--shard-count"]);
            err(&[(var, "5")], Some(5), &["task index 5", "count 5"]);
            err(&[(var, "x")], Some(5), &[&format!("{var}=\"x\"")]);
            err(&[(var, "1")], Some(0), &["0 tasks"]);
        }
    }

    #[test]
    fn sge_is_one_based() {
        let v = |id: &'static str| {
            [("SGE_TASK_ID", id), ("SGE_TASK_FIRST", "1"), ("SGE_TASK_LAST", "4"), ("SGE_TASK_STEPSIZE", "1")]
        };
        assert_eq!(ok(&v("1"), None), (0, 4));
        assert_eq!(ok(&v("4"), None), (3, 4));
        // qsub -t 2-10:4 → 2, 6, 10
        let w = [("SGE_TASK_ID", "6"), ("SGE_TASK_FIRST", "2"), ("SGE_TASK_LAST", "10"), ("SGE_TASK_STEPSIZE", "4")];
        assert_eq!(ok(&w, None), (1, 3));
        // no STEPSIZE means 1
        assert_eq!(ok(&v("3")[..3], None), (2, 4));
        err(&[("SGE_TASK_ID", "undefined")], None, &["SGE_TASK_ID=undefined", "qsub -t"]);
        err(&v("5"), None, &["SGE_TASK_ID=5"]);
        err(&v("0"), None, &["SGE_TASK_ID=0"]);
        err(&v("2")[..2], None, &["SGE_TASK_LAST is not set"]);
        err(&v("2"), Some(3), &["--shard-count 3"]);
        let bad = [("SGE_TASK_ID", "2"), ("SGE_TASK_FIRST", "3"), ("SGE_TASK_LAST", "1")];
        err(&bad, None, &["SGE_TASK_LAST=1", "SGE_TASK_FIRST=3"]);
    }

    #[test]
    fn detection_order_and_nothing_found() {
        // Slurm wins over the others when several are set
        let v = [SLURM[0], SLURM[1], SLURM[2], SLURM[3], ("JOB_COMPLETION_INDEX", "0"), ("SGE_TASK_ID", "1")];
        assert!(detect(&v, None).unwrap().source.starts_with("Slurm"));
        assert!(detect(&[("JOB_COMPLETION_INDEX", "1"), ("PBS_ARRAYID", "0")], Some(2))
            .unwrap()
            .source
            .starts_with("Kubernetes"));
        err(&[], None, &["no array task variable", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "--shard-index"]);
    }

    #[test]
    fn choose_takes_the_environment_the_flags_or_nothing() {
        let none = |_: &str| None;
        assert_eq!(choose(None, None, false, &none), Ok(None));
        assert_eq!(choose(Some(1), Some(2), false, &none).unwrap().unwrap().index, 1);
        assert!(choose(None, Some(2), false, &none).unwrap_err().contains("--shard-count needs"));
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "1".to_string());
        assert_eq!(choose(None, Some(3), true, &k8s).unwrap().unwrap().index, 1);
    }

    #[test]
    fn explicit_shards_are_checked() {
        assert_eq!(explicit(2, 3).unwrap().index, 2);
        assert!(explicit(3, 3).unwrap_err().contains("below"));
        assert!(explicit(0, 0).is_err());
    }

    #[test]
    fn every_block_belongs_to_exactly_one_shard() {
        for n_blocks in [0u64, 1, 2, 5, 16, 17, 100] {
            for count in 1..=9u64 {
                let mut seen = vec![0u32; n_blocks as usize];
                for index in 0..count {
                    for b in blocks_of(n_blocks, index, count) {
                        assert_eq!(b % count, index);
                        seen[b as usize] += 1;
                    }
                }
                assert!(seen.iter().all(|&c| c == 1), "{n_blocks} blocks, {count} shards: {seen:?}");
            }
        }
        assert!(blocks_of(10, 3, 3).is_empty());
    }
}
