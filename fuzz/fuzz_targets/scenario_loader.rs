//! Feed arbitrary bytes to the scenario loader: it must return a valid scenario or an error,
//! never panic. Valid small scenarios are also stepped a few times.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = govsim::scenario::parse(&text, Path::new("fuzz.json"), "fuzz") {
        assert!(govsim::scenario::validate(&s).is_empty());
        let agents = s.community.residents as u64 + s.actors.enterprises.iter().map(|e| e.employees as u64).sum::<u64>();
        if agents <= 5_000 {
            let mut w = govsim::model::World::new(&s, 1, 0);
            for _ in 0..w.steps().min(2) {
                w.step();
            }
        }
    }
});
