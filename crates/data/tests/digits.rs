//! The embedded digits: size, classes, values, and what splits and
//! binarisation make of them.

use quench_data::{Binarisation, DIGITS_CSV, Dataset, digits};

#[test]
fn digits_are_1797_images_of_8_by_8_pixels() {
    let data = digits();
    assert_eq!(data.len(), 1797);
    assert_eq!(data.features(), 64);
    assert_eq!(data.image_shape(), Some((8, 8)));
    assert_eq!(data.value_range(), (0.0, 16.0));
    assert_eq!(data.name(), "digits");
    assert_eq!(
        data.to_string(),
        "digits: 1797 rows × 64 features (8×8 images), values in [0, 16], 10 classes"
    );
}

#[test]
fn digits_class_counts_match_the_file() {
    // Counted in data/digits.csv with awk; all ten digits are present.
    let expected = vec![
        (0, 178),
        (1, 182),
        (2, 177),
        (3, 183),
        (4, 181),
        (5, 182),
        (6, 181),
        (7, 179),
        (8, 174),
        (9, 180),
    ];
    let data = digits();
    assert_eq!(data.class_counts(), Some(expected.clone()));
    for (label, count) in expected {
        let class = data.of_class(label).unwrap();
        assert_eq!(class.len(), count);
        assert!(class.labels().unwrap().iter().all(|&l| l == label));
        assert_eq!(class.image_shape(), Some((8, 8)));
    }
}

#[test]
fn digits_values_are_integer_counts_from_0_to_16() {
    let data = digits();
    assert!(
        data.values()
            .iter()
            .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0)
    );
    // Both ends of the range occur.
    assert!(data.values().contains(&0.0) && data.values().contains(&16.0));
}

#[test]
fn first_image_is_the_first_line_of_the_file() {
    let data = digits();
    let first_line: Vec<f64> = DIGITS_CSV
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(|field| field.parse().unwrap())
        .collect();
    assert_eq!(data.row(0), &first_line[..64]);
    assert_eq!(data.labels().unwrap()[0] as f64, first_line[64]);
    // The top row of pixels of the first image, a zero.
    assert_eq!(
        &data.row(0)[..8],
        &[0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(data.labels().unwrap()[0], 0);
    let last_line = DIGITS_CSV.lines().last().unwrap();
    assert!(last_line.ends_with(",8"));
    assert_eq!(data.labels().unwrap()[1796], 8);
}

#[test]
fn threshold_at_one_half_is_pixel_at_least_8() {
    let data = digits();
    let bits = data
        .binarise(Binarisation::Threshold { fraction: 0.5 })
        .unwrap();
    assert_eq!((bits.len(), bits.features()), (1797, 64));
    assert_eq!(bits.labels(), data.labels());
    assert_eq!(bits.image_shape(), Some((8, 8)));
    for (&value, &bit) in data.values().iter().zip(bits.values()) {
        assert_eq!(bit, u8::from(value >= 8.0), "pixel {value}");
    }
}

#[test]
fn bernoulli_mean_agrees_with_mean_pixel_over_16() {
    let data = digits();
    let probabilities: Vec<f64> = data.values().iter().map(|v| v / 16.0).collect();
    let count = probabilities.len() as f64;
    let expected = probabilities.iter().sum::<f64>() / count;
    // The bits are independent Bernoulli draws: the variance of their mean
    // is sum p (1 - p) / N^2.
    let standard_error = probabilities
        .iter()
        .map(|p| p * (1.0 - p))
        .sum::<f64>()
        .sqrt()
        / count;
    assert!(standard_error > 0.0);
    for seed in [1, 2, 3] {
        let bits = data.binarise(Binarisation::Bernoulli { seed }).unwrap();
        let deviation = (bits.fraction_on() - expected) / standard_error;
        assert!(
            deviation.abs() < 5.0,
            "seed {seed}: {deviation} standard errors"
        );
        // Pixels 0 and 16 are certain.
        for (&value, &bit) in data.values().iter().zip(bits.values()) {
            if value == 0.0 || value == 16.0 {
                assert_eq!(bit, u8::from(value == 16.0));
            }
        }
    }
    let again = data.binarise(Binarisation::Bernoulli { seed: 1 }).unwrap();
    assert_eq!(
        again,
        data.binarise(Binarisation::Bernoulli { seed: 1 }).unwrap()
    );
    assert_ne!(
        again,
        data.binarise(Binarisation::Bernoulli { seed: 2 }).unwrap()
    );
}

/// A one-column data set holding each row's index, labelled like the digits:
/// its splits show which rows went where.
fn row_indices_labelled_like_digits() -> Dataset {
    let data = digits();
    let n = data.len();
    Dataset::new("indices", n, 1, (0..n).map(|i| i as f64).collect())
        .unwrap()
        .with_labels(data.labels().unwrap().to_vec())
        .unwrap()
}

fn indices(data: &Dataset) -> Vec<usize> {
    data.values().iter().map(|&v| v as usize).collect()
}

#[test]
fn split_is_deterministic_disjoint_covering_and_stratified() {
    let indexed = row_indices_labelled_like_digits();
    let (train, test) = indexed.split(0.2, 42).unwrap();
    let (train_again, test_again) = indexed.split(0.2, 42).unwrap();
    assert_eq!((&train, &test), (&train_again, &test_again));
    let (_, other_test) = indexed.split(0.2, 43).unwrap();
    assert_ne!(indices(&test), indices(&other_test));

    let mut all: Vec<usize> = indices(&train).into_iter().chain(indices(&test)).collect();
    all.sort_unstable();
    assert_eq!(all, (0..1797).collect::<Vec<_>>(), "disjoint and covering");
    // Stratified: each class gives round(0.2 n_c) rows to the test set.
    let counts = indexed.class_counts().unwrap();
    let test_counts = test.class_counts().unwrap();
    for ((label, n), (test_label, n_test)) in counts.iter().zip(&test_counts) {
        assert_eq!(label, test_label);
        assert_eq!(*n_test, (0.2 * *n as f64).round() as usize, "class {label}");
    }
    // Both parts keep the original order.
    assert!(indices(&test).windows(2).all(|w| w[0] < w[1]));

    // The digits themselves split into the same rows.
    let data = digits();
    let (digits_train, digits_test) = data.split(0.2, 42).unwrap();
    assert_eq!(digits_test.values(), data.subset(&indices(&test)).values());
    assert_eq!(digits_train.labels(), train.labels());
    assert_eq!(digits_test.value_range(), (0.0, 16.0));
    // So does a binary version of them.
    let bits = data
        .binarise(Binarisation::Threshold { fraction: 0.5 })
        .unwrap();
    let (_, bits_test) = bits.split(0.2, 42).unwrap();
    assert_eq!(
        bits_test.values(),
        digits_test
            .binarise(Binarisation::Threshold { fraction: 0.5 })
            .unwrap()
            .values()
    );
}

#[test]
fn split_extremes_and_unlabelled_data() {
    let data = digits();
    let (train, test) = data.split(0.0, 7).unwrap();
    assert_eq!((train.len(), test.len()), (1797, 0));
    assert_eq!(train.values(), data.values());
    let (train, test) = data.split(1.0, 7).unwrap();
    assert_eq!((train.len(), test.len()), (0, 1797));
    assert!(data.split(1.5, 7).is_err());
    assert!(data.split(f64::NAN, 7).is_err());

    let unlabelled = Dataset::new("u", 10, 1, (0..10).map(f64::from).collect()).unwrap();
    let (train, test) = unlabelled.split(0.3, 1).unwrap();
    assert_eq!((train.len(), test.len()), (7, 3));
}

#[test]
fn scaled_digits_lie_in_the_unit_interval() {
    let scaled = digits().scaled_to_unit().unwrap();
    assert_eq!(scaled.value_range(), (0.0, 1.0));
    assert_eq!(scaled.row(0)[3], 13.0 / 16.0);
}
