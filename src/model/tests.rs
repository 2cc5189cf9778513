//! Hand-computed cases for the submodels' formulas and the model's building blocks.

use super::entities::*;
use super::population;
use super::residents::{exit_hazard, exit_hazard_bound, logistic, phase_share, EXIT_BOUND_MARGIN};
use super::rng::{agent_uniforms, philox4x32_10, uniform, Purpose, Streams, Uniforms};
use super::teams::{coverage, material_factor, openings, revealed_next, usefulness};
use super::world::{need_per_1000, step_probability};
use crate::scenario::{Recruitment, Retention, Scenario};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn logistic_hand_cases() {
    assert!(close(logistic(0.0), 0.5));
    assert!(close(logistic(2f64.ln()), 2.0 / 3.0));
}

#[test]
fn exit_hazard_hand_cases() {
    let r =
        Retention { base_hazard: 0.2, satisfaction_protection: 1.0, commitment_protection: 2.0, overload_hazard: 1.0 };
    // h = 0.2·exp(−0.5 − 2·0.25)·(1 + 0.5) = 0.3·e^−1
    assert!(close(exit_hazard(&r, 0.5, 0.25, 0.5), 0.3 * (-1f64).exp()));
    assert!(close(exit_hazard(&r, 0.0, 0.0, 0.0), 0.2));
    // never above 1
    let big = Retention { base_hazard: 1.0, overload_hazard: 50.0, ..r };
    assert!(close(exit_hazard(&big, 0.0, 0.0, 1.0), 1.0));
}

#[test]
fn exit_hazard_bound_hand_cases() {
    let r =
        Retention { base_hazard: 0.2, satisfaction_protection: 1.0, commitment_protection: 2.0, overload_hazard: 1.0 };
    // y = 0.5 + 2·0.25 = 1: h ≤ 0.2·(1 + 0.5) / (1 + 1 + 0.5) = 0.12, against 0.3·e^−1 ≈ 0.110
    assert!(close(exit_hazard_bound(&r, 0.5, 0.25, 0.5), 0.12));
    assert!(exit_hazard(&r, 0.5, 0.25, 0.5) < 0.12);
    // no protection: the bound is the hazard
    assert!(close(exit_hazard_bound(&r, 0.0, 0.0, 0.0), 0.2));
    // a negative protection (outside the valid range) gives no bound but 1, where the exact
    // hazard 0.2·e ≈ 0.54 exceeds the base hazard
    let negative = Retention { satisfaction_protection: -1.0, ..r };
    assert_eq!(exit_hazard_bound(&negative, 1.0, 0.0, 0.0), 1.0);
    assert!(exit_hazard(&negative, 1.0, 0.0, 0.0) > 0.5);
    assert_eq!(exit_hazard_bound(&r, f64::NAN, 0.0, 0.0), 1.0);
}

/// The bound that spares volunteers who stay an `exp` never decides otherwise than the exact
/// chance: wherever a draw is below the exact chance of a step, it is below the bound's chance
/// plus the margin (and the bound is tight enough to spare most: checked on typical values).
#[test]
fn exit_bound_is_above_the_exact_chance() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let edges = [0.0, 1e-300, f64::MIN_POSITIVE, 1e-9, 0.5, 1.0 - 1e-16, 1.0];
    let pick = |rng: &mut rand_chacha::ChaCha8Rng, hi: f64| {
        if rng.random_bool(0.2) {
            edges[rng.random_range(0..edges.len())] * hi
        } else {
            rng.random::<f64>() * hi
        }
    };
    let mut spared = 0;
    let tries = 200_000;
    for _ in 0..tries {
        let r = Retention {
            base_hazard: pick(&mut rng, 1.0),
            satisfaction_protection: pick(&mut rng, 50.0),
            commitment_protection: pick(&mut rng, 50.0),
            overload_hazard: pick(&mut rng, 50.0),
        };
        let (s, c, o) = (pick(&mut rng, 1.0) as f32 as f64, pick(&mut rng, 1.0) as f32 as f64, pick(&mut rng, 3.0));
        for k in [1.0, 2.0, 3.0, 12.0] {
            let exact = step_probability(exit_hazard(&r, s, c, o), k);
            let bound = step_probability(exit_hazard_bound(&r, s, c, o), k);
            assert!(exact <= bound + EXIT_BOUND_MARGIN, "{r:?} s={s} c={c} o={o} k={k}: {exact} > {bound}");
        }
    }
    // the shipped defaults and a typical volunteer (satisfaction 0.6, commitment 0.5): the
    // bound's chance is a third of the base hazard's, so two draws in three skip the exp
    let r = Retention::default();
    let (exact, bound) = (exit_hazard(&r, 0.6, 0.5, 0.0), exit_hazard_bound(&r, 0.6, 0.5, 0.0));
    assert!(exact < bound && bound < r.base_hazard / 3.0, "{exact} {bound}");
    for _ in 0..1000 {
        let u: f64 = rng.random();
        spared += (u >= bound + EXIT_BOUND_MARGIN) as usize;
    }
    assert!(spared > 600, "{spared}");
}

#[test]
fn stepping_mask_in_sse2_is_the_plain_mask() {
    use super::residents::{stepping_mask, stepping_mask_plain};
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    // hand case: agent 0 in a team, 17 brought in, 40 asked by a tie, 63 all three
    let (mut team, mut origin, mut peer) = ([NO_TEAM; 64], [0u8; 64], [NO_TEAM; 64]);
    (team[0], origin[17], peer[40]) = (3, 1, 0);
    (team[63], origin[63], peer[63]) = (0, 2, 5);
    let want = 1 | 1 << 17 | 1 << 40 | 1 << 63;
    assert_eq!(stepping_mask(&team, &origin, &peer), want);
    assert_eq!(stepping_mask_plain(&team, &origin, &peer), want);
    // random blocks, full and partial, with every kind of agent likely
    for _ in 0..20_000 {
        let len = if rng.random_bool(0.8) { 64 } else { rng.random_range(0..=64) };
        let mut v = |p: f64, other: &dyn Fn(&mut rand_chacha::ChaCha8Rng) -> u16| -> Vec<u16> {
            (0..len).map(|_| if rng.random_bool(p) { other(&mut rng) } else { NO_TEAM }).collect()
        };
        let team = v(0.1, &|r| r.random_range(0..NO_TEAM));
        let peer = v(0.05, &|r| r.random_range(0..NO_TEAM));
        let origin: Vec<u8> =
            (0..len).map(|_| if rng.random_bool(0.05) { rng.random_range(1..=255) } else { 0 }).collect();
        let plain = stepping_mask_plain(&team, &origin, &peer);
        assert_eq!(stepping_mask(&team, &origin, &peer), plain);
        let by_hand = (0..len).filter(|&k| team[k] != NO_TEAM || origin[k] != 0 || peer[k] != NO_TEAM);
        assert_eq!(plain, by_hand.fold(0u64, |m, k| m | 1 << k));
    }
}

#[test]
fn phase_share_counts_delivery_plus_codecided_phases() {
    assert!(close(phase_share(0, false), 0.25));
    assert!(close(phase_share(PHASE_DESIGN, false), 0.5));
    assert!(close(phase_share(PHASE_COMMISSIONING | PHASE_DESIGN | PHASE_ASSESSMENT, false), 1.0));
    assert!(close(phase_share(0, true), 1.0));
}

#[test]
fn production_formulas() {
    // half the materials with floor 0.6: 0.6 + 0.4·0.5 = 0.8
    assert!(close(material_factor(0.6, 30.0, 60.0), 0.8));
    assert!(close(material_factor(0.6, 90.0, 60.0), 1.0));
    assert!(close(material_factor(0.6, 0.0, 0.0), 1.0));
    assert!(close(coverage(50.0, 200.0), 0.25));
    assert!(close(coverage(500.0, 200.0), 1.0));
    assert!(close(coverage(0.0, 0.0), 1.0));
    assert!(close(usefulness(50.0, 200.0), 1.0));
    assert!(close(usefulness(400.0, 200.0), 0.5));
}

#[test]
fn openings_taper_over_the_last_slack_of_demand() {
    let r = Recruitment { slack: 0.2, floor: 0.0 };
    assert!(close(openings(0.5, &r), 1.0)); // more than the slack unmet: full strength
    assert!(close(openings(0.8, &r), 1.0));
    assert!(close(openings(0.9, &r), 0.5)); // half the slack unmet
    assert!(close(openings(1.0, &r), 0.0)); // all met: no asks
    let r = Recruitment { slack: 0.2, floor: 0.25 };
    assert!(close(openings(0.9, &r), 0.625)); // 0.25 + 0.75 · 0.5
    assert!(close(openings(1.0, &r), 0.25));
    let off = Recruitment { slack: 0.2, floor: 1.0 };
    assert!(close(openings(1.0, &off), 1.0));
}

#[test]
fn drawing_money_keeps_provenance_and_never_overdraws() {
    let mut stock = [30.0, 10.0, 0.0, 0.0, 0.0];
    let taken = draw_proportional(&mut stock, 20.0);
    assert!(close(taken[GOV], 15.0) && close(taken[SO], 5.0));
    assert!(close(stock[GOV], 15.0) && close(stock[SO], 5.0));
    let all = draw_proportional(&mut stock, 1e9);
    assert!(close(all.iter().sum::<f64>(), 20.0));
    assert!(stock.iter().all(|s| *s == 0.0));
}

#[test]
fn streams_are_reproducible_and_distinct() {
    let s = Streams::new(11, 4);
    let mut a = s.stream(Purpose::Peers, 7, 2);
    let mut b = s.stream(Purpose::Peers, 7, 2);
    let mut c = s.stream(Purpose::Peers, 7, 3);
    let mut d = Streams::new(11, 5).stream(Purpose::Peers, 7, 2);
    let (x, y, z, q) = (uniform(&mut a), uniform(&mut b), uniform(&mut c), uniform(&mut d));
    assert_eq!(x, y);
    assert_ne!(x, z);
    assert_ne!(x, q);
}

/// The slots of an agent's uniforms as an array, in slot order.
fn slots(u: &Uniforms) -> [f32; 8] {
    [u.reach_or_split, u.pick, u.accept, u.serve, u.callout, u.training, u.exit, u.leader]
}

/// Philox4x32-10 gives Random123's known-answer vectors (tests/kat_vectors, lines
/// `philox4x32 10`: counter, key, result).
#[test]
fn philox_gives_the_known_answers() {
    assert_eq!(philox4x32_10([0; 4], [0; 2]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    assert_eq!(philox4x32_10([u32::MAX; 4], [u32::MAX; 2]), [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    assert_eq!(
        philox4x32_10([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]),
        [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]
    );
}

/// An agent's uniforms are the same for the same (seed, replication, step, agent), differ when
/// any of them changes, lie in [0, 1), and look independent: over 200,000 agents each slot's
/// mean is 1/2 (sd 0.00065; allowed 0.004) and the correlation between any two slots, and
/// between neighbouring agents' same slot, is 0 (sd 0.0022; allowed 0.012).
#[test]
fn agent_uniforms_are_a_function_of_who_and_when_and_look_independent() {
    let s = Streams::new(11, 4);
    let u = |s: &Streams, step, i| slots(&agent_uniforms(s, step, i));
    assert_eq!(u(&s, 7, 5), u(&Streams::new(11, 4), 7, 5));
    for other in [u(&s, 8, 5), u(&s, 7, 6), u(&Streams::new(11, 5), 7, 5), u(&Streams::new(12, 4), 7, 5)] {
        assert_ne!(u(&s, 7, 5), other);
    }
    let n = 200_000;
    let all: Vec<[f64; 8]> = (0..n).map(|i| u(&s, 3, i).map(|x| x as f64)).collect();
    assert!(all.iter().flatten().all(|x| (0.0..1.0).contains(x)));
    let corr = |x: &dyn Fn(usize) -> f64, y: &dyn Fn(usize) -> f64, m: usize| {
        let (mx, my) = ((0..m).map(x).sum::<f64>() / m as f64, (0..m).map(y).sum::<f64>() / m as f64);
        let cov = (0..m).map(|i| (x(i) - mx) * (y(i) - my)).sum::<f64>();
        let vx = (0..m).map(|i| (x(i) - mx).powi(2)).sum::<f64>();
        let vy = (0..m).map(|i| (y(i) - my).powi(2)).sum::<f64>();
        cov / (vx * vy).sqrt()
    };
    for a in 0..8 {
        let mean = all.iter().map(|v| v[a]).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.004, "slot {a}: mean {mean}");
        let next = corr(&|i| all[i][a], &|i| all[i + 1][a], n - 1);
        assert!(next.abs() < 0.012, "slot {a}: neighbours correlate {next}");
        for b in a + 1..8 {
            let r = corr(&|i| all[i][a], &|i| all[i][b], n);
            assert!(r.abs() < 0.012, "slots {a} and {b} correlate {r}");
        }
    }
}

#[test]
fn population_matches_the_trait_distributions_and_places_ties_locally() {
    let mut s = Scenario::default();
    s.community.residents = 20_000;
    let streams = Streams::new(3, 0);
    let a = population::residents(&s.community, &streams, 0);
    let n = a.residents as f64;
    let mean = |v: &[f32]| v.iter().map(|x| *x as f64).sum::<f64>() / n;
    let t = &s.community.traits;
    // standard error of a mean of 20,000 draws with SD 0.18 is 0.0013: allow 4 SE
    assert!((mean(&a.motivation) - t.motivation_mean).abs() < 0.006);
    assert!((mean(&a.skill) - t.skill_mean).abs() < 0.005);
    assert!((mean(&a.time_budget) - t.time_budget_mean).abs() < 0.25);
    let net = population::network(&s.community, &streams);
    let courtyard = (s.community.residents_per_building * s.community.buildings_per_courtyard) as usize;
    for i in (0..a.residents).step_by(997) {
        for k in 0..s.community.local_ties as usize {
            let j = net.tie(i, k) as usize;
            assert_eq!(i / courtyard, j / courtyard, "local tie leaves the courtyard");
        }
    }
}

#[test]
fn a_resident_costs_at_most_64_bytes_of_state() {
    let mut s = crate::scenario::load(std::path::Path::new("scenarios/drivers/multi-actor.json")).unwrap();
    s.community.residents = 100_000;
    let mut w = super::World::new(&s, 1, 0);
    // a year in: the lists kept between steps have grown
    for _ in 0..12 {
        w.step();
    }
    let per = w.state_bytes() as f64 / w.agents.len() as f64;
    assert!(per <= 64.0, "{per:.1} bytes per resident");
}

/// The driver models of one community share its population: a world built around a copy of
/// it is the world `World::new` draws, column for column and capacity for capacity (with the
/// scenario's own employees appended), and steps the same.
#[test]
fn a_shared_population_builds_the_world_drawing_it_would() {
    use super::population::Population;
    use super::World;
    let load = |name: &str| crate::scenario::load(std::path::Path::new(&format!("scenarios/drivers/{name}.json")));
    let (gov, multi) = (load("government-driven").unwrap(), load("multi-actor").unwrap());
    assert_eq!(Population::key(&gov), Population::key(&multi));
    assert!(population::employees(&multi) > 0 && population::employees(&gov) == 0);
    let p = Population::draw(&gov, 7, 2);
    let columns = |w: &World| {
        let a = &w.agents;
        format!("{:?}", (&a.history, &a.motivation, &a.time_budget, &a.skill, &a.trust_government))
            + &format!("{:?}", (&a.trust_neighbours, &a.origin, &a.state, &a.team, &a.channel))
            + &format!("{:?}", (&w.net.local_ties, &w.net.long_ties, w.state_bytes()))
    };
    for s in [&gov, &multi] {
        let (mut drawn, mut shared) = (World::new(s, 7, 2), World::with_population(s, 7, 2, &p));
        assert_eq!(columns(&drawn), columns(&shared), "{}", s.name);
        for _ in 0..12 {
            assert_eq!(format!("{:?}", drawn.step()), format!("{:?}", shared.step()), "{}", s.name);
        }
    }
    // what the population depends on is in its key
    let mut other = gov.clone();
    other.community.traits.motivation_mean += 0.01;
    assert_ne!(Population::key(&gov), Population::key(&other));
    other = gov.clone();
    other.community.long_range_ties += 1;
    assert_ne!(Population::key(&gov), Population::key(&other));
}

#[test]
fn money_is_conserved_in_a_rich_scenario() {
    let s = crate::scenario::load(std::path::Path::new("scenarios/drivers/multi-actor.json")).unwrap();
    let mut w = super::World::new(&s, 1, 0);
    for _ in 0..36 {
        w.step();
        let a = &w.audit;
        assert!((w.money_in_stocks() - (a.initial + a.inflow - a.outflow)).abs() < 1e-6);
    }
    assert!(w.audit.inflow > 0.0 && w.audit.outflow > 0.0);
}

#[test]
fn states_follow_commitment_with_hysteresis() {
    use super::residents::next_state;
    let st = crate::scenario::States::default(); // regular 0.35, core 0.55, core skill 0.35, margin 0.05
    assert_eq!(next_state(&st, State::Occasional, 0.35, 0.0), State::Regular);
    assert_eq!(next_state(&st, State::Regular, 0.55, 0.35), State::Core);
    // core needs skill too
    assert_eq!(next_state(&st, State::Regular, 0.9, 0.3), State::Regular);
    // demotion only below the threshold less the margin
    assert_eq!(next_state(&st, State::Regular, 0.31, 0.5), State::Regular);
    assert_eq!(next_state(&st, State::Regular, 0.29, 0.5), State::Occasional);
    assert_eq!(next_state(&st, State::Core, 0.51, 0.5), State::Core);
    assert_eq!(next_state(&st, State::Leader, 0.49, 0.5), State::Regular);
    assert_eq!(next_state(&st, State::Inactive, 1.0, 1.0), State::Inactive);
}

#[test]
fn need_is_revealed_as_services_cover_demand() {
    // L = 2: residents start by asking for half their need; at full coverage the share moves
    // 5% of the way to 1: 0.5 + 0.05·(0.5 + 0.5·1 − 0.5) = 0.525
    assert!(close(revealed_next(0.5, 1.0, 2.0, 0.05), 0.525));
    // with nothing covered it stays at the initial share
    assert!(close(revealed_next(0.5, 0.0, 2.0, 0.05), 0.5));
    // at 60% coverage the target is 0.8: from 0.9 it falls 10% of the way, to 0.89
    assert!(close(revealed_next(0.9, 0.6, 2.0, 0.1), 0.89));
    // L = 1: all need is known from the start, whatever the coverage
    assert_eq!(revealed_next(1.0, 0.3, 1.0, 0.5), 1.0);
    // fixed point with supply S = 0.5 N, L = 4 and coverage S/(ρN): ρ = 0.25 + 0.75·0.5/ρ → ρ = 0.75
    let mut rho = 0.25;
    for _ in 0..2000 {
        rho = revealed_next(rho, (0.5 / rho).min(1.0), 4.0, 0.05);
    }
    assert!((rho - 0.75).abs() < 1e-9, "{rho}");
}

#[test]
fn elder_care_need_grows_with_ageing() {
    let mut s = Scenario::default();
    s.community.need.latent_multiple = 2.0;
    s.community.need.elder_care_growth = 0.035;
    let d = &s.community.demand;
    let at_24 = need_per_1000(&s, 24);
    // 120 h × 1.035² × 2 = 257.094; other categories only × 2
    assert!(close(at_24[0], 120.0 * 1.035 * 1.035 * 2.0), "{}", at_24[0]);
    assert!(close(at_24[1], d.children * 2.0));
    s.community.need.elder_care_growth = 0.0;
    s.community.need.latent_multiple = 1.0;
    assert_eq!(need_per_1000(&s, 60)[0], d.elder_care);
}

/// A one-month step skips the power but gives the same bits as the power form it replaced
/// (results stay byte-identical); longer steps compound: 1 − (1 − 0.1)³ = 0.271.
#[test]
fn step_probability_skips_the_power_for_one_month_bit_for_bit() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let p = (x >> 11) as f64 / (1u64 << 53) as f64;
        let power_form = 1.0 - (1.0 - p).powf(std::hint::black_box(1.0));
        assert_eq!(step_probability(p, 1.0).to_bits(), power_form.to_bits(), "p = {p:e}");
    }
    assert_eq!(step_probability(1.5, 1.0), 1.0);
    assert_eq!(step_probability(-0.5, 1.0), 0.0);
    assert!(close(step_probability(0.1, 3.0), 0.271));
}

/// A single community of more than one batch of chunks, stepped on 1 and on 3 threads for four years: every
/// step's record and every agent's state are the same bits. Leaders leave during the run, so
/// the members after them in index order find their team without one on any thread count.
#[test]
fn one_community_steps_identically_on_one_and_three_threads() {
    use super::residents::BATCH;
    use super::rng::CHUNK;
    let mut s = crate::scenario::load(std::path::Path::new("scenarios/drivers/multi-actor.json")).unwrap();
    s.community.residents = (BATCH * CHUNK + 3 * CHUNK + 17) as u32;
    // volunteers who served ask ties often enough that the asks land in parts on three threads,
    // core ones more than others and less where their category's need is covered
    s.behaviour.peers.ask_rate = 0.9;
    s.behaviour.peers.need_sensitivity = 0.3;
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let mut w = super::World::new(&s, 5, 1);
            let mut records = Vec::new();
            let (mut vacancies, mut most_asks) = (0, 0);
            for _ in 0..48 {
                records.push(format!("{:?}", w.step()));
                vacancies += w.departing_leaders.len();
                most_asks = most_asks.max(w.peer_asks.len());
            }
            let a = &w.agents;
            let agents = format!(
                "{:?}",
                (&a.history, &a.motivation, &a.skill, &a.trust_government, &a.trust_neighbours, &a.satisfaction)
            ) + &format!("{:?}", (&a.commitment, &a.state, &a.channel, &a.team, &a.tenure, &a.registered));
            (records, agents, vacancies, most_asks)
        })
    };
    let (one, three) = (run(1), run(3));
    assert!(one.2 > 0, "no leader left during the run: the test would not exercise vacancies");
    // peer asks land in parts of the community, one per thread, when there are a chunk's worth
    assert!(one.3 >= CHUNK, "at most {} asks of ties a step: they would all land in one part", one.3);
    assert_eq!(one.0, three.0);
    assert_eq!(one.1, three.1);
}

/// Positions taken with probability p: none for p = 0, all for p = 1, and in between a count
/// with mean p·len and variance p(1 − p)·len, spread evenly over the range, in increasing order.
/// Margins: the count of 200 runs of 1,000 positions with p = 0.03 has mean 6,000 and standard
/// deviation 76 in all; 5 standard deviations allowed. Each tenth of the range: mean 600, sd 24,
/// allowed 150. Pairs of neighbours (independence): mean 200·999·p² = 180, sd 13, allowed 70.
#[test]
fn bernoulli_positions_are_independent_with_the_given_probability() {
    use super::rng::bernoulli_positions;
    let mut rng = Streams::new(3, 0).stream(Purpose::Asks, 0, 0);
    let collect = |rng: &mut rand_chacha::ChaCha8Rng, p: f64, len: usize| {
        let mut v = Vec::new();
        bernoulli_positions(rng, p, len, |_, at| v.push(at));
        v
    };
    assert!(collect(&mut rng, 0.0, 50).is_empty());
    assert!(collect(&mut rng, f64::NAN, 50).is_empty());
    assert_eq!(collect(&mut rng, 1.0, 5), vec![0, 1, 2, 3, 4]);
    assert!(collect(&mut rng, 0.5, 0).is_empty());
    let (p, len, runs) = (0.03, 1000, 200);
    let (mut total, mut tenths, mut pairs) = (0usize, [0usize; 10], 0usize);
    for _ in 0..runs {
        let v = collect(&mut rng, p, len);
        assert!(v.windows(2).all(|w| w[0] < w[1]) && v.iter().all(|&at| at < len));
        total += v.len();
        v.iter().for_each(|&at| tenths[at * 10 / len] += 1);
        pairs += v.windows(2).filter(|w| w[1] == w[0] + 1).count();
    }
    assert!((total as f64 - 6000.0).abs() < 5.0 * 76.0, "{total} positions, expected 6,000");
    for (d, &c) in tenths.iter().enumerate() {
        assert!((c as f64 - 600.0).abs() < 150.0, "tenth {d}: {c}, expected 600");
    }
    assert!((pairs as f64 - 180.0).abs() < 70.0, "{pairs} adjacent pairs, expected 180");
}

#[test]
fn trust_sums_are_the_sums_added_in_index_order_bit_for_bit() {
    use super::residents::{outside_exact_sums, sum_in_index_order, sum_in_lanes};
    use rand::{Rng, SeedableRng};
    let in_order = |v: &[f32]| v.iter().fold(0.0f64, |s, &x| s + x as f64);
    // hand cases: exact halves, the empty sum, a remainder past the last whole lane
    assert_eq!(sum_in_index_order(&[]), 0.0);
    assert_eq!(sum_in_index_order(&[0.5, 0.25, 0.125]), 0.875);
    assert_eq!(sum_in_index_order(&[1.0; 11]), 11.0);
    // the guard's edges: 2^-18 and 1 are in, the floats just outside them are not, nor are
    // subnormals, infinities or NaN; in or out, the sum is the in-order one
    let low = 1.0f32 / (1u32 << 18) as f32;
    let below = f32::from_bits(low.to_bits() - 1);
    let above = f32::from_bits(1.0f32.to_bits() + 1);
    let inside = [0.0, -0.0, low, -low, 0.5, 1.0, -1.0];
    let outside = [below, -below, above, 2.0, f32::MIN_POSITIVE / 2.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
    for x in inside {
        assert!(!outside_exact_sums(x), "{x:e}");
    }
    for x in outside {
        assert!(outside_exact_sums(x), "{x:e}");
    }
    // the lanes' test (largest and smallest nonzero magnitude per lane) agrees with the test of
    // each value, wherever the value stands: in a whole block of eight or in the remainder
    for x in inside.into_iter().chain(outside) {
        for len in [1, 8, 13, 4096] {
            // every lane of a whole block and of the remainder, and a long slice's ends
            let places: Vec<usize> = if len < 16 { (0..len).collect() } else { vec![0, len / 2, len - 1] };
            for at in places {
                let mut v = vec![0.25f32; len];
                v[at] = x;
                assert_eq!(sum_in_lanes(&v).is_some(), !outside_exact_sums(x), "{x:e} at {at} of {len}");
            }
        }
    }
    assert_eq!(sum_in_lanes(&[]).map(f64::to_bits), Some(0));
    assert_eq!(sum_in_lanes(&[0.0; 7]).map(f64::to_bits), Some(0));
    assert_eq!(sum_in_lanes(&vec![0.5; 4097]), None);
    for edge in inside.into_iter().chain(outside) {
        let v: Vec<f32> = (0..4096).map(|k| if k % 5 == 0 { edge } else { 0.3 + k as f32 * 1e-4 }).collect();
        let (got, want) = (sum_in_index_order(&v), in_order(&v));
        assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "{edge:e}");
    }
    assert!(sum_in_index_order(&[0.5, f32::NAN, 0.25]).is_nan());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    // values whose in-order sum rounds: tiny ones beside large ones, more than 2^12 values,
    // magnitudes above 1, negative values; and the ordinary case of trust in (0, 1) with zeros
    type Values = fn(f32) -> f32;
    let cases: [(usize, Values); 5] = [
        (4096, |u| if u < 0.5 { u * 1e-12 } else { u }),
        (5000, |u| u),
        (4096, |u| u * 3000.0),
        (4095, |u| u - 0.5),
        (4096, |u| if u < 0.1 { 0.0 } else { u }),
    ];
    // added in eight lanes without the guard: differs from the in-order sum where it rounds
    let lanes = |v: &[f32]| {
        let mut l = [0.0f64; 8];
        for (k, &x) in v.iter().enumerate() {
            l[k % 8] += x as f64;
        }
        l.iter().sum::<f64>()
    };
    for (c, (len, f)) in cases.into_iter().enumerate() {
        let mut lanes_differ = 0;
        for _ in 0..20 {
            let v: Vec<f32> = (0..len).map(|_| f(rng.random::<f32>())).collect();
            for n in [len, len - 1, len / 3, 7] {
                assert_eq!(sum_in_index_order(&v[..n]).to_bits(), in_order(&v[..n]).to_bits(), "{n} values");
            }
            lanes_differ += (lanes(&v).to_bits() != in_order(&v).to_bits()) as u32;
        }
        // the guard is needed for the first case, and lanes are exact in the last
        if c == 0 {
            assert!(lanes_differ > 0, "tiny values beside large ones should round");
        }
        if c == 4 {
            assert_eq!(lanes_differ, 0);
        }
    }
}

/// The end-of-pass counts give the same on any processor: where AVX2 is there, the wide build
/// of the loop is checked against the plain one on random residents (buildings of 37, so
/// buildings straddle the vectors). And a hand case of one building of three.
#[test]
fn resident_counts_are_the_same_in_wide_vectors_and_by_hand() {
    use super::residents::{count_residents, resident_counts, ActivityMasks, ResidentCounts};
    use rand::{Rng, SeedableRng};
    // window: last 3 steps; year: last 12; the year before: the 12 before that
    let m = ActivityMasks { window: 0b111, year: 0xFFF, prior_year: 0xFF_F000 };
    let mut h = vec![0b1, 0b1_0000_0000_0000, 0b1111_0000];
    let st = [State::Core, State::Inactive, State::Leader];
    let c = resident_counts(&mut h, &st, &[true, true, false], 3, m, 4);
    let expected = ResidentCounts {
        active_in_window: 1,
        regular: 1,
        core: 2,
        buildings_with_core: 1,
        leaders: 1,
        enrolled: 2,
        retention_base: 1,
        retained: 0,
        registered: 2,
        registered_active: 1,
    };
    assert_eq!(c, expected);
    assert_eq!(h, [0b10, 0b10_0000_0000_0000, 0b1_1110_0000]);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let states = [State::Inactive, State::Occasional, State::Regular, State::Core, State::Leader];
    let n = 5000;
    let history: Vec<u32> = (0..n).map(|_| if rng.random::<f32>() < 0.7 { 0 } else { rng.random() }).collect();
    let st: Vec<State> = (0..n).map(|_| states[rng.random_range(0..5)]).collect();
    let reg: Vec<bool> = (0..n).map(|_| rng.random::<f32>() < 0.2).collect();
    let (mut wide, mut plain) = (history.clone(), history.clone());
    let a = resident_counts(&mut wide, &st, &reg, 37, m, 4);
    let b = count_residents(&mut plain, &st, &reg, 37, m, 4);
    assert_eq!(a, b);
    assert_eq!(wide, plain);
    assert!(a.regular > 0 && a.retained > 0 && a.buildings_with_core > 0 && a.registered_active > 0);
}

/// Drawn side by side (in AVX2's vectors where the processor has them), agents' uniforms are
/// the ones each draws alone.
#[test]
fn uniforms_drawn_together_are_those_drawn_alone() {
    use super::rng::agent_uniforms_of;
    let streams = Streams::new(9, 4);
    let agents: Vec<u32> = (0..16).map(|k| k * 977 + 3).collect();
    for n in [0, 1, 7, 16] {
        let mut out = [Uniforms::default(); 16];
        agent_uniforms_of(&streams, 33, &agents[..n], &mut out);
        for (k, &i) in agents[..n].iter().enumerate() {
            assert_eq!(slots(&out[k]), slots(&agent_uniforms(&streams, 33, i as usize)));
        }
    }
}
