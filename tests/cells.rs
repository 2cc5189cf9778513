//! Building cells (ODD §7.1, 一长三员 [001]): a generic instrument, probed by switching its
//! parts off. A cell of four forms in a building and its active members ask neighbours in the
//! same building; the case file `changshouyuan` uses it, no code knows the case.

mod common;

use govsim::experiment::{run_replication, Replication};
use govsim::measures::M;
use govsim::scenario::Scenario;

fn run(s: &Scenario) -> Replication {
    run_replication(s, 3, 0)
}

fn mean(r: &Replication, m: M, from: usize, to: usize) -> f64 {
    r.rows[from..to].iter().map(|row| row[m.index()]).sum::<f64>() / (to - from) as f64
}

fn changshouyuan() -> Scenario {
    common::load(&common::repo("scenarios/cases/changshouyuan.json"))
}

#[test]
fn cells_that_never_form_change_nothing() {
    let s = changshouyuan();
    let mut never = s.clone();
    never.instruments.building_cells.as_mut().unwrap().formation_rate = 0.0;
    let mut none = s.clone();
    none.instruments.building_cells = None;
    let (a, b) = (run(&never), run(&none));
    assert!(
        a.rows.iter().zip(&b.rows).all(|(x, y)| x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())),
        "an instrument that forms no cell must leave every output bit-identical (its draws are its own stream)"
    );
}

#[test]
fn cells_put_a_core_in_every_building_and_recruit_their_neighbours() {
    let s = changshouyuan();
    let mut none = s.clone();
    none.instruments.building_cells = None;
    let mut silent = s.clone();
    silent.instruments.building_cells.as_mut().unwrap().asks_per_member = 0.0;
    let (cells, none, silent) = (run(&s), run(&none), run(&silent));
    let final_year = |r: &Replication, m: M| mean(r, m, 108, 120);
    for (label, r) in [("cells", &cells), ("no cells", &none), ("cells that ask no one", &silent)] {
        println!(
            "{label}: buildings with a core {:.2}, core per building {:.2}, active rate {:.4}, coverage {:.3}",
            final_year(r, M::BuildingsWithCore),
            final_year(r, M::CorePerBuilding),
            final_year(r, M::ActiveRate),
            final_year(r, M::Coverage)
        );
    }
    // the cell of four: nearly every building has core members once cells have formed
    assert!(final_year(&cells, M::BuildingsWithCore) > 0.9);
    assert!(final_year(&none, M::BuildingsWithCore) < 0.5);
    // founders alone (no building asks) seed peer recruitment over their ties: measured 7.9%
    // active vs 0.9% without cells; the cells' own asks add half as much again (12.2%)
    assert!(final_year(&silent, M::ActiveRate) > 3.0 * final_year(&none, M::ActiveRate));
    assert!(final_year(&cells, M::ActiveRate) > 1.3 * final_year(&silent, M::ActiveRate));
    assert!(final_year(&cells, M::Coverage) > final_year(&none, M::Coverage) + 0.3);
}
