//! What the differential tests share: every case evaluated both ways, on
//! a thread with the evaluator's stack, and one failure listing every
//! case whose two results differ.

/// Runs `evaluate(case, false)` and `evaluate(case, true)` for every case
/// and fails unless each pair is equal; `labels` name the two ways in the
/// failure (first the `false` one), `show` names a case.
pub fn assert_both_ways_agree<C: Send + 'static>(
    cases: Vec<C>,
    show: fn(&C) -> String,
    evaluate: fn(&C, bool) -> String,
    labels: [&'static str; 2],
) {
    let results = std::thread::Builder::new()
        .stack_size(tvix_eval::EVAL_STACK)
        .spawn(move || {
            cases
                .into_iter()
                .map(|c| {
                    let (a, b) = (evaluate(&c, false), evaluate(&c, true));
                    (show(&c), a, b)
                })
                .collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .unwrap();
    let [first, second] = labels;
    let differing: Vec<String> = results
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, a, b)| format!("{name}\n--- {first}:\n{a}\n--- {second}:\n{b}"))
        .collect();
    assert!(
        differing.is_empty(),
        "{} of {} programs differ:\n{}",
        differing.len(),
        results.len(),
        differing.join("\n\n")
    );
}
