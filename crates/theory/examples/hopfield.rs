//! AGS capacity at one temperature and the whole phase diagram, with timings:
//! `cargo run --release -p quench-theory --example hopfield -- [TEMPERATURE] [POINTS_PER_LINE]`.

use quench_theory::hopfield::{
    almeida_thouless_end, capacity_at_temperature, global_minimum_alpha, largest_capacity,
    phase_diagram,
};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let temperature = args.first().and_then(|a| a.parse().ok()).unwrap_or(0.0);
    let points = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(32);

    let start = Instant::now();
    let capacity = capacity_at_temperature(temperature).expect("a temperature in [0, 1)");
    let elapsed = start.elapsed();
    println!(
        "T = {temperature}: alpha_c = {:.7}, m = {:.6}, q = {:.6}, r = {:.5}, replicon {:?} in {elapsed:.2?}",
        capacity.alpha_c, capacity.m, capacity.q, capacity.r, capacity.replicon
    );
    let start = Instant::now();
    let peak = largest_capacity().expect("the peak of alpha_c(T)");
    println!(
        "largest capacity {:.6} at T = {:.4} in {:.2?}",
        peak.alpha_c,
        peak.temperature,
        start.elapsed()
    );
    println!(
        "retrieval is the global minimum below alpha = {:.5} at T = 0",
        global_minimum_alpha(0.0).expect("T = 0 crossing")
    );
    let end = almeida_thouless_end().expect("end of the AT line");
    println!(
        "AT line meets T_M at alpha = {:.6}, T = {:.5}",
        end.alpha, end.temperature
    );
    let start = Instant::now();
    let diagram = phase_diagram(points).expect("phase diagram");
    println!(
        "phase diagram, {points} points per line, in {:.2?}",
        start.elapsed()
    );
    for (name, line) in [
        ("T_M", &diagram.retrieval),
        ("T_c", &diagram.global_minimum),
        ("T_R", &diagram.almeida_thouless),
    ] {
        let text: Vec<String> = line
            .iter()
            .map(|p| format!("({:.4}, {:.4})", p.alpha, p.temperature))
            .collect();
        println!("{name}: {}", text.join(" "));
    }
}
