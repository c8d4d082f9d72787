//! Temperatures and temperature ladders.

use quench_core::ParameterError;
use serde::{Deserialize, Serialize};

/// Inverse temperature $\beta = 1/T$ of a finite positive temperature.
pub fn inverse_temperature(temperature: f64) -> Result<f64, ParameterError> {
    if temperature.is_finite() && temperature > 0.0 {
        Ok(1.0 / temperature)
    } else {
        Err(ParameterError::new(
            "temperature",
            temperature,
            "a finite temperature > 0 (use greedy descent for T = 0)",
        ))
    }
}

/// An ascending list of distinct positive temperatures, slot 0 the coldest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemperatureLadder {
    temperatures: Vec<f64>,
}

impl TemperatureLadder {
    /// A ladder from a list (sorted ascending; duplicates and non-positive values refused).
    pub fn from_list(mut temperatures: Vec<f64>) -> Result<Self, ParameterError> {
        if temperatures.is_empty() {
            return Err(ParameterError::new(
                "temperatures",
                "[]",
                "a non-empty list of temperatures > 0",
            ));
        }
        for &t in &temperatures {
            inverse_temperature(t)?;
        }
        temperatures.sort_by(f64::total_cmp);
        if let Some(pair) = temperatures.windows(2).find(|w| w[0] == w[1]) {
            return Err(ParameterError::new(
                "temperatures",
                pair[0],
                "distinct temperatures (this one is repeated)",
            ));
        }
        Ok(Self { temperatures })
    }

    /// `count` temperatures in geometric progression from `minimum` to `maximum`,
    /// $T_k = T_{\min} (T_{\max}/T_{\min})^{k/(K-1)}$: the usual choice, which gives
    /// roughly uniform swap rates when the specific heat is roughly constant.
    pub fn geometric(minimum: f64, maximum: f64, count: usize) -> Result<Self, ParameterError> {
        Self::checked_range(minimum, maximum, count)?;
        if count == 1 {
            return Self::from_list(vec![minimum]);
        }
        let ratio = (maximum / minimum).powf(1.0 / (count - 1) as f64);
        let mut temperatures: Vec<f64> =
            (0..count).map(|k| minimum * ratio.powi(k as i32)).collect();
        temperatures[count - 1] = maximum;
        Self::from_list(temperatures)
    }

    /// `count` temperatures equally spaced from `minimum` to `maximum`.
    pub fn linear(minimum: f64, maximum: f64, count: usize) -> Result<Self, ParameterError> {
        Self::checked_range(minimum, maximum, count)?;
        if count == 1 {
            return Self::from_list(vec![minimum]);
        }
        let step = (maximum - minimum) / (count - 1) as f64;
        Self::from_list((0..count).map(|k| minimum + step * k as f64).collect())
    }

    fn checked_range(minimum: f64, maximum: f64, count: usize) -> Result<(), ParameterError> {
        inverse_temperature(minimum).map_err(|e| ParameterError {
            parameter: "minimum temperature",
            ..e
        })?;
        inverse_temperature(maximum).map_err(|e| ParameterError {
            parameter: "maximum temperature",
            ..e
        })?;
        if count == 0 {
            return Err(ParameterError::new(
                "count",
                count,
                "at least one temperature",
            ));
        }
        if count > 1 && maximum <= minimum {
            return Err(ParameterError::new(
                "maximum temperature",
                maximum,
                format!("a temperature above the minimum {minimum}"),
            ));
        }
        Ok(())
    }

    /// The temperatures, ascending.
    pub fn temperatures(&self) -> &[f64] {
        &self.temperatures
    }

    /// The inverse temperatures, in slot order (descending).
    pub fn betas(&self) -> Vec<f64> {
        self.temperatures.iter().map(|t| 1.0 / t).collect()
    }

    /// Number of temperatures $K$.
    pub fn len(&self) -> usize {
        self.temperatures.len()
    }

    /// Always false: a ladder has at least one temperature.
    pub fn is_empty(&self) -> bool {
        self.temperatures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladders_are_ascending_and_validated() {
        let ladder = TemperatureLadder::geometric(0.4, 1.6, 5).unwrap();
        let t = ladder.temperatures();
        assert_eq!(t.len(), 5);
        assert!((t[0] - 0.4).abs() < 1e-15 && (t[4] - 1.6).abs() < 1e-15);
        assert!((t[1] / t[0] - t[2] / t[1]).abs() < 1e-12);
        assert_eq!(
            TemperatureLadder::from_list(vec![2.0, 1.0])
                .unwrap()
                .temperatures(),
            &[1.0, 2.0]
        );
        let empty = TemperatureLadder::from_list(vec![]).unwrap_err();
        assert_eq!(empty.parameter, "temperatures");
        assert!(empty.to_string().contains("non-empty"));
        let negative = TemperatureLadder::from_list(vec![1.0, -0.5]).unwrap_err();
        assert_eq!(negative.parameter, "temperature");
        assert!(negative.to_string().contains("> 0"));
        assert!(TemperatureLadder::from_list(vec![1.0, 1.0]).is_err());
        assert!(TemperatureLadder::geometric(0.0, 1.0, 3).is_err());
        assert!(TemperatureLadder::geometric(1.0, 0.5, 3).is_err());
        assert!(TemperatureLadder::geometric(1.0, 2.0, 0).is_err());
        assert!(inverse_temperature(f64::INFINITY).is_err());
    }
}
